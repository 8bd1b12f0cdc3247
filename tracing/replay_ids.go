package tracing

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
func ReplayTraceID(j *journal.Journal) trace.TraceID {
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
func ReplaySpanID(traceID trace.TraceID, path string) trace.SpanID {
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

type replayIDsKey struct{}

type replayIDs struct {
	trace trace.TraceID
	span  trace.SpanID
}

// WithReplayIDs returns a context asking IDGenerator for these replayIDs: the trace
// id for a root span, the span id for any span started with it.
func WithReplayIDs(ctx context.Context, traceID trace.TraceID, spanID trace.SpanID) context.Context {
	return context.WithValue(ctx, replayIDsKey{}, replayIDs{traceID, spanID})
}

// IDGenerator is an sdktrace.IDGenerator that takes the replayIDs a context got
// from WithReplayIDs, and makes random ones otherwise. A tracer provider made
// with sdktrace.WithIDGenerator(ReplayIDGenerator{}) is what Spans needs for its
// replayIDs to be deterministic.
type ReplayIDGenerator struct{}

var _ sdktrace.IDGenerator = ReplayIDGenerator{}

// NewIDs implements sdktrace.IDGenerator.
func (ReplayIDGenerator) NewIDs(ctx context.Context) (trace.TraceID, trace.SpanID) {
	if v, ok := ctx.Value(replayIDsKey{}).(replayIDs); ok && v.trace.IsValid() && v.span.IsValid() {
		return v.trace, v.span
	}
	var tid trace.TraceID
	for !tid.IsValid() {
		_, _ = rand.Read(tid[:])
	}
	return tid, randomSpanID()
}

// NewSpanID implements sdktrace.IDGenerator.
func (ReplayIDGenerator) NewSpanID(ctx context.Context, _ trace.TraceID) trace.SpanID {
	if v, ok := ctx.Value(replayIDsKey{}).(replayIDs); ok && v.span.IsValid() {
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
