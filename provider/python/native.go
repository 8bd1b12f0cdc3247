package python

import (
	"context"
	"fmt"
	"runtime/debug"

	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/provider"
	"github.com/chaostracing/chaostracing/value"
)

type nativeResult struct {
	out any
	err error
}

// runNative calls a Go-native function. It returns as soon as ctx is done,
// even if the function does not watch ctx; the function's eventual result
// is then dropped.
func runNative(ctx context.Context, name string, f provider.Func, args provider.Args) (any, error) {
	done := make(chan nativeResult, 1)
	go func() { done <- callNative(ctx, f, args) }()
	select {
	case r := <-done:
		return r.out, r.err
	case <-ctx.Done():
		return nil, interrupted(ctx, name)
	}
}

// callNative calls f and converts its output, turning a panic into a
// *Failure so that a broken function cannot crash the runner.
func callNative(ctx context.Context, f provider.Func, args provider.Args) (r nativeResult) {
	defer func() {
		if x := recover(); x != nil {
			r = nativeResult{err: &Failure{Msg: fmt.Sprintf("panic: %v", x), Traceback: lines(string(debug.Stack()))}}
		}
	}()
	out, err := f(ctx, args)
	if err != nil {
		return nativeResult{err: err}
	}
	return nativeResult{out: value.FromGo(out)}
}

// nativeInfo returns the registration of module.fn, if any.
func (p *Provider) nativeInfo(module, fn string) (provider.FuncInfo, bool) {
	if _, ok := p.Funcs.Lookup(module, fn); !ok {
		return provider.FuncInfo{}, false
	}
	for _, info := range p.Funcs.List() {
		if info.Module == module && info.Func == fn {
			return info, true
		}
	}
	return provider.FuncInfo{}, false
}

// checkNative checks an activity's argument names against info.Params():
// each is required unless optional, and, when the list is not empty, names
// it does not list are rejected.
func checkNative(a *experiment.Activity, info provider.FuncInfo) []experiment.Problem {
	if len(info.Arguments) == 0 {
		return nil
	}
	args := a.Provider.Object("arguments")
	known := make(map[string]bool, len(info.Arguments))
	var problems []experiment.Problem
	for _, p := range info.Params() {
		known[p.Name] = true
		if !p.Optional && !args.Has(p.Name) {
			problems = append(problems, problem(a, missingArgument(p.Name, a.Name)))
		}
	}
	for _, name := range args.Keys() {
		if !known[name] {
			problems = append(problems, problem(a, extraArgument(name, a.Name)))
		}
	}
	return problems
}
