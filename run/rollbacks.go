package run

import (
	"context"
	"errors"

	"github.com/chaostracing/chaostracing/journal"
)

// rollbacks plays the rollbacks when the strategy says so. An
// interruption while they run stops them. When the run was already
// interrupted (strategy always), they get a context that interruption no
// longer cancels: only a hard stop does.
func (st *run) rollbacks(ctx context.Context) {
	if errors.Is(context.Cause(ctx), ErrNoRollbacks) {
		st.log.Warn("Ignoring rollbacks as per signal")
		return
	}
	if !st.playRollbacks() {
		return
	}
	rctx, cancel := context.WithCancel(ctx)
	if ctx.Err() != nil {
		rctx, cancel = context.WithCancel(context.WithoutCancel(ctx))
	}
	defer cancel()
	stopAfter := context.AfterFunc(st.rollbackCtx, cancel)
	defer stopAfter()

	step := Step{Experiment: st.exp, Scope: st.scope, Level: LevelRollbacks}
	rctx = st.hooks.BeforeRollbacks(rctx, step)
	st.log.Info("Let's rollback...")
	if len(st.exp.Rollbacks) == 0 {
		st.log.Info("No declared rollbacks, let's move on.")
	}
	runs := st.sequence(rctx, step, st.exp.Rollbacks, "Rollback", nil)
	if rctx.Err() != nil {
		st.setStatus(journal.Interrupted)
		st.log.Warn("Received an exit signal. Terminating now without running the remaining rollbacks.")
	}
	st.j.Rollbacks = runs
	st.hooks.AfterRollbacks(rctx, step, runs)
}

func (st *run) playRollbacks() bool {
	switch st.opts.rollbackStrategy() {
	case RollbacksAlways:
		st.log.Warn("Rollbacks were explicitly requested to be played")
		return true
	case RollbacksNever:
		st.log.Warn("Rollbacks were explicitly requested to not be played")
		return false
	case RollbacksDeviated:
		if st.j.Deviated {
			st.log.Warn("Rollbacks will be played only because the experiment deviated")
			return true
		}
		st.log.Warn("Rollbacks were explicitly requested to be played only if the experiment deviated. Since this is not the case, we will not play them.")
		return false
	}
	s := st.status()
	return s != journal.Failed && s != journal.Interrupted
}

// ExitCode is the process exit code for a journal, as `chaos run` uses:
// 0 when the run completed without deviating, 1 otherwise.
func ExitCode(j *journal.Journal) int {
	if j.Status == journal.Completed && !j.Deviated {
		return 0
	}
	return 1
}
