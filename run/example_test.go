package run_test

import (
	"context"
	"fmt"

	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/provider"
	"github.com/chaostracing/chaostracing/provider/builtin"
	"github.com/chaostracing/chaostracing/run"
)

// A Go program registers its own probe and runs an experiment that calls
// it like a python function, by module and func.
func ExampleRunner_Run() {
	funcs := provider.NewFuncs()
	funcs.Register("myteam.queue", "depth", func(ctx context.Context, args provider.Args) (any, error) {
		name := args.Arguments.String("queue")
		return map[string]any{"queue": name, "depth": 3}, nil
	}, provider.FuncInfo{Type: "probe", Doc: "Depth of a queue.", Arguments: []string{"queue"}})

	exp, err := experiment.Load("inline.yaml", []byte(`
title: queue stays short
description: the orders queue holds fewer than 10 messages
steady-state-hypothesis:
  title: queue is short
  probes:
    - type: probe
      name: orders-depth
      tolerance: {type: jsonpath, path: "$.depth", expect: 3}
      provider: {type: python, module: myteam.queue, func: depth, arguments: {queue: orders}}
method: []
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	runner := &run.Runner{Providers: builtin.Registry(funcs)}
	j, err := runner.Run(context.Background(), nil, exp, run.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(j.Status, j.SteadyStates.Before.Met, run.ExitCode(j))
	// Output: completed true 0
}
