// Package control implements Chaos Toolkit controls: declarations at the
// experiment, hypothesis and activity levels (and global ones from settings
// or --control-file), the rules that decide which controls apply to each
// step of a run, and the dispatch of the before/after hooks. Controls are Go
// implementations registered by module name; a module with no Go
// implementation runs in the local python3, as Chaos Toolkit would run it.
//
// The Dispatcher implements run.Hooks, so the runner needs nothing else to
// drive controls; the tracing control is one Control among others.
//
// # Which controls apply
//
// Each applicable control runs once per hook, in this order: global
// controls, then experiment-level, then hypothesis-level, then the
// activity's own. A declaration replaces an earlier one of the same name
// and takes its place in that order, so there are no duplicates and a
// lower level overrides a higher one (Chaos Toolkit instead runs
// experiment-level controls twice when globals are declared, and drops
// globals at the method and rollbacks).
//
//	hooks                                   controls, in order
//	experiment                              global + experiment-level (automatic or not)
//	method, rollbacks                       global* + experiment-level*
//	an activity of the method or rollbacks  global* + experiment-level* + the activity's
//	hypothesis                              global* + experiment-level* + hypothesis-level
//	a hypothesis probe                      global* + experiment-level* + hypothesis-level + the probe's
//
// where * means automatic ones only: "automatic": false keeps a control to
// the experiment hooks, and to the levels that name it with a ref. A ref
// stands for the experiment-level declaration (its provider, scope and
// automatic flag); it applies at the level of the ref. "scope": "before"
// runs only before hooks, "after" only after hooks; after hooks run in the
// same order as before hooks, as in Chaos Toolkit. Pause goes to every
// control of the activity, whatever its scope. The activity of a ref entry
// is its target, with the target's own controls.
//
// # Instances
//
// Each distinct control (name, module and arguments) is one instance per
// run, however many levels declare it. Instances are made from their
// Factory and configured at the first hook (BeforeExperiment), globals
// first, in declaration order; one whose Configure fails (or panics) is
// logged and left out of the run. Close runs each Cleanup once, latest
// configured first. A global control that every level overrides is never
// made.
//
// Hook panics are recovered and logged with the control and the hook; the
// control stays in the run, and a before hook that panicked leaves the
// context as it was. Before hooks are chained: each gets the context the
// previous one returned, and the step runs with the last; after hooks get
// the context the step ran with. Hooks may be called concurrently
// (background activities, the continuous hypothesis); the Dispatcher is
// safe for that, and Go controls must be too.
//
// # Python controls
//
// A module with no Go implementation runs in python3 through the python
// provider: one child process imports every such module at configuration
// to learn which hook functions (configure_control, before_*_control,
// after_*_control, cleanup_control) each defines, then each defined hook
// is one child process, bounded by a timeout (DefaultPythonTimeout,
// WithPythonTimeout); hooks a module lacks cost nothing. As in chaoslib,
// a hook gets context= (the experiment for experiment, method and
// rollbacks hooks, the hypothesis, or the activity) when it names it or
// takes **kwargs, the provider arguments (substituted; as written for
// configure_control) as keyword arguments, and state, experiment,
// configuration, secrets, settings and extensions only when its signature
// names them. state is the journal after the experiment,
// {steady_state_met, probes} after the hypothesis, the list of run
// records after the method or rollbacks, the run record after an
// activity (no tolerance_met yet), None before. The trace context of the
// hook's context is in the child's environment (TRACEPARENT).
//
// Differences from chaoslib, which calls controls in its own process:
//   - Module state does not persist between calls: each call is a new
//     process, so a value configure_control or a before hook keeps in a
//     global is gone at the next hook. Keep state in files or services,
//     or write the control in Go.
//   - Changes a hook makes to its arguments (the experiment, the
//     configuration, the journal) are not seen by the run.
//   - A hook that raises is logged as a warning, except chaoslib's
//     InterruptExecution, which interrupts the run as in Chaos Toolkit
//     (run.Interrupt). settings is None; event_registry is not passed, so
//     Chaos Toolkit run-event handlers do not fire.
//   - A module that cannot be imported is reported by Check (validation)
//     and, at run time, logged and left out (chaoslib skips it silently);
//     so is one whose configure_control raises (chaoslib keeps it).
//   - Loader hooks (before/after_loading_experiment_control) and
//     validate_control are not called.
//
// # Global controls
//
// LoadGlobal reads the settings file's "controls" and each --control-file.
// Global controls follow the same rules as experiment-level ones, ahead
// of them; an automatic: false global applies to the experiment hooks
// only.
package control

import (
	"context"
	"log/slog"

	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/run"
	"github.com/chaostracing/chaostracing/value"
)

// Control receives the hooks of the steps it applies to. Embed
// run.NopHooks to implement only some of them. Before hooks return the
// context the step runs with, which is how a control hands a span to the
// providers and nested steps.
type Control interface {
	run.Hooks
}

// Configurer is implemented by controls that set themselves up once per
// run, before any hook (Chaos Toolkit's configure_control). An error is
// logged and the control is left out of the run.
type Configurer interface {
	Configure(ctx context.Context, s Settings) error
}

// Cleaner is implemented by controls that release resources once the run
// has ended (Chaos Toolkit's cleanup_control): flushing spans, closing
// connections. Cleanup must return within the context's deadline.
type Cleaner interface {
	Cleanup(ctx context.Context)
}

// Settings is what a control is configured with.
type Settings struct {
	// Declaration is the control's declaration.
	Declaration *experiment.Control
	// Arguments are the declaration's provider arguments, as written.
	Arguments *value.Object
	// Experiment is the experiment being run.
	Experiment *experiment.Experiment
	// Scope is the run's resolved configuration and secrets.
	Scope experiment.Scope
	// Log receives the control's messages.
	Log *slog.Logger
}

// Factory makes a fresh instance of a control for one run.
type Factory func() Control
