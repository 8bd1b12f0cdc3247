package control

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/journal"
	"github.com/chaostracing/chaostracing/provider/python"
	"github.com/chaostracing/chaostracing/run"
)

// DefaultPythonTimeout bounds each call of a python control's hook.
const DefaultPythonTimeout = 30 * time.Second

// Option configures a Dispatcher.
type Option func(*options)

type options struct {
	log     *slog.Logger
	python  *python.Provider
	timeout time.Duration
}

// WithLogger sets the logger that receives the Dispatcher's warnings (a
// control that failed to configure, panicked or raised) and is handed to
// controls in Settings.Log. The default discards.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) { o.log = l }
}

// WithPython sets the python provider whose interpreter and module path
// run python controls. The default is a zero python.Provider: $PYTHON or
// python3 on PATH.
func WithPython(p *python.Provider) Option {
	return func(o *options) { o.python = p }
}

// WithPythonTimeout bounds each call of a python control's hook; 0 or
// less means DefaultPythonTimeout.
func WithPythonTimeout(d time.Duration) Option {
	return func(o *options) { o.timeout = d }
}

// Dispatcher runs the controls of one experiment run: it implements
// run.Hooks, calling each hook of the controls that apply to the step, in
// order. Controls are configured at the first hook (BeforeExperiment) and
// cleaned up by Close. A control never breaks the run: panics are
// recovered and logged. It is safe for concurrent use, as the runner needs
// for background activities and the continuous hypothesis.
type Dispatcher struct {
	exp  *experiment.Experiment
	reg  *Registry
	opts options
	plan *plan

	once       sync.Once
	ready      atomic.Bool // set once configuration is done
	configured []*instance // active instances, in configuration order
	closeOnce  sync.Once
}

var _ run.Hooks = (*Dispatcher)(nil)

// NewDispatcher prepares the controls of one run of exp: the global ones
// (from LoadGlobal), then those the experiment declares. Each control's
// module is looked up in reg; one with no Go implementation runs in
// python3. Nothing is configured yet.
func NewDispatcher(exp *experiment.Experiment, global []*experiment.Control, reg *Registry, opts ...Option) *Dispatcher {
	d := &Dispatcher{exp: exp, reg: reg}
	for _, o := range opts {
		o(&d.opts)
	}
	if d.opts.log == nil {
		d.opts.log = slog.New(slog.DiscardHandler)
	}
	if d.opts.python == nil {
		d.opts.python = &python.Provider{}
	}
	if d.opts.timeout <= 0 {
		d.opts.timeout = DefaultPythonTimeout
	}
	d.plan = newPlan(exp, global, d.newControl)
	return d
}

// newControl returns the Go factory of a declaration, or a python control
// when its module has no Go implementation.
func (d *Dispatcher) newControl(decl *experiment.Control) (Factory, *pythonControl) {
	if f, ok := d.reg.Lookup(decl.Module()); ok {
		return f, nil
	}
	return nil, &pythonControl{py: d.opts.python, timeout: d.opts.timeout}
}

// BeforeExperiment implements run.Hooks; the first call configures the
// controls.
func (d *Dispatcher) BeforeExperiment(ctx context.Context, s run.Step) context.Context {
	d.ensure(ctx, &s)
	return d.before(ctx, d.plan.experiment.before, hookBeforeExperiment, &s)
}

// AfterExperiment implements run.Hooks.
func (d *Dispatcher) AfterExperiment(ctx context.Context, s run.Step, j *journal.Journal) {
	d.ensure(ctx, &s)
	d.after(ctx, d.plan.experiment.after, hookAfterExperiment, &s, &outcome{j: j})
}

// BeforeHypothesis implements run.Hooks.
func (d *Dispatcher) BeforeHypothesis(ctx context.Context, s run.Step) context.Context {
	d.ensure(ctx, &s)
	return d.before(ctx, d.plan.levels[levelHypothesis].before, hookBeforeHypothesis, &s)
}

// AfterHypothesis implements run.Hooks.
func (d *Dispatcher) AfterHypothesis(ctx context.Context, s run.Step, h *journal.Hypothesis) {
	d.ensure(ctx, &s)
	d.after(ctx, d.plan.levels[levelHypothesis].after, hookAfterHypothesis, &s, &outcome{h: h})
}

// BeforeMethod implements run.Hooks.
func (d *Dispatcher) BeforeMethod(ctx context.Context, s run.Step) context.Context {
	d.ensure(ctx, &s)
	return d.before(ctx, d.plan.levels[levelMethod].before, hookBeforeMethod, &s)
}

// AfterMethod implements run.Hooks.
func (d *Dispatcher) AfterMethod(ctx context.Context, s run.Step, runs []*journal.Record) {
	d.ensure(ctx, &s)
	d.after(ctx, d.plan.levels[levelMethod].after, hookAfterMethod, &s, &outcome{runs: runs})
}

// BeforeRollbacks implements run.Hooks.
func (d *Dispatcher) BeforeRollbacks(ctx context.Context, s run.Step) context.Context {
	d.ensure(ctx, &s)
	return d.before(ctx, d.plan.levels[levelRollbacks].before, hookBeforeRollbacks, &s)
}

// AfterRollbacks implements run.Hooks.
func (d *Dispatcher) AfterRollbacks(ctx context.Context, s run.Step, runs []*journal.Record) {
	d.ensure(ctx, &s)
	d.after(ctx, d.plan.levels[levelRollbacks].after, hookAfterRollbacks, &s, &outcome{runs: runs})
}

// BeforeActivity implements run.Hooks.
func (d *Dispatcher) BeforeActivity(ctx context.Context, s run.Step) context.Context {
	d.ensure(ctx, &s)
	return d.before(ctx, d.plan.activity(s.Level, s.Activity).before, hookBeforeActivity, &s)
}

// AfterActivity implements run.Hooks.
func (d *Dispatcher) AfterActivity(ctx context.Context, s run.Step, r *journal.Record) {
	d.ensure(ctx, &s)
	d.after(ctx, d.plan.activity(s.Level, s.Activity).after, hookAfterActivity, &s, &outcome{rec: r})
}

// Pause implements run.Hooks: every control of the activity gets it,
// whatever its scope.
func (d *Dispatcher) Pause(ctx context.Context, s run.Step, which string, seconds float64) {
	d.ensure(ctx, &s)
	d.after(ctx, d.plan.activity(s.Level, s.Activity).all, hookPause, &s, &outcome{which: which, seconds: seconds})
}

// before threads ctx through the before hook of each active control.
func (d *Dispatcher) before(ctx context.Context, list []*instance, h hook, s *run.Step) context.Context {
	for _, in := range list {
		if in.active {
			ctx = d.callBefore(ctx, in, h, s)
		}
	}
	return ctx
}

// callBefore calls one before hook, keeping ctx when the hook panics or
// returns nil.
func (d *Dispatcher) callBefore(ctx context.Context, in *instance, h hook, s *run.Step) (next context.Context) {
	defer func() {
		if r := recover(); r != nil {
			next = ctx
			d.panicked(in, h, r)
		}
	}()
	if c := callBefore(ctx, in.ctl, h, *s); c != nil {
		return c
	}
	return ctx
}

// after calls the after hook (or Pause) of each active control, all with
// the step's ctx.
func (d *Dispatcher) after(ctx context.Context, list []*instance, h hook, s *run.Step, o *outcome) {
	for _, in := range list {
		if in.active {
			d.callAfter(ctx, in, h, s, o)
		}
	}
}

func (d *Dispatcher) callAfter(ctx context.Context, in *instance, h hook, s *run.Step, o *outcome) {
	defer func() {
		if r := recover(); r != nil {
			d.panicked(in, h, r)
		}
	}()
	callAfter(ctx, in.ctl, h, *s, o)
}

// panicked logs a recovered panic; the control stays in the run.
func (d *Dispatcher) panicked(in *instance, h hook, r any) {
	d.opts.log.Warn(fmt.Sprintf("Control '%s' panicked in %s: %v (ignored, the run carries on)", in.decl.Name, goNames[h], r))
	d.opts.log.Debug(fmt.Sprintf("Control '%s' panic stack:\n%s", in.decl.Name, debug.Stack()))
}
