package run

import (
	"context"

	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/journal"
)

// Hypothesis phases.
const (
	PhaseBefore     = "before"
	PhaseAfter      = "after"
	PhaseContinuous = "continuous"
)

// Levels at which activities run.
const (
	LevelHypothesis = "hypothesis"
	LevelMethod     = "method"
	LevelRollbacks  = "rollbacks"
)

// Step describes the part of a run a hook is called for.
type Step struct {
	// Experiment is the experiment being run.
	Experiment *experiment.Experiment
	// Scope holds the run's resolved configuration and secrets.
	Scope experiment.Scope
	// Phase is the hypothesis phase for hypothesis steps and their probes.
	Phase string
	// Iteration numbers continuous hypothesis checks from 1.
	Iteration int
	// Level is where an activity runs: hypothesis, method or rollbacks.
	Level string
	// Activity is the activity for activity hooks, its ref resolved.
	Activity *experiment.Activity
}

// Hooks are called before and after each step of a run. Before hooks
// return the context the step runs with, so an implementation can carry a
// span to the providers and to nested steps. After hooks get the step's
// outcome. Implementations must not panic and must not block for long:
// they run on the experiment's critical path.
type Hooks interface {
	BeforeExperiment(ctx context.Context, s Step) context.Context
	AfterExperiment(ctx context.Context, s Step, j *journal.Journal)
	BeforeHypothesis(ctx context.Context, s Step) context.Context
	AfterHypothesis(ctx context.Context, s Step, h *journal.Hypothesis)
	BeforeMethod(ctx context.Context, s Step) context.Context
	AfterMethod(ctx context.Context, s Step, runs []*journal.Record)
	BeforeRollbacks(ctx context.Context, s Step) context.Context
	AfterRollbacks(ctx context.Context, s Step, runs []*journal.Record)
	BeforeActivity(ctx context.Context, s Step) context.Context
	AfterActivity(ctx context.Context, s Step, r *journal.Record)
	// Pause is called when an activity starts or ends a pause ("before"
	// or "after").
	Pause(ctx context.Context, s Step, which string, seconds float64)
}

// NopHooks implements Hooks with methods that do nothing; embed it to
// implement only some hooks.
type NopHooks struct{}

var _ Hooks = NopHooks{}

// BeforeExperiment implements Hooks.
func (NopHooks) BeforeExperiment(ctx context.Context, _ Step) context.Context { return ctx }

// AfterExperiment implements Hooks.
func (NopHooks) AfterExperiment(context.Context, Step, *journal.Journal) {}

// BeforeHypothesis implements Hooks.
func (NopHooks) BeforeHypothesis(ctx context.Context, _ Step) context.Context { return ctx }

// AfterHypothesis implements Hooks.
func (NopHooks) AfterHypothesis(context.Context, Step, *journal.Hypothesis) {}

// BeforeMethod implements Hooks.
func (NopHooks) BeforeMethod(ctx context.Context, _ Step) context.Context { return ctx }

// AfterMethod implements Hooks.
func (NopHooks) AfterMethod(context.Context, Step, []*journal.Record) {}

// BeforeRollbacks implements Hooks.
func (NopHooks) BeforeRollbacks(ctx context.Context, _ Step) context.Context { return ctx }

// AfterRollbacks implements Hooks.
func (NopHooks) AfterRollbacks(context.Context, Step, []*journal.Record) {}

// BeforeActivity implements Hooks.
func (NopHooks) BeforeActivity(ctx context.Context, _ Step) context.Context { return ctx }

// AfterActivity implements Hooks.
func (NopHooks) AfterActivity(context.Context, Step, *journal.Record) {}

// Pause implements Hooks.
func (NopHooks) Pause(context.Context, Step, string, float64) {}

// Chain returns Hooks that call each of hooks in order: before hooks
// thread the context through them, after hooks get the step's context.
func Chain(hooks ...Hooks) Hooks { return chain(hooks) }

type chain []Hooks

// BeforeExperiment implements Hooks.
func (c chain) BeforeExperiment(ctx context.Context, s Step) context.Context {
	for _, h := range c {
		ctx = h.BeforeExperiment(ctx, s)
	}
	return ctx
}

// AfterExperiment implements Hooks.
func (c chain) AfterExperiment(ctx context.Context, s Step, j *journal.Journal) {
	for _, h := range c {
		h.AfterExperiment(ctx, s, j)
	}
}

// BeforeHypothesis implements Hooks.
func (c chain) BeforeHypothesis(ctx context.Context, s Step) context.Context {
	for _, h := range c {
		ctx = h.BeforeHypothesis(ctx, s)
	}
	return ctx
}

// AfterHypothesis implements Hooks.
func (c chain) AfterHypothesis(ctx context.Context, s Step, hyp *journal.Hypothesis) {
	for _, h := range c {
		h.AfterHypothesis(ctx, s, hyp)
	}
}

// BeforeMethod implements Hooks.
func (c chain) BeforeMethod(ctx context.Context, s Step) context.Context {
	for _, h := range c {
		ctx = h.BeforeMethod(ctx, s)
	}
	return ctx
}

// AfterMethod implements Hooks.
func (c chain) AfterMethod(ctx context.Context, s Step, runs []*journal.Record) {
	for _, h := range c {
		h.AfterMethod(ctx, s, runs)
	}
}

// BeforeRollbacks implements Hooks.
func (c chain) BeforeRollbacks(ctx context.Context, s Step) context.Context {
	for _, h := range c {
		ctx = h.BeforeRollbacks(ctx, s)
	}
	return ctx
}

// AfterRollbacks implements Hooks.
func (c chain) AfterRollbacks(ctx context.Context, s Step, runs []*journal.Record) {
	for _, h := range c {
		h.AfterRollbacks(ctx, s, runs)
	}
}

// BeforeActivity implements Hooks.
func (c chain) BeforeActivity(ctx context.Context, s Step) context.Context {
	for _, h := range c {
		ctx = h.BeforeActivity(ctx, s)
	}
	return ctx
}

// AfterActivity implements Hooks.
func (c chain) AfterActivity(ctx context.Context, s Step, r *journal.Record) {
	for _, h := range c {
		h.AfterActivity(ctx, s, r)
	}
}

// Pause implements Hooks.
func (c chain) Pause(ctx context.Context, s Step, which string, seconds float64) {
	for _, h := range c {
		h.Pause(ctx, s, which, seconds)
	}
}
