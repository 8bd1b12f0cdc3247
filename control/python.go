package control

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/journal"
	"github.com/chaostracing/chaostracing/provider/python"
	"github.com/chaostracing/chaostracing/run"
	"github.com/chaostracing/chaostracing/value"
)

// pythonControl runs a Chaos Toolkit control module in python3: each hook
// the module defines is one child process (python.Provider.CallControl);
// hooks it lacks cost nothing. Its fields are set by Configure and only
// read afterwards, so hooks may run concurrently.
type pythonControl struct {
	py      *python.Provider
	timeout time.Duration

	inspected bool
	hooks     [hookCount]bool
	loadErr   error

	decl *experiment.Control
	log  *slog.Logger
}

var (
	_ Control    = (*pythonControl)(nil)
	_ Configurer = (*pythonControl)(nil)
	_ Cleaner    = (*pythonControl)(nil)
)

// setInspected records which hook functions the module defines, or why it
// cannot be imported.
func (c *pythonControl) setInspected(names []string, err error) {
	c.inspected, c.loadErr = true, err
	for _, n := range names {
		for h, py := range pyNames {
			if py == n {
				c.hooks[h] = true
			}
		}
	}
}

// has reports whether the module defines the hook's function.
func (c *pythonControl) has(h hook) bool { return c.hooks[h] }

// Configure imports the module (unless the Dispatcher already inspected
// it) and calls its configure_control, as chaoslib does: the provider
// arguments as written, plus experiment, configuration, secrets and
// settings (None) when named.
func (c *pythonControl) Configure(ctx context.Context, s Settings) error {
	c.decl, c.log = s.Declaration, s.Log
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if !c.inspected {
		found, err := c.py.InspectControls(ctx, []string{s.Declaration.Module()})
		if err == nil {
			c.setInspected(found[0].Hooks, moduleError(found[0].Err, found[0].Missing, found[0].Module))
		} else {
			c.setInspected(nil, err)
		}
	}
	if c.loadErr != nil || !c.has(hookConfigure) {
		return c.loadErr
	}
	inject := value.NewObject("experiment", docOf(s.Experiment), "configuration", orEmpty(s.Scope.Configuration),
		"secrets", orEmpty(s.Scope.Secrets), "settings", nil)
	return c.call(ctx, hookConfigure, s.Arguments, inject)
}

// Cleanup calls the module's cleanup_control, with no arguments.
func (c *pythonControl) Cleanup(ctx context.Context) {
	if c.has(hookCleanup) {
		c.warn(hookCleanup, c.call(ctx, hookCleanup, nil, nil))
	}
}

// BeforeExperiment implements run.Hooks.
func (c *pythonControl) BeforeExperiment(ctx context.Context, s run.Step) context.Context {
	c.hook(ctx, hookBeforeExperiment, s, docOf(s.Experiment), nil)
	return ctx
}

// AfterExperiment implements run.Hooks; the state is the journal.
func (c *pythonControl) AfterExperiment(ctx context.Context, s run.Step, j *journal.Journal) {
	if c.has(hookAfterExperiment) {
		c.hook(context.WithoutCancel(ctx), hookAfterExperiment, s, docOf(s.Experiment), j.Value())
	}
}

// BeforeHypothesis implements run.Hooks.
func (c *pythonControl) BeforeHypothesis(ctx context.Context, s run.Step) context.Context {
	c.hook(ctx, hookBeforeHypothesis, s, hypothesisDoc(s), nil)
	return ctx
}

// AfterHypothesis implements run.Hooks; the state is {steady_state_met,
// probes}.
func (c *pythonControl) AfterHypothesis(ctx context.Context, s run.Step, h *journal.Hypothesis) {
	if c.has(hookAfterHypothesis) {
		state := value.NewObject("steady_state_met", h.Met, "probes", records(h.Probes))
		c.hook(context.WithoutCancel(ctx), hookAfterHypothesis, s, hypothesisDoc(s), state)
	}
}

// BeforeMethod implements run.Hooks.
func (c *pythonControl) BeforeMethod(ctx context.Context, s run.Step) context.Context {
	c.hook(ctx, hookBeforeMethod, s, docOf(s.Experiment), nil)
	return ctx
}

// AfterMethod implements run.Hooks; the state is the method's run records.
func (c *pythonControl) AfterMethod(ctx context.Context, s run.Step, runs []*journal.Record) {
	if c.has(hookAfterMethod) {
		c.hook(context.WithoutCancel(ctx), hookAfterMethod, s, docOf(s.Experiment), records(runs))
	}
}

// BeforeRollbacks implements run.Hooks.
func (c *pythonControl) BeforeRollbacks(ctx context.Context, s run.Step) context.Context {
	c.hook(ctx, hookBeforeRollbacks, s, docOf(s.Experiment), nil)
	return ctx
}

// AfterRollbacks implements run.Hooks; the state is the rollbacks' run
// records.
func (c *pythonControl) AfterRollbacks(ctx context.Context, s run.Step, runs []*journal.Record) {
	if c.has(hookAfterRollbacks) {
		c.hook(context.WithoutCancel(ctx), hookAfterRollbacks, s, docOf(s.Experiment), records(runs))
	}
}

// BeforeActivity implements run.Hooks; the context is the activity.
func (c *pythonControl) BeforeActivity(ctx context.Context, s run.Step) context.Context {
	c.hook(ctx, hookBeforeActivity, s, activityDoc(s), nil)
	return ctx
}

// AfterActivity implements run.Hooks; the state is the run record.
func (c *pythonControl) AfterActivity(ctx context.Context, s run.Step, r *journal.Record) {
	if c.has(hookAfterActivity) {
		c.hook(context.WithoutCancel(ctx), hookAfterActivity, s, activityDoc(s), r.Value())
	}
}

// Pause implements run.Hooks: Chaos Toolkit has no such control hook.
func (c *pythonControl) Pause(context.Context, run.Step, string, float64) {}

// hook calls a step hook when the module defines it, with the provider
// arguments substituted and the values chaoslib passes by name. Failures
// are logged; they never affect the run.
func (c *pythonControl) hook(ctx context.Context, h hook, s run.Step, subject, state any) {
	if !c.has(h) {
		return
	}
	var ext any
	if s.Experiment != nil {
		ext, _ = s.Experiment.Doc.Get("extensions")
	}
	inject := value.NewObject("context", subject, "state", state, "experiment", docOf(s.Experiment),
		"configuration", orEmpty(s.Scope.Configuration), "secrets", orEmpty(s.Scope.Secrets),
		"settings", nil, "extensions", ext)
	args, _ := s.Scope.Substitute(c.decl.Provider.Object("arguments")).(*value.Object)
	err := c.call(ctx, h, args, inject)
	if reason, ok := interruptExecution(err); ok {
		c.log.Warn(fmt.Sprintf("Control '%s' interrupts the experiment in %s", c.decl.Name, pyNames[h]))
		run.Interrupt(ctx, reason)
		return
	}
	c.warn(h, err)
}

// interruptExecution reports whether a hook raised chaoslib's
// InterruptExecution, which stops the run as in Chaos Toolkit, and its
// message.
func interruptExecution(err error) (string, bool) {
	const prefix = "chaoslib.exceptions.InterruptExecution"
	var f *python.Failure
	if !errors.As(err, &f) || !strings.HasPrefix(f.Msg, prefix) {
		return "", false
	}
	reason := strings.TrimPrefix(strings.TrimPrefix(f.Msg, prefix), ": ")
	if reason == "" {
		reason = "InterruptExecution"
	}
	return reason, true
}

// call runs one hook function in a child, bounded by the timeout.
func (c *pythonControl) call(ctx context.Context, h hook, args, inject *value.Object) error {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	_, err := c.py.CallControl(ctx, python.ControlCall{Module: c.decl.Module(), Hook: pyNames[h],
		Arguments: args, Inject: inject, Log: c.log})
	if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		err = fmt.Errorf("%s took longer than %s: %w", pyNames[h], c.timeout, err)
	}
	return err
}

// warn logs a failed hook call, with the python traceback at debug level.
func (c *pythonControl) warn(h hook, err error) {
	if err == nil {
		return
	}
	c.log.Warn(fmt.Sprintf("Control '%s' failed in %s: %v", c.decl.Name, pyNames[h], err))
	var tb interface{ TracebackLines() []string }
	if errors.As(err, &tb) {
		c.log.Debug(strings.Join(tb.TracebackLines(), ""))
	}
}

func docOf(e *experiment.Experiment) any {
	if e == nil {
		return nil
	}
	return e.Doc
}

func hypothesisDoc(s run.Step) any {
	if s.Experiment == nil || s.Experiment.Hypothesis == nil {
		return nil
	}
	return s.Experiment.Hypothesis.Doc
}

func activityDoc(s run.Step) any {
	if s.Activity == nil {
		return nil
	}
	return s.Activity.Doc
}

func records(list []*journal.Record) []any {
	out := make([]any, len(list))
	for i, r := range list {
		out[i] = r.Value()
	}
	return out
}

// orEmpty returns o, or an empty object when it is nil, as chaoslib
// passes {} for a missing configuration or secrets.
func orEmpty(o *value.Object) *value.Object {
	if o == nil {
		return &value.Object{}
	}
	return o
}
