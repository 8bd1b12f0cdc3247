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

// timedOut reports spans still unsent when the flush timeout ran out;
// cause is the last export error seen, if any, which names what went
// wrong better than the timeout itself.
func (r *reporter) timedOut(cause error) {
	why := fmt.Sprintf("no answer within %s", r.timeout)
	if cause != nil {
		if reason := r.reason(cause); reason != why {
			why = fmt.Sprintf("%s (gave up after %s)", reason, r.timeout)
		}
	}
	r.problem(fmt.Sprintf("Could not export the trace to %s: %s; the run is not affected", r.target, why))
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

// reason words an export error briefly. The exporters wrap the cause of
// their last retry in the context's deadline error, so the cause is looked
// for first and the timeout is the answer only when nothing else is known.
func (r *reporter) reason(err error) string {
	msg := err.Error()
	if errors.Is(err, syscall.ECONNREFUSED) || strings.Contains(msg, "connection refused") {
		return "connection refused"
	}
	if cause := retryCause(msg); cause != "" {
		return cause
	}
	var timeout interface{ Timeout() bool }
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &timeout) && timeout.Timeout()) || isTimeoutText(msg) {
		return fmt.Sprintf("no answer within %s", r.timeout)
	}
	return msg
}

// retryCause extracts what a server answered from the exporters' retry
// errors: the gRPC status ("rpc error: code = Unavailable desc = ...") or
// the HTTP body of a retryable failure ("retry-able request failure:
// body: overloaded").
func retryCause(msg string) string {
	if _, rest, ok := strings.Cut(msg, "rpc error: "); ok && !isTimeoutText(rest) {
		return "rpc error: " + rest
	}
	if _, body, ok := strings.Cut(msg, "retry-able request failure: "); ok && !isTimeoutText(body) {
		return "the collector answered with an error (" + strings.TrimPrefix(body, "body: ") + ")"
	}
	return ""
}

// isTimeoutText recognises the wordings of a request that got no answer
// in time.
func isTimeoutText(s string) bool {
	for _, t := range []string{"DeadlineExceeded", "deadline exceeded", "Client.Timeout", "i/o timeout"} {
		if strings.Contains(s, t) {
			return true
		}
	}
	return false
}
