package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/chaostracing/chaostracing/control"
	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/experiment/vault"
	"github.com/chaostracing/chaostracing/notify"
	"github.com/chaostracing/chaostracing/provider/builtin"
	"github.com/chaostracing/chaostracing/provider/python"
	"github.com/chaostracing/chaostracing/run"
	"github.com/chaostracing/chaostracing/tracing"
	"github.com/chaostracing/chaostracing/value"
)

// session is what loading an experiment for a run or a validation gives:
// the experiment, a runner whose hooks are the experiment's controls, and
// the settings' notifications.
type session struct {
	exp      *experiment.Experiment
	runner   *run.Runner
	controls *control.Dispatcher
	notes    *notify.Notifier
}

// load loads the experiment at source (a file, "-" or an http(s) URL)
// with its global controls and the settings' notifications. An
// experiment that cannot be read or parsed is reported, and a reported
// exitError returned; problems of its format stay in the experiment, for
// check or the run to report.
//
// traceFile, when set, is where the run's trace is kept locally; the
// tracing control is then added as a global control when no control
// declares it, so every run records its trace.
func (app *App) load(ctx context.Context, source string, lf *loadFlags, traceFile string) (*session, error) {
	set, err := app.loadSettings()
	if err != nil {
		return nil, err
	}
	globals, err := lf.load(set)
	if err != nil {
		return nil, err
	}
	runner := app.newRunner()
	opts := append(lf.sourceOptions(set), experiment.WithProviderTypes(runner.Providers.Types()...))
	exp, err := experiment.LoadSource(ctx, source, app.Stdin, opts...)
	if exp == nil {
		app.reportInvalid(withTLSHint(err))
		return nil, &exitError{Code: ExitFailed}
	}
	if traceFile != "" && !declaresTracing(exp, globals) {
		globals = append(globals, defaultTracing())
	}
	s := &session{exp: exp, runner: runner, controls: app.newDispatcher(exp, globals, runner, traceFile), notes: app.notifier(set)}
	runner.Hooks = s.controls
	return s, nil
}

// check validates the session's experiment fully (document,
// configuration, providers, control modules), logging each problem. It
// returns the validation's error, already reported.
func (app *App) check(ctx context.Context, s *session, opts run.Options) error {
	app.log.Info("Validating the experiment's syntax")
	if err := app.validate(ctx, s, opts); err != nil {
		app.reportInvalid(err)
		return err
	}
	app.log.Info("Experiment looks valid")
	return nil
}

// validate gathers every problem: the document's, the environment's and
// the control modules'.
func (app *App) validate(ctx context.Context, s *session, opts run.Options) error {
	err := s.runner.Validate(ctx, s.exp, opts)
	problems := s.controls.Check(ctx)
	if len(problems) == 0 {
		return err
	}
	var invalid *experiment.InvalidError
	if errors.As(err, &invalid) {
		problems = append(invalid.Problems, problems...)
	} else if err != nil {
		return err
	}
	experiment.SortProblems(problems)
	return &experiment.InvalidError{Source: s.exp.Source, Problems: problems}
}

func (app *App) reportInvalid(err error) {
	var invalid *experiment.InvalidError
	if !errors.As(err, &invalid) {
		app.log.Error(err.Error())
		return
	}
	for _, p := range invalid.Problems {
		app.log.Error(invalid.Source + ": " + p.String())
	}
	app.log.Error(fmt.Sprintf("%s is not a valid experiment: %d problem(s)", invalid.Source, len(invalid.Problems)))
}

func (app *App) newRunner() *run.Runner {
	return &run.Runner{
		Providers: builtin.Registry(app.Funcs),
		Vault:     (&vault.Client{}).Read,
		Log:       app.log,
		Version:   Version(),
	}
}

// newDispatcher builds the run's controls; python controls share the
// python provider's interpreter.
func (app *App) newDispatcher(exp *experiment.Experiment, globals []*experiment.Control, runner *run.Runner, traceFile string) *control.Dispatcher {
	opts := []control.Option{control.WithLogger(app.log)}
	if p, ok := runner.Providers.Lookup("python"); ok {
		if py, ok := p.(*python.Provider); ok {
			opts = append(opts, control.WithPython(py))
		}
	}
	return control.NewDispatcher(exp, globals, app.controlRegistry(traceFile), opts...)
}

// controlRegistry returns the Go controls this binary knows: the tracing
// control under the Python extension's module names, keeping its trace in
// traceFile when set.
func (app *App) controlRegistry(traceFile string) *control.Registry {
	reg := control.NewRegistry()
	var opts []tracing.Option
	if traceFile != "" {
		opts = append(opts, tracing.WithFile(traceFile))
	}
	tracing.Register(reg, opts...)
	return reg
}

// defaultTracing is the global tracing control every run gets unless
// tracing is turned off or a control declares it already.
func defaultTracing() *experiment.Control {
	return &experiment.Control{
		Name:      "chaostracing",
		Path:      "(default tracing)",
		Provider:  value.NewObject("type", "python", "module", "chaostracing.oltp"),
		Automatic: true,
	}
}

// declaresTracing reports whether any control of the run, global or in
// the experiment at any level, is the tracing control.
func declaresTracing(exp *experiment.Experiment, globals []*experiment.Control) bool {
	isTracing := func(list []*experiment.Control) bool {
		for _, c := range list {
			if c.Provider != nil && slices.Contains(tracing.Modules, c.Module()) {
				return true
			}
		}
		return false
	}
	found := isTracing(globals) || isTracing(exp.Controls)
	if exp.Hypothesis != nil {
		found = found || isTracing(exp.Hypothesis.Controls)
	}
	exp.EachActivity(func(a *experiment.Activity) { found = found || isTracing(a.Controls) })
	return found
}
