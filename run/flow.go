package run

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/chaostracing/chaostracing/internal/logging"
	"github.com/chaostracing/chaostracing/journal"
)

// play runs the whole experiment, following chaoslib's Runner._run.
func (st *run) play(ctx context.Context) {
	st.log.Info("Running experiment: " + st.j.Experiment.String("title"))
	if st.opts.Dry != "" {
		st.log.Warn("Dry mode enabled")
	}
	strategy := st.opts.strategy()
	st.log.Info("Steady-state strategy: " + strategy)
	st.log.Info("Rollbacks strategy: " + st.opts.rollbackStrategy())
	withHypothesis := st.exp.Hypothesis != nil && len(st.exp.Hypothesis.Probes) > 0 && strategy != StrategySkip
	if !withHypothesis {
		st.log.Info("No steady state hypothesis defined. That's ok, just exploring.")
	}
	step := Step{Experiment: st.exp, Scope: st.scope}
	ctx = st.hooks.BeforeExperiment(ctx, step)

	st.hypothesisAndMethod(ctx, strategy, withHypothesis)
	if ctx.Err() != nil {
		st.interrupted(ctx)
	}
	st.rollbacks(ctx)

	st.j.End = st.now()
	st.j.Duration = journal.Seconds(st.j.End.Sub(st.j.Start))
	st.logVerdict()
	st.hooks.AfterExperiment(ctx, step, st.j)
}

func (st *run) hypothesisAndMethod(ctx context.Context, strategy string, withHypothesis bool) {
	if withHypothesis && (strategy == StrategyDefault || strategy == StrategyBeforeMethodOnly || strategy == StrategyContinuously) {
		before := st.gate(ctx)
		if before == nil || !before.Met {
			return
		}
	}
	if ctx.Err() != nil {
		return
	}
	var continuous sync.WaitGroup
	stop := make(chan struct{})
	if withHypothesis && (strategy == StrategyDuringMethodOnly || strategy == StrategyContinuously) {
		continuous.Add(1)
		go func() {
			defer continuous.Done()
			st.continuously(ctx, stop)
		}()
	}
	st.method(ctx)
	close(stop)
	continuous.Wait()
	if st.status() == journal.Interrupted || st.status() == journal.Aborted || ctx.Err() != nil {
		return
	}
	if withHypothesis && (strategy == StrategyDefault || strategy == StrategyAfterMethodOnly || strategy == StrategyContinuously) {
		st.deviationCheck(ctx)
	}
}

// gate runs the hypothesis before the method. A probe that fails makes
// the run failed; a probe out of tolerance only skips the method, leaving
// the run completed, as Chaos Toolkit does.
func (st *run) gate(ctx context.Context) *journal.Hypothesis {
	h := st.hypothesis(ctx, PhaseBefore, 0)
	st.j.SteadyStates.Before = h
	if h != nil && !h.Met {
		st.missed(h)
	}
	return h
}

// deviationCheck runs the hypothesis after the method; missing it means
// the experiment deviated.
func (st *run) deviationCheck(ctx context.Context) {
	h := st.hypothesis(ctx, PhaseAfter, 0)
	st.j.SteadyStates.After = h
	if h == nil || h.Met {
		return
	}
	if ctx.Err() == nil {
		st.mu.Lock()
		st.j.Deviated = true
		st.mu.Unlock()
	}
	st.missed(h)
}

// missed logs the probe that broke the hypothesis and fails the run when
// that probe itself failed; an interrupted probe leaves that to the
// interruption.
func (st *run) missed(h *journal.Hypothesis) {
	if len(h.Probes) == 0 {
		return
	}
	last := h.Probes[len(h.Probes)-1]
	if last.Status == "" {
		return
	}
	if last.Failed() {
		st.setStatus(journal.Failed)
	} else if st.status() == journal.Failed {
		st.setStatus(journal.Completed) // an after check overwrites fail-fast, as in Chaos Toolkit
	}
	st.log.Log(context.Background(), logging.LevelCritical, fmt.Sprintf(
		"Steady state probe '%s' is not in the given tolerance so failing this experiment", last.Activity.String("name")))
}

// interrupted ends the run as interrupted. A signal has been logged by
// whoever caught it; a reason given to Interrupt is logged here, as Chaos
// Toolkit logs an InterruptExecution.
func (st *run) interrupted(ctx context.Context) {
	st.setStatus(journal.Interrupted)
	var i *interruption
	if errors.As(context.Cause(ctx), &i) {
		st.log.Log(context.Background(), logging.LevelCritical, i.reason)
	}
}

func (st *run) logVerdict() {
	status := st.j.Status
	if st.j.Deviated {
		status = "deviated"
	}
	st.log.Info("Experiment ended with status: " + status)
	if st.j.Deviated {
		st.log.Info("The steady-state has deviated, a weakness may have been discovered")
	}
}
