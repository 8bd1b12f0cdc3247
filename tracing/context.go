package tracing

import (
	"context"

	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// TracerName is the instrumentation scope of the spans of a run, and the
// name of the tracer Tracer returns.
const TracerName = "chaostracing"

// ctxKey keys the spans of each level in a context.
type ctxKey int

const (
	keyExperiment ctxKey = iota
	keyHypothesis
	keyMethod
	keyRollbacks
	keyActivity
)

var (
	noopSpan   = trace.SpanFromContext(context.Background())
	noopTracer = noop.NewTracerProvider().Tracer(TracerName)
)

// spanAt returns the span of one level held by ctx, or a no-op span.
func spanAt(ctx context.Context, k ctxKey) trace.Span {
	if n, ok := ctx.Value(k).(*node); ok {
		return n.span
	}
	return noopSpan
}

// ExperimentSpan returns the run's "experiment" span found in ctx, or a
// no-op span when tracing is off.
func ExperimentSpan(ctx context.Context) trace.Span { return spanAt(ctx, keyExperiment) }

// HypothesisSpan returns the current "hypothesis" span found in ctx (for
// the continuous hypothesis, the span of the current iteration), or a
// no-op span when there is none.
func HypothesisSpan(ctx context.Context) trace.Span { return spanAt(ctx, keyHypothesis) }

// MethodSpan returns the "method" span found in ctx, or a no-op span when
// there is none.
func MethodSpan(ctx context.Context) trace.Span { return spanAt(ctx, keyMethod) }

// RollbackSpan returns the "rollbacks" span found in ctx, or a no-op span
// when there is none.
func RollbackSpan(ctx context.Context) trace.Span { return spanAt(ctx, keyRollbacks) }

// ActivitySpan returns the "activity: <name>" span found in ctx, or a
// no-op span when there is none. Inside a Go-native function it is also
// trace.SpanFromContext(ctx).
func ActivitySpan(ctx context.Context) trace.Span { return spanAt(ctx, keyActivity) }

// Tracer returns the tracer of the active traced run, named TracerName, or
// a no-op tracer when tracing is off. Spans it starts from an activity's
// context are children of the activity's span. When several traced runs
// are active in one process, the latest one set up wins.
func Tracer() trace.Tracer {
	if p := active.Load(); p != nil && p.tracer != nil {
		return p.tracer
	}
	return noopTracer
}
