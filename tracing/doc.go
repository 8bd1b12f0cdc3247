// Package tracing turns every chaos run into one trace in the user's
// tracing backend. It replaces the Python chaostoolkit-opentracing
// extension: experiments that declare its controls (modules
// chaostracing.oltp and chaostracing.control; see Register) are traced
// natively, with the span names and chaostoolkit.* attributes that
// extension writes, so existing dashboards keep working.
//
// # Spans
//
// Control, a control.Control, makes one trace per run:
//
//	experiment                          the run; its status at the end
//	├─ hypothesis (phase before)
//	│  └─ activity: <probe>
//	├─ hypothesis (phase continuous)    while the method runs, when continuous
//	│  └─ hypothesis (iteration 1, 2…)
//	│     └─ activity: <probe>
//	├─ method
//	│  └─ activity: <action or probe>   background ones overlap
//	├─ hypothesis (phase after)
//	│  └─ activity: <probe>
//	└─ rollbacks
//	   └─ activity: <action>
//
// Activity spans cover the activity's pauses, provider call and tolerance
// check. Failures set span status Error (a failed activity, a missed
// hypothesis, a failed, aborted, interrupted or deviated run), with an
// "exception" event. docs/tracing.md lists every attribute and event.
// Outputs are recorded as JSON, capped (DefaultOutputMax) and with the
// run's secret values replaced by ***; arguments, headers and
// configuration are never recorded.
//
// # Trace context
//
// A control's before hooks return a context holding the new span, which
// the runner hands to the providers: they propagate it with the global
// propagator, which Setup installs (traceparent on HTTP requests,
// TRACEPARENT and TRACESTATE in the environment of processes and python
// functions). A Go-native function registered in provider.Funcs gets that
// context, so trace.SpanFromContext(ctx), like ActivitySpan(ctx), is the
// span of its activity, and spans it starts with Tracer() (or any tracer
// of the global provider) are children of it:
//
//	func flush(ctx context.Context, args provider.Args) (any, error) {
//		ctx, span := tracing.Tracer().Start(ctx, "flush cache")
//		defer span.End()
//		tracing.ActivitySpan(ctx).AddEvent("cache flushed")
//		...
//	}
//
// ExperimentSpan, HypothesisSpan, MethodSpan, RollbackSpan and
// ActivitySpan return the span of each level found in a context, or a
// no-op span when tracing is off, so extensions may call them
// unconditionally. The experiment span is a child of a TRACEPARENT found
// in chaostracing's own environment, so a traced CI job or script that
// starts chaostracing sees the run inside its own trace.
//
// # Configuration
//
// ConfigFrom reads a Config from the control's arguments, the
// experiment's configuration (the legacy tracing_* keys) and the OTEL_*
// environment, in that order of precedence; Setup builds and installs the
// tracer provider it describes. Exporting never hurts the run: spans are
// batched in the background, and the final flush, retries included, is
// bounded by the flush timeout (DefaultFlushTimeout), after which at most
// one warning says what went wrong.
package tracing
