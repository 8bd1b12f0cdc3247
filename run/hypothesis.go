package run

import (
	"context"
	"fmt"
	"time"

	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/journal"
	"github.com/chaostracing/chaostracing/tolerance"
	"github.com/chaostracing/chaostracing/value"
)

// hypothesis checks the steady state once: probes run in order and the
// check stops at the first probe that fails or misses its tolerance.
func (st *run) hypothesis(ctx context.Context, phase string, iteration int) *journal.Hypothesis {
	hyp := st.exp.Hypothesis
	step := Step{Experiment: st.exp, Scope: st.scope, Phase: phase, Iteration: iteration, Level: LevelHypothesis}
	ctx = st.hooks.BeforeHypothesis(ctx, step)
	st.log.Info("Steady state hypothesis: " + hyp.Title)
	h := &journal.Hypothesis{Met: true, Probes: []*journal.Record{}}
	for _, entry := range hyp.Probes {
		rec := st.probe(ctx, step, entry)
		h.Probes = append(h.Probes, rec)
		if !*rec.ToleranceMet {
			h.Met = false
			break
		}
	}
	if h.Met {
		st.log.Info("Steady state hypothesis is met!")
	}
	st.hooks.AfterHypothesis(ctx, step, h)
	return h
}

// probe runs one hypothesis probe and checks its tolerance. A ref entry
// runs its target with its own tolerance, as Chaos Toolkit does.
func (st *run) probe(ctx context.Context, step Step, entry *experiment.Activity) *journal.Record {
	a := st.exp.Resolve(entry)
	step.Activity = a
	// The verdict is set before the activity's after hooks, so they see it.
	return st.activity(ctx, step, a, func(ctx context.Context, rec *journal.Record, output any) {
		met := st.checkTolerance(ctx, a, entry.Tolerance, rec, output)
		rec.ToleranceMet = &met
	})
}

// checkTolerance runs inside the activity's hooks, so the verdict is part
// of the activity's span.
func (st *run) checkTolerance(ctx context.Context, a *experiment.Activity, tol any, rec *journal.Record, output any) bool {
	switch {
	case rec.Status == "":
		return false
	case rec.Failed():
		st.log.Warn("Probe terminated unexpectedly, so its tolerance could not be validated")
		return false
	case st.dryFor(a) == DryProbes || st.dryFor(a) == DryActivities:
		return true
	}
	met, err := tolerance.Check(ctx, tol, output, tolerance.Env{
		Substitute: st.scope.Substitute,
		RunProbe:   st.toleranceProbe(a),
	})
	if err != nil {
		st.log.Error(fmt.Sprintf("Cannot evaluate the tolerance of probe '%s': %v", a.Name, err))
		return false
	}
	return met
}

// toleranceProbe runs a probe used as a tolerance: no record, no pauses,
// just the provider, as Chaos Toolkit's run_activity.
func (st *run) toleranceProbe(owner *experiment.Activity) func(context.Context, *value.Object) (any, error) {
	return func(ctx context.Context, doc *value.Object) (any, error) {
		a, err := experiment.DecodeActivity(doc, owner.Path+".tolerance")
		if err != nil {
			return nil, err
		}
		return st.callProvider(ctx, a)
	}
}

// continuously checks the hypothesis until stop closes, with the
// configured gap between checks. With fail-fast, the first deviation
// fails the run, which stops the method.
func (st *run) continuously(ctx context.Context, stop <-chan struct{}) {
	freq := st.opts.frequency()
	st.log.Info(fmt.Sprintf("Executing the steady-state hypothesis continuously every %s seconds", experiment.PyStr(freq.Seconds())))
	failures := 0
	for iteration := 1; ; iteration++ {
		if isClosed(stop) || st.stopped() || ctx.Err() != nil {
			break
		}
		h := st.hypothesis(ctx, PhaseContinuous, iteration)
		st.mu.Lock()
		st.j.SteadyStates.During = append(st.j.SteadyStates.During, h)
		st.mu.Unlock()
		if !h.Met && len(h.Probes) > 0 {
			failures++
			st.log.Warn(fmt.Sprintf("Continuous steady state probe '%s' is not in the given tolerance", h.Probes[len(h.Probes)-1].Activity.String("name")))
			if st.opts.FailFast {
				st.log.Info(fmt.Sprintf("Terminating immediately the experiment after %.1f%% hypothesis deviated", float64(failures*100)/float64(iteration)))
				st.setStatus(journal.Failed)
				break
			}
		}
		if !wait(ctx, stop, freq) {
			break
		}
	}
	st.log.Info("Continuous steady state hypothesis terminated")
}

func isClosed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// wait sleeps for d unless stop closes or ctx ends first; it reports
// whether the full time passed.
func wait(ctx context.Context, stop <-chan struct{}, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-stop:
		return false
	case <-ctx.Done():
		return false
	}
}
