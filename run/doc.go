// Package run plays an experiment as Chaos Toolkit does: the steady-state
// hypothesis before the method (or continuously during it), the method with
// its pauses and background activities, the hypothesis after, then the
// rollbacks per strategy, recording everything in a journal.
//
// The runner knows nothing of tracing: it calls Hooks around each step and
// passes a context.Context down to the providers. The tracing control is
// one implementation of Hooks; it puts the current span into the context
// the runner hands to the next step.
package run
