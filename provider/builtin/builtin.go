// Package builtin assembles the providers chaostracing ships with.
package builtin

import (
	"github.com/chaostracing/chaostracing/provider"
	"github.com/chaostracing/chaostracing/provider/http"
	"github.com/chaostracing/chaostracing/provider/process"
	"github.com/chaostracing/chaostracing/provider/python"
)

// Registry returns a registry with the process, http and python providers.
// Python activities whose module and func are registered in funcs run as
// Go code; the others run in the local python3.
func Registry(funcs *provider.Funcs) *provider.Registry {
	r := provider.NewRegistry()
	r.Register("process", &process.Provider{})
	r.Register("http", http.New())
	r.Register("python", &python.Provider{Funcs: funcs})
	return r
}
