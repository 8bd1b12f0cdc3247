package tracing

import "github.com/chaostracing/chaostracing/control"

// Modules are the Python module names experiments declare the tracing
// control with: the current chaostoolkit-opentracing extension
// (chaostracing.oltp) and its legacy OpenTracing control
// (chaostracing.control). Both run this package's Control.
var Modules = []string{"chaostracing.control", "chaostracing.oltp"}

// Register makes Control the implementation of the modules in Modules, so
// experiments written for the Python extension are traced natively,
// unchanged. opts apply to every Control made.
func Register(reg *control.Registry, opts ...Option) {
	for _, m := range Modules {
		reg.Register(m, func() control.Control { return New(opts...) })
	}
}
