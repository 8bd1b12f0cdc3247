package python

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/chaostracing/chaostracing/provider"
	"github.com/chaostracing/chaostracing/value"
)

// ControlHooks are the functions a Chaos Toolkit control module may define,
// in the order InspectControls lists them. Loader hooks are not among them:
// they run before an experiment exists.
var ControlHooks = []string{
	"configure_control",
	"before_experiment_control", "after_experiment_control",
	"before_hypothesis_control", "after_hypothesis_control",
	"before_method_control", "after_method_control",
	"before_rollback_control", "after_rollback_control",
	"before_activity_control", "after_activity_control",
	"cleanup_control",
}

// ControlModule is what InspectControls found of one control module.
type ControlModule struct {
	// Module is the module's name.
	Module string
	// Hooks are the ControlHooks the module defines, in that order.
	Hooks []string
	// Err, when not nil, says why the module could not be imported; Hooks
	// is then empty.
	Err error
	// Missing is set when the module itself is not found, as opposed to
	// failing to import (a dependency it lacks, an error in its code).
	Missing bool
}

// ControlCall is one call of a control module's hook function.
type ControlCall struct {
	// Module and Hook name the function, e.g. "before_activity_control".
	Module, Hook string
	// Arguments are passed as keyword arguments: the provider's
	// arguments, substituted where Chaos Toolkit substitutes them.
	Arguments *value.Object
	// Inject holds the values Chaos Toolkit passes by name (context,
	// state, experiment, configuration, secrets, settings, extensions):
	// each is passed only when the function's signature names it, except
	// context, which a **kwargs receives too, as chaoslib always passes it.
	Inject *value.Object
	// Limit caps the size of the function's JSON answer; 0 means
	// provider.DefaultMaxOutput.
	Limit int
	// Log receives the child's stderr at debug level; nil discards it.
	Log *slog.Logger
}

// InspectControls imports each control module in one child process and
// returns which ControlHooks it defines, one ControlModule per module, in
// order. The error is for a child that could not run at all: python3
// missing (the message says so), or ctx done.
func (p *Provider) InspectControls(ctx context.Context, modules []string) ([]ControlModule, error) {
	if len(modules) == 0 {
		return nil, nil
	}
	req := value.NewObject("op", "controls", "path", stringsValue(p.Path),
		"modules", stringsValue(modules), "hooks", stringsValue(ControlHooks))
	resp, err := p.exchange(ctx, req, provider.DefaultMaxOutput, newStderrLog(nil))
	if err != nil {
		return nil, p.controlError(ctx, err)
	}
	v, _ := resp.Get("modules")
	list, _ := v.([]any)
	if len(list) != len(modules) {
		return nil, errors.New("unexpected answer from the python driver")
	}
	out := make([]ControlModule, len(modules))
	for i, m := range modules {
		out[i] = controlModule(m, list[i])
	}
	return out, nil
}

// controlModule decodes the driver's finding for one module.
func controlModule(module string, found any) ControlModule {
	x, _ := found.(*value.Object)
	cm := ControlModule{Module: module, Hooks: stringList(x.Get("hooks"))}
	if x.Has("error") {
		missing, _ := x.Get("missing")
		cm.Missing = missing == true
		cm.Err = &LoadError{Module: module, Msg: fmt.Sprintf("python module '%s' could not be imported: %s", module, x.String("error"))}
	}
	return cm
}

// CallControl calls one hook function of a control module in a python3
// child and returns what it returned. A module without that function is
// nothing to do: (nil, nil). A function that raises gives a *Failure, a
// module that cannot be imported a *LoadError. Once ctx is done, the
// child's process group is killed and the error wraps ctx.Err().
func (p *Provider) CallControl(ctx context.Context, call ControlCall) (any, error) {
	args := call.Arguments
	if args == nil {
		args = &value.Object{}
	}
	inject := call.Inject
	if inject == nil {
		inject = &value.Object{}
	}
	req := value.NewObject("op", "control", "path", stringsValue(p.Path), "module", call.Module,
		"hook", call.Hook, "arguments", args, "inject", inject)
	limit := call.Limit
	if limit <= 0 {
		limit = provider.DefaultMaxOutput
	}
	resp, err := p.exchange(ctx, req, limit, newStderrLog(call.Log, "control", call.Module, "hook", call.Hook))
	if err != nil {
		return nil, p.controlError(ctx, err)
	}
	if absent, _ := resp.Get("absent"); absent == true {
		return nil, nil
	}
	return result(resp, call.Module, call.Hook)
}

// controlError words an exchange failure of a control call.
func (p *Provider) controlError(ctx context.Context, err error) error {
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("python control interrupted: %w", ctx.Err())
	case errors.Is(err, errNotInstalled):
		return &noPythonError{python: p.configured()}
	}
	return err
}

// noPythonError is a control call that could not start the interpreter.
type noPythonError struct{ python string }

func (e *noPythonError) Error() string {
	return e.python + " is not installed or not on PATH (install Python 3, or set PYTHON)"
}

func (e *noPythonError) Unwrap() error { return errNotInstalled }
