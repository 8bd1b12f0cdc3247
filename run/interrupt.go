package run

import "context"

// interruptKey finds a run's interruption in a context.
type interruptKey struct{}

// withInterrupt returns a context that Interrupt can cancel, derived from
// ctx, the context of the whole run.
func withInterrupt(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(ctx)
	ctx = context.WithValue(ctx, interruptKey{}, cancel)
	return ctx, func() { cancel(nil) }
}

// Interrupt stops the run that ctx belongs to, as Chaos Toolkit's
// InterruptExecution raised by a control does: the current activity is
// stopped, the run ends with status interrupted, and the rollbacks run as
// their strategy says for an interrupted run. A control, or a Go-native
// function, calls it with the context its hook or call received; reason is
// logged. It returns false when ctx is not a run's.
func Interrupt(ctx context.Context, reason string) bool {
	cancel, ok := ctx.Value(interruptKey{}).(context.CancelCauseFunc)
	if !ok {
		return false
	}
	cancel(&interruption{reason: reason})
	return true
}

// interruption is the cause Interrupt cancels a run with: an
// ErrInterrupted that carries its reason, for the log.
type interruption struct{ reason string }

func (i *interruption) Error() string { return ErrInterrupted.Error() + ": " + i.reason }
func (i *interruption) Unwrap() error { return ErrInterrupted }
