package tracing

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// reporter turns the export problems of one run into a single warning:
// the first problem is logged as a warning, the later ones at debug level,
// so a collector that is down costs one line, not one per batch.
type reporter struct {
	log      *slog.Logger
	target   string
	timeout  time.Duration
	warned   atomic.Bool
	problems atomic.Int64
}

func newReporter(log *slog.Logger, target string, timeout time.Duration) *reporter {
	return &reporter{log: log, target: target, timeout: timeout}
}

// exportFailed reports an export that failed.
func (r *reporter) exportFailed(err error) {
	r.problem(fmt.Sprintf("Could not export the trace to %s: %s; the run is not affected", r.target, r.reason(err)))
}

// timedOut reports spans still unsent when the flush timeout ran out.
func (r *reporter) timedOut() {
	r.problem(fmt.Sprintf("Could not export the trace to %s: no answer within %s; the run is not affected", r.target, r.timeout))
}

// otelError reports an error OpenTelemetry handed to the global handler
// while this run was active.
func (r *reporter) otelError(err error) {
	r.problem(fmt.Sprintf("Tracing problem with %s: %v; the run is not affected", r.target, err))
}

func (r *reporter) problem(msg string) {
	r.problems.Add(1)
	if r.warned.CompareAndSwap(false, true) {
		r.log.Warn(msg)
		return
	}
	r.log.Debug(msg)
}

// reason words an export error briefly.
func (r *reporter) reason(err error) string {
	var timeout interface{ Timeout() bool }
	msg := err.Error()
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &timeout) && timeout.Timeout(),
		strings.Contains(msg, "DeadlineExceeded"), strings.Contains(msg, "deadline exceeded"):
		return fmt.Sprintf("no answer within %s", r.timeout)
	case errors.Is(err, syscall.ECONNREFUSED), strings.Contains(msg, "connection refused"):
		return "connection refused"
	}
	return msg
}
