package tracing

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// shutdownGrace is how long an exporter may take to release its
// connections once its exports were aborted.
const shutdownGrace = 250 * time.Millisecond

// guard wraps the exporter of a run so that exporting never hurts the
// run: errors go to the reporter (and not to the global error handler,
// which would print each one), and abort cancels every export in flight,
// retries included, and makes later ones return at once.
type guard struct {
	inner   sdktrace.SpanExporter
	report  *reporter
	stop    context.Context
	cancel  context.CancelFunc
	aborted atomic.Bool
	closer  func() // releases what the exporter does not (idle connections)
	lastErr atomic.Pointer[error]
}

var _ sdktrace.SpanExporter = (*guard)(nil)

func newGuard(inner sdktrace.SpanExporter, report *reporter, closer func()) *guard {
	stop, cancel := context.WithCancel(context.Background())
	return &guard{inner: inner, report: report, stop: stop, cancel: cancel, closer: closer}
}

// ExportSpans implements sdktrace.SpanExporter. It always returns nil:
// failures are the reporter's business.
func (g *guard) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	if g.aborted.Load() {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(g.stop, cancel)()
	err := g.inner.ExportSpans(ctx, spans)
	aborted := g.aborted.Load()
	switch {
	case err == nil:
	case aborted && (errors.Is(err, context.Canceled) || strings.Contains(err.Error(), context.Canceled.Error())):
		// The abort itself, which says nothing of why the export hung
		// (some exporters keep only the text of the error they wrap).
	case aborted:
		g.lastErr.Store(&err)
	default:
		g.lastErr.Store(&err)
		g.report.exportFailed(err)
	}
	return nil
}

// lastError returns the latest export error, kept even after abort so the
// warning of a flush that timed out can name the cause.
func (g *guard) lastError() error {
	if e := g.lastErr.Load(); e != nil {
		return *e
	}
	return nil
}

// Shutdown implements sdktrace.SpanExporter. An exporter is always given
// a little time to close its connections, even when ctx is done.
func (g *guard) Shutdown(ctx context.Context) error {
	if ctx.Err() != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
		defer cancel()
	}
	err := g.inner.Shutdown(ctx)
	if g.closer != nil {
		g.closer()
	}
	g.cancel()
	return err
}

// abort cancels the exports in flight and drops the later ones.
func (g *guard) abort() {
	g.aborted.Store(true)
	g.cancel()
}
