// Package chaostracing is the entry point for programs that embed the
// chaostracing command line with their own Go-native actions and probes:
//
//	funcs := provider.NewFuncs()
//	funcs.Register("myteam.probes", "queue_depth", queueDepth, provider.FuncInfo{Type: "probe"})
//	os.Exit(chaostracing.Main(os.Args[1:], chaostracing.WithFuncs(funcs)))
//
// Experiments then call them as python providers with that module and func.
// To run experiments from Go without the command line, use the run,
// experiment and provider/builtin packages directly.
package chaostracing

import (
	"os"

	"github.com/chaostracing/chaostracing/internal/cli"
	"github.com/chaostracing/chaostracing/provider"
)

// Option configures Main.
type Option func(*cli.App)

// WithFuncs exposes Go-native functions to experiments.
func WithFuncs(funcs *provider.Funcs) Option {
	return func(app *cli.App) { app.Funcs = funcs }
}

// Main runs the chaostracing command line with args (without the program
// name) on the process's standard streams and returns the exit code.
func Main(args []string, opts ...Option) int {
	app := &cli.App{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}
	for _, opt := range opts {
		opt(app)
	}
	return cli.Main(app, args)
}
