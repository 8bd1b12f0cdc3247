package provider

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/chaostracing/chaostracing/value"
)

// Registry maps provider types ("process", "http", "python") to providers.
// It is safe for concurrent use.
type Registry struct {
	mu        sync.RWMutex
	providers map[string]Provider
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{providers: map[string]Provider{}}
}

// Register sets the provider for a type, replacing any previous one.
func (r *Registry) Register(typ string, p Provider) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.providers[typ] = p
}

// Lookup returns the provider for a type.
func (r *Registry) Lookup(typ string) (Provider, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	p, ok := r.providers[typ]
	return p, ok
}

// Types returns the registered types, sorted.
func (r *Registry) Types() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	types := make([]string, 0, len(r.providers))
	for t := range r.providers {
		types = append(types, t)
	}
	sort.Strings(types)
	return types
}

// Args is what a Go-native function receives.
type Args struct {
	// Arguments are the activity's provider arguments, substituted.
	Arguments *value.Object
	// Configuration is the experiment's resolved configuration.
	Configuration *value.Object
	// Secrets holds the scopes the provider lists in its "secrets" key,
	// merged into one object, as Chaos Toolkit passes them to python
	// functions.
	Secrets *value.Object
}

// Func is a Go-native action or probe. Its return value becomes the
// activity's output (converted with value.FromGo); an error fails the
// activity. The context carries the current span when tracing is on.
type Func func(ctx context.Context, args Args) (any, error)

// FuncInfo documents a registered function, for validation and discovery.
type FuncInfo struct {
	Module string `json:"module"`
	Func   string `json:"func"`
	Type   string `json:"type"` // "probe", "action" or "" for either
	Doc    string `json:"doc,omitempty"`
	// Arguments declares the function's arguments: each a name, followed
	// by "?" when it is optional, then optionally by ":TYPE", a Chaos
	// Toolkit portable type name (string, integer, number, boolean, list,
	// mapping, object) that discovery reports: "pattern",
	// "missing_ok?:boolean". See Params.
	Arguments []string `json:"arguments,omitempty"`
	fn        Func
}

// Param is one argument of a Go-native function, as FuncInfo.Arguments
// declares it.
type Param struct {
	Name     string
	Optional bool
	// Type is the portable type name, "" when not declared.
	Type string
}

// Params returns the arguments that Arguments declares, in order.
func (info FuncInfo) Params() []Param {
	params := make([]Param, len(info.Arguments))
	for i, spec := range info.Arguments {
		spec, typ, _ := strings.Cut(spec, ":")
		name, optional := strings.CutSuffix(spec, "?")
		params[i] = Param{Name: name, Optional: optional, Type: typ}
	}
	return params
}

// Funcs is a registry of Go-native functions addressed like python ones,
// by module and func name.
type Funcs struct {
	mu    sync.RWMutex
	funcs map[string]FuncInfo
}

// NewFuncs returns an empty function registry.
func NewFuncs() *Funcs {
	return &Funcs{funcs: map[string]FuncInfo{}}
}

// Register exposes fn as module.func. info may carry documentation; its
// Module and Func fields are set from the arguments.
func (f *Funcs) Register(module, funcName string, fn Func, info FuncInfo) {
	f.mu.Lock()
	defer f.mu.Unlock()
	info.Module, info.Func, info.fn = module, funcName, fn
	f.funcs[module+"\x00"+funcName] = info
}

// Lookup returns the function registered as module.func.
func (f *Funcs) Lookup(module, funcName string) (Func, bool) {
	if f == nil {
		return nil, false
	}
	f.mu.RLock()
	defer f.mu.RUnlock()
	info, ok := f.funcs[module+"\x00"+funcName]
	return info.fn, ok
}

// HasModule reports whether any function is registered under module.
func (f *Funcs) HasModule(module string) bool {
	if f == nil {
		return false
	}
	f.mu.RLock()
	defer f.mu.RUnlock()
	for _, info := range f.funcs {
		if info.Module == module {
			return true
		}
	}
	return false
}

// List returns the registered functions sorted by module and name.
func (f *Funcs) List() []FuncInfo {
	f.mu.RLock()
	defer f.mu.RUnlock()
	list := make([]FuncInfo, 0, len(f.funcs))
	for _, info := range f.funcs {
		list = append(list, info)
	}
	sort.Slice(list, func(i, j int) bool {
		return fmt.Sprint(list[i].Module, ".", list[i].Func) < fmt.Sprint(list[j].Module, ".", list[j].Func)
	})
	return list
}
