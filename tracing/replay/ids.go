package replay

import (
	"context"
	"crypto/rand"
	"crypto/sha256"

	"github.com/chaostracing/chaostracing/journal"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// TraceID is the trace id of a journal's run: the first 16 bytes of the
// SHA-256 of the experiment's title, the run's start timestamp (as the
// journal writes it) and the node, separated by NUL bytes. The same
// journal always gives the same id, so exporting it again overwrites
// rather than duplicates it in backends that key traces by id.
func TraceID(j *journal.Journal) trace.TraceID {
	h := sha256.New()
	h.Write([]byte(j.Experiment.String("title")))
	h.Write([]byte{0})
	h.Write([]byte(journal.TimeFormat(j.Start)))
	h.Write([]byte{0})
	h.Write([]byte(j.Node))
	var id trace.TraceID
	copy(id[:], h.Sum(nil))
	if !id.IsValid() {
		id[15] = 1
	}
	return id
}

// SpanID is the id of the span at path (such as "method/3/activity:NAME")
// in the trace: the first 8 bytes of the SHA-256 of the trace id and the
// path.
func SpanID(traceID trace.TraceID, path string) trace.SpanID {
	h := sha256.New()
	h.Write(traceID[:])
	h.Write([]byte(path))
	var id trace.SpanID
	copy(id[:], h.Sum(nil))
	if !id.IsValid() {
		id[7] = 1
	}
	return id
}

type idsKey struct{}

type ids struct {
	trace trace.TraceID
	span  trace.SpanID
}

// WithIDs returns a context asking IDGenerator for these ids: the trace
// id for a root span, the span id for any span started with it.
func WithIDs(ctx context.Context, traceID trace.TraceID, spanID trace.SpanID) context.Context {
	return context.WithValue(ctx, idsKey{}, ids{traceID, spanID})
}

// IDGenerator is an sdktrace.IDGenerator that takes the ids a context got
// from WithIDs, and makes random ones otherwise. A tracer provider made
// with sdktrace.WithIDGenerator(IDGenerator{}) is what Spans needs for its
// ids to be deterministic.
type IDGenerator struct{}

var _ sdktrace.IDGenerator = IDGenerator{}

// NewIDs implements sdktrace.IDGenerator.
func (IDGenerator) NewIDs(ctx context.Context) (trace.TraceID, trace.SpanID) {
	if v, ok := ctx.Value(idsKey{}).(ids); ok && v.trace.IsValid() && v.span.IsValid() {
		return v.trace, v.span
	}
	var tid trace.TraceID
	for !tid.IsValid() {
		_, _ = rand.Read(tid[:])
	}
	return tid, randomSpanID()
}

// NewSpanID implements sdktrace.IDGenerator.
func (IDGenerator) NewSpanID(ctx context.Context, _ trace.TraceID) trace.SpanID {
	if v, ok := ctx.Value(idsKey{}).(ids); ok && v.span.IsValid() {
		return v.span
	}
	return randomSpanID()
}

func randomSpanID() trace.SpanID {
	var sid trace.SpanID
	for !sid.IsValid() {
		_, _ = rand.Read(sid[:])
	}
	return sid
}
