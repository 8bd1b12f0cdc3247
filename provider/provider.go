// Package provider defines how activities reach the outside world: the
// Provider interface, the registry of provider types, and the registry of
// Go-native functions that a program embedding the runner exposes as
// python-style module/func activities. The built-in providers live in the
// sub-packages process, http and python.
package provider

import (
	"context"
	"log/slog"

	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/value"
)

// DefaultMaxOutput caps how many bytes of a process stream or an HTTP body
// a provider keeps, so a runaway command cannot exhaust memory: 4 MiB,
// ample for the JSON bodies tolerances look into, small enough that the
// journal of a run stays readable.
const DefaultMaxOutput = 4 << 20

// Call is one execution of a provider for an activity.
type Call struct {
	// Activity is the activity being run, its ref already resolved.
	Activity *experiment.Activity
	// Spec is the provider section with ${name} substitution applied where
	// Chaos Toolkit applies it.
	Spec *value.Object
	// Configuration is the experiment's resolved configuration.
	Configuration *value.Object
	// Secrets is the experiment's resolved secrets, scope -> name -> value.
	Secrets *value.Object
	// MaxOutput caps captured output in bytes; 0 means DefaultMaxOutput.
	MaxOutput int
	// Log receives the provider's warnings (non-zero exit, HTTP >= 400).
	Log *slog.Logger
}

// OutputLimit returns the effective output cap.
func (c Call) OutputLimit() int {
	if c.MaxOutput > 0 {
		return c.MaxOutput
	}
	return DefaultMaxOutput
}

// Logger returns the call's logger, or one that discards.
func (c Call) Logger() *slog.Logger {
	if c.Log != nil {
		return c.Log
	}
	return slog.New(slog.DiscardHandler)
}

// Provider runs activities of one provider type. An error returned by Run
// fails the activity (Chaos Toolkit's ActivityFailed); its message is what
// the journal and the logs show. Run must return promptly once ctx is done.
type Provider interface {
	Run(ctx context.Context, call Call) (any, error)
}

// Checker is implemented by providers that can check activities against the
// local environment before a run (a binary on PATH, an importable module).
type Checker interface {
	Check(ctx context.Context, activities []*experiment.Activity) []experiment.Problem
}

// TracebackError is implemented by activity failures that carry the
// failing code's own traceback (a Python exception's), which the journal
// stores before Chaos Toolkit's closing ActivityFailed line.
type TracebackError interface {
	error
	TracebackLines() []string
}
