package python_test

import (
	"context"
	"fmt"

	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/provider"
	"github.com/chaostracing/chaostracing/provider/python"
	"github.com/chaostracing/chaostracing/value"
)

// A Go-native function serves activities that name its module and func, so
// the experiment needs no Python for them.
func ExampleProvider_Run() {
	funcs := provider.NewFuncs()
	funcs.Register("myorg.probes", "replicas", func(_ context.Context, a provider.Args) (any, error) {
		return map[string]any{"service": a.Arguments.String("service"), "ready": 3}, nil
	}, provider.FuncInfo{Type: "probe", Arguments: []string{"service"}})

	spec := value.NewObject("type", "python", "module", "myorg.probes", "func", "replicas",
		"arguments", value.NewObject("service", "checkout"))
	p := &python.Provider{Funcs: funcs}
	out, err := p.Run(context.Background(), provider.Call{
		Activity: &experiment.Activity{Name: "ready-replicas", Type: "probe", Provider: spec},
		Spec:     spec,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	data, _ := out.(*value.Object).MarshalJSON()
	fmt.Println(string(data))
	// Output: {"ready":3,"service":"checkout"}
}
