package jaeger

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"

	"github.com/jaegertracing/jaeger-idl/thrift-gen/jaeger"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// sender delivers converted batches over one transport.
type sender interface {
	// send delivers b; it returns the number of spans it dropped and the
	// errors met.
	send(ctx context.Context, b *jaeger.Batch) (dropped int, err error)
	close() error
}

// Exporter is an sdktrace.SpanExporter that sends spans to Jaeger in thrift.
// It is safe for concurrent use.
type Exporter struct {
	sender   sender
	stopCtx  context.Context
	stop     context.CancelFunc
	once     sync.Once
	closeErr error
	dropped  atomic.Int64
}

var _ sdktrace.SpanExporter = (*Exporter)(nil)

func newExporter(s sender) *Exporter {
	ctx, cancel := context.WithCancel(context.Background())
	return &Exporter{sender: s, stopCtx: ctx, stop: cancel}
}

// ExportSpans converts spans to Jaeger batches, one per resource, and sends
// them. It returns early with ctx's error when ctx ends, and does nothing
// once the Exporter is shut down. Errors of several batches or datagrams are
// joined; the spans of a failed batch are not retried.
func (e *Exporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if e.stopCtx.Err() != nil || len(spans) == 0 {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(e.stopCtx, cancel)()
	var errs []error
	for _, b := range toBatches(spans) {
		dropped, err := e.sender.send(ctx, b)
		e.dropped.Add(int64(dropped))
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Shutdown cancels exports in flight, stops later ones and releases the
// transport (the UDP socket, or the idle connections of the exporter's own
// HTTP client). It is safe to call more than once; later calls return the
// first call's result.
func (e *Exporter) Shutdown(ctx context.Context) error {
	e.once.Do(func() {
		e.stop()
		e.closeErr = e.sender.close()
	})
	if err := ctx.Err(); err != nil {
		return err
	}
	return e.closeErr
}

// DroppedSpans reports how many spans the Exporter dropped without sending
// them: on UDP, spans too large to fit in one datagram or that could not be
// encoded.
func (e *Exporter) DroppedSpans() int64 {
	return e.dropped.Load()
}
