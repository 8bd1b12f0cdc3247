package control

import (
	"context"

	"github.com/chaostracing/chaostracing/journal"
	"github.com/chaostracing/chaostracing/run"
)

// hook names one of the calls a control receives.
type hook uint8

const (
	hookConfigure hook = iota
	hookBeforeExperiment
	hookAfterExperiment
	hookBeforeHypothesis
	hookAfterHypothesis
	hookBeforeMethod
	hookAfterMethod
	hookBeforeRollbacks
	hookAfterRollbacks
	hookBeforeActivity
	hookAfterActivity
	hookCleanup
	hookPause
	hookCount
)

// goNames are the hooks' method names, for messages about Go controls.
var goNames = [hookCount]string{
	"Configure", "BeforeExperiment", "AfterExperiment", "BeforeHypothesis", "AfterHypothesis",
	"BeforeMethod", "AfterMethod", "BeforeRollbacks", "AfterRollbacks",
	"BeforeActivity", "AfterActivity", "Cleanup", "Pause",
}

// pyNames are Chaos Toolkit's function names of the hooks; Pause has none.
var pyNames = [hookCount]string{
	"configure_control", "before_experiment_control", "after_experiment_control",
	"before_hypothesis_control", "after_hypothesis_control",
	"before_method_control", "after_method_control",
	"before_rollback_control", "after_rollback_control",
	"before_activity_control", "after_activity_control", "cleanup_control", "",
}

// outcome carries the argument of an after hook (or of Pause).
type outcome struct {
	j       *journal.Journal
	h       *journal.Hypothesis
	runs    []*journal.Record
	rec     *journal.Record
	which   string
	seconds float64
}

// callBefore calls one before hook of c.
func callBefore(ctx context.Context, c Control, h hook, s run.Step) context.Context {
	switch h {
	case hookBeforeExperiment:
		return c.BeforeExperiment(ctx, s)
	case hookBeforeHypothesis:
		return c.BeforeHypothesis(ctx, s)
	case hookBeforeMethod:
		return c.BeforeMethod(ctx, s)
	case hookBeforeRollbacks:
		return c.BeforeRollbacks(ctx, s)
	}
	return c.BeforeActivity(ctx, s)
}

// callAfter calls one after hook of c, or Pause.
func callAfter(ctx context.Context, c Control, h hook, s run.Step, o *outcome) {
	switch h {
	case hookAfterExperiment:
		c.AfterExperiment(ctx, s, o.j)
	case hookAfterHypothesis:
		c.AfterHypothesis(ctx, s, o.h)
	case hookAfterMethod:
		c.AfterMethod(ctx, s, o.runs)
	case hookAfterRollbacks:
		c.AfterRollbacks(ctx, s, o.runs)
	case hookAfterActivity:
		c.AfterActivity(ctx, s, o.rec)
	case hookPause:
		c.Pause(ctx, s, o.which, o.seconds)
	}
}
