package python

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/provider"
	"github.com/chaostracing/chaostracing/value"
)

// Provider runs module/func activities: a Go-native function from Funcs when
// one is registered under that module and func, else the function in the
// local python3 (PYTHON env var or "python3" on PATH) in a child process.
// It is safe for concurrent use.
type Provider struct {
	// Funcs holds the Go-native functions; nil means none.
	Funcs *provider.Funcs
	// Python is the interpreter to run; "" means $PYTHON, else "python3"
	// looked up on PATH.
	Python string
	// Path lists directories put first on the child's sys.path, in order,
	// ahead of PYTHONPATH's, where modules of activities are looked up.
	Path []string

	resolveOnce sync.Once
	resolved    string // the interpreter's real executable, see interpreter
}

var (
	_ provider.Provider = (*Provider)(nil)
	_ provider.Checker  = (*Provider)(nil)
)

// Run runs the activity's function and returns its output. A function that
// raises (or a Go-native one that panics) gives a *Failure; a module that
// cannot be imported or lacks the function gives a *LoadError. Once ctx is
// done, the child process and everything it spawned are killed and Run
// returns an error wrapping ctx.Err().
func (p *Provider) Run(ctx context.Context, call provider.Call) (any, error) {
	name := activityName(call.Activity)
	module, fn := call.Spec.String("module"), call.Spec.String("func")
	if module == "" || fn == "" {
		return nil, fmt.Errorf("python activity '%s' needs a module and a func", name)
	}
	args, err := arguments(call.Spec, name)
	if err != nil {
		return nil, err
	}
	secrets, hasSecrets := mergeSecrets(call.Spec, call.Secrets)
	if f, ok := p.Funcs.Lookup(module, fn); ok {
		// Copies, so that a function cannot change the experiment.
		native := provider.Args{Arguments: deepCopy(args), Configuration: deepCopy(configuration(call)), Secrets: secrets}
		return runNative(ctx, name, f, native)
	}
	req := value.NewObject("op", "call", "path", stringsValue(p.Path), "module", module, "func", fn,
		"arguments", args, "configuration", configuration(call), "secrets", nil)
	if hasSecrets {
		req.Set("secrets", secrets)
	}
	resp, err := p.exchange(ctx, req, call.OutputLimit(), newStderrLog(call.Logger(), "activity", name))
	if err != nil {
		return nil, p.runError(ctx, err, name, module)
	}
	return result(resp, module, fn)
}

// runError words an exchange failure for the activity.
func (p *Provider) runError(ctx context.Context, err error, name, module string) error {
	switch {
	case ctx.Err() != nil:
		return interrupted(ctx, name)
	case errors.Is(err, errNotInstalled):
		return errors.New(notInstalled(p.interpreter(), name, module))
	}
	return fmt.Errorf("python activity '%s': %w", name, err)
}

// interrupted is the error of an activity stopped because ctx is done.
func interrupted(ctx context.Context, name string) error {
	if cause := context.Cause(ctx); cause != nil && cause != ctx.Err() {
		return fmt.Errorf("activity '%s' interrupted (%v): %w", name, cause, ctx.Err())
	}
	return fmt.Errorf("activity '%s' interrupted: %w", name, ctx.Err())
}

// result turns a call response into Run's results.
func result(resp *value.Object, module, fn string) (any, error) {
	if out, ok := resp.Get("ok"); ok {
		return out, nil
	}
	msg, tb := resp.String("error"), stringList(resp.Get("traceback"))
	switch resp.String("stage") {
	case "import":
		return nil, &LoadError{Module: module, Func: fn, Traceback: tb,
			Msg: fmt.Sprintf("python module '%s' could not be imported: %s", module, msg)}
	case "lookup":
		return nil, &LoadError{Module: module, Func: fn, Traceback: tb,
			Msg: fmt.Sprintf("The python module '%s' does not expose a function called '%s'", module, fn)}
	case "call":
		return nil, &Failure{Msg: msg, Traceback: tb}
	}
	return nil, fmt.Errorf("unexpected answer from the python driver for %s.%s", module, fn)
}

// arguments returns the provider's arguments, which must be an object when
// present.
func arguments(spec *value.Object, name string) (*value.Object, error) {
	v, _ := spec.Get("arguments")
	switch a := v.(type) {
	case nil:
		return &value.Object{}, nil
	case *value.Object:
		return a, nil
	}
	return nil, fmt.Errorf("the arguments of python activity '%s' must be an object, not %s", name, value.TypeName(v))
}

// configuration returns the call's configuration, never nil.
func configuration(call provider.Call) *value.Object {
	if call.Configuration == nil {
		return &value.Object{}
	}
	return call.Configuration
}

func deepCopy(o *value.Object) *value.Object {
	return value.DeepCopy(o).(*value.Object)
}

// mergeSecrets merges the secret scopes the provider lists, in order, later
// keys replacing earlier ones as dict.update does. ok is false when the
// provider has no "secrets" key, in which case nothing is passed.
func mergeSecrets(spec, secrets *value.Object) (merged *value.Object, ok bool) {
	v, ok := spec.Get("secrets")
	if !ok {
		return nil, false
	}
	scopes, _ := v.([]any)
	if s, isString := v.(string); isString {
		scopes = []any{s} // chaoslib would iterate over its letters
	}
	merged = &value.Object{}
	for _, s := range scopes {
		name, _ := s.(string)
		scope := secrets.Object(name)
		for _, k := range scope.Keys() {
			x, _ := scope.Get(k)
			merged.Set(k, value.DeepCopy(x))
		}
	}
	return merged, true
}

func activityName(a *experiment.Activity) string {
	if a == nil {
		return ""
	}
	return a.Name
}

func stringsValue(list []string) []any {
	out := make([]any, len(list))
	for i, s := range list {
		out[i] = s
	}
	return out
}

func stringList(v any, _ bool) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
