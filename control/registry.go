package control

import (
	"sort"
	"sync"
)

// Registry holds the Go implementations of controls, by the python module
// name that experiments declare (provider.module), so an experiment
// written for Chaos Toolkit runs its controls natively, unchanged. It is
// safe for concurrent use.
type Registry struct {
	mu        sync.RWMutex
	factories map[string]Factory
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{factories: map[string]Factory{}}
}

// Register makes f the implementation of module, replacing any earlier
// one. It panics when f is nil, a programming error.
func (r *Registry) Register(module string, f Factory) {
	if f == nil {
		panic("control: Register of a nil Factory for " + module)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.factories[module] = f
}

// Lookup returns the factory registered for module. A nil registry has
// none.
func (r *Registry) Lookup(module string) (Factory, bool) {
	if r == nil {
		return nil, false
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	f, ok := r.factories[module]
	return f, ok
}

// Modules returns the registered module names, sorted.
func (r *Registry) Modules() []string {
	if r == nil {
		return nil
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]string, 0, len(r.factories))
	for m := range r.factories {
		out = append(out, m)
	}
	sort.Strings(out)
	return out
}
