// Package replay turns a journal, chaostracing's or the Python Chaos
// Toolkit's, into the trace the tracing control would have made of the
// run: the same span tree, names, chaostoolkit.* attributes and error
// statuses, with the journal's timestamps, and replayIDs derived from the
// journal so that replaying it again gives the same trace.
//
// Spans records a journal with any tracer; its replayIDs are deterministic when
// the tracer's provider uses IDGenerator. Replayer sends journals through
// the exporter a Config describes.
//
// The journal does not time the levels themselves: a hypothesis, the
// method and the rollbacks span from the start of their first activity
// to the end of their last one, and an activity cut short by an
// interruption ends with the run.
package tracing

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/chaostracing/chaostracing/journal"
	"github.com/chaostracing/chaostracing/value"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// ReplayOptions change what ReplaySpans records.
type ReplayOptions struct {
	// OutputMax caps chaostoolkit.activity.output in bytes, as
	// Config.OutputMax: 0 is DefaultOutputMax, negative
	// leaves outputs out.
	OutputMax int
	// Redact replaces secrets in the title, outputs, error lines and
	// messages (report.SecretsRedactor makes one); nil changes nothing.
	Redact func(string) string
}

// ReplayResult describes a replayed run.
type ReplayResult struct {
	TraceID trace.TraceID
	// Spans is the number of spans recorded.
	Spans int
}

// Spans records the run of j as spans of tracer, with the journal's
// timestamps, and returns the trace id and the span count. The replayIDs are
// ReplayTraceID(j) and ReplaySpanID(ReplayTraceID(j), path) when tracer's provider uses
// IDGenerator; ctx's span, if any, is ignored: the experiment span is a
// root.
func ReplaySpans(ctx context.Context, j *journal.Journal, tracer trace.Tracer, opts ReplayOptions) ReplayResult {
	b := &replayBuilder{tracer: tracer, tid: ReplayTraceID(j), max: opts.OutputMax, redact: opts.Redact}
	switch {
	case b.max == 0:
		b.max = DefaultOutputMax
	case b.max < 0:
		b.max = 0
	}
	if b.redact == nil {
		b.redact = func(s string) string { return s }
	}
	b.run(ctx, j)
	return ReplayResult{TraceID: b.tid, Spans: b.count}
}

type replayBuilder struct {
	tracer trace.Tracer
	tid    trace.TraceID
	max    int
	redact func(string) string
	count  int
	// end is the end of the run, where spans the journal leaves open end.
	end time.Time
}

// start begins the span at path, as a child of parent's span.
func (b *replayBuilder) start(parent context.Context, path, name string, at time.Time, opts ...trace.SpanStartOption) (context.Context, trace.Span) {
	ctx := WithReplayIDs(parent, b.tid, ReplaySpanID(b.tid, path))
	ctx, span := b.tracer.Start(ctx, name, append(opts, trace.WithTimestamp(at))...)
	b.count++
	return ctx, span
}

func (b *replayBuilder) run(ctx context.Context, j *journal.Journal) {
	start, end := j.Start, j.End
	if end.IsZero() || end.Before(start) {
		end = latest(start, j.Run, j.Rollbacks)
	}
	b.end = end
	ctx, span := b.start(trace.ContextWithSpanContext(ctx, trace.SpanContext{}), "experiment", spanExperiment, start,
		trace.WithNewRoot(),
		trace.WithAttributes(
			keyExperimentTitle.String(b.redact(j.Experiment.String("title"))),
			keyPlatformFull.String(j.Platform),
		))
	at := start
	if h := j.SteadyStates.Before; h != nil {
		at = b.hypothesis(ctx, "hypothesis/before", "before", h, at)
	}
	if len(j.SteadyStates.During) > 0 {
		b.continuous(ctx, j.SteadyStates.During, at)
	}
	if len(j.Run) > 0 {
		at = b.level(ctx, "method", spanMethod, j.Run, at)
	}
	if h := j.SteadyStates.After; h != nil {
		at = b.hypothesis(ctx, "hypothesis/after", "after", h, at)
	}
	if len(j.Rollbacks) > 0 {
		b.level(ctx, "rollbacks", spanRollbacks, j.Rollbacks, at)
	}
	if j.Status == journal.Interrupted {
		span.SetAttributes(keyExperimentInterrupted.Bool(true))
	}
	span.SetAttributes(keyExperimentStatus.String(j.Status), keyExperimentDeviated.Bool(j.Deviated))
	if msg := experimentError(j); msg != "" {
		span.SetStatus(codes.Error, msg)
	}
	span.End(trace.WithTimestamp(end))
}

// level records the method or the rollbacks and returns their end.
func (b *replayBuilder) level(ctx context.Context, path, name string, records []*journal.Record, def time.Time) time.Time {
	start, end := b.bounds(records, def)
	ctx, span := b.start(ctx, path, name, start)
	b.activities(ctx, path, records, false)
	span.End(trace.WithTimestamp(end))
	return end
}

// hypothesis records one hypothesis check and returns its end.
func (b *replayBuilder) hypothesis(ctx context.Context, path, phase string, h *journal.Hypothesis, def time.Time, extra ...attribute.KeyValue) time.Time {
	start, end := b.bounds(h.Probes, def)
	attrs := append([]attribute.KeyValue{keyHypothesisPhase.String(phase)}, extra...)
	ctx, span := b.start(ctx, path, spanHypothesis, start, trace.WithAttributes(attrs...))
	b.activities(ctx, path, h.Probes, true)
	span.SetAttributes(keyHypothesisMet.Bool(h.Met))
	if !h.Met {
		span.SetStatus(codes.Error, b.redact(missMessage(h)))
	}
	span.End(trace.WithTimestamp(end))
	return end
}

// continuous records the continuous hypothesis: a parent span and one
// child per iteration.
func (b *replayBuilder) continuous(ctx context.Context, during []*journal.Hypothesis, def time.Time) {
	var all []*journal.Record
	for _, h := range during {
		if h != nil {
			all = append(all, h.Probes...)
		}
	}
	start, end := b.bounds(all, def)
	const path = "hypothesis/continuous"
	ctx, span := b.start(ctx, path, spanHypothesis, start, trace.WithAttributes(keyHypothesisPhase.String("continuous")))
	iterations, deviations := 0, 0
	for i, h := range during {
		if h == nil {
			continue
		}
		iterations++
		if !h.Met {
			deviations++
		}
		b.hypothesis(ctx, path+"/"+strconv.Itoa(i+1), "continuous", h, start, keyHypothesisIteration.Int(i+1))
	}
	span.SetAttributes(keyHypothesisIterations.Int(iterations), keyHypothesisDeviations.Int(deviations))
	if deviations > 0 {
		span.SetStatus(codes.Error, fmt.Sprintf("steady state hypothesis not met in %d of %d iterations", deviations, iterations))
	}
	span.End(trace.WithTimestamp(end))
}

// activities records the activity spans of one level.
func (b *replayBuilder) activities(ctx context.Context, path string, records []*journal.Record, probes bool) {
	for i, r := range records {
		b.activity(ctx, fmt.Sprintf("%s/%d/activity:%s", path, i, r.Activity.String("name")), r, probes)
	}
}

func (b *replayBuilder) activity(ctx context.Context, path string, r *journal.Record, probe bool) {
	a := r.Activity
	name := a.String("name")
	background, _ := getBool(a, "background")
	kind := trace.SpanKindInternal
	if a.Object("provider").String("type") == "http" {
		kind = trace.SpanKindClient
	}
	start, end := b.recordTimes(r, b.end)
	_, span := b.start(ctx, path, activityPrefix+name, start, trace.WithSpanKind(kind), trace.WithAttributes(
		keyActivityName.String(name),
		keyActivityBackground.Bool(background),
		keyActivityType.String(a.String("type")),
	))
	attrs := make([]attribute.KeyValue, 0, 5)
	if b.max > 0 {
		attrs = append(attrs, keyActivityOutput.String(b.output(r.Output)))
	}
	if r.Status != "" {
		attrs = append(attrs, keyActivityStatus.String(r.Status))
	}
	switch {
	case r.Failed():
		lines := make([]string, len(r.Exception))
		for i, l := range r.Exception {
			lines[i] = b.redact(l)
		}
		f := failureOf(lines)
		attrs = append(attrs, keyActivityError.StringSlice(lines), keyErrorType.String(f.typ))
		span.AddEvent("exception", trace.WithTimestamp(end), trace.WithAttributes(f.attributes()...))
		span.SetStatus(codes.Error, f.msg)
	case r.Status == "":
		span.SetStatus(codes.Error, "activity interrupted")
	}
	if probe && r.ToleranceMet != nil {
		met := *r.ToleranceMet
		attrs = append(attrs, keyActivityToleranceMet.Bool(met))
		span.AddEvent("tolerance", trace.WithTimestamp(end), trace.WithAttributes(keyToleranceMet.Bool(met)))
	}
	span.SetAttributes(attrs...)
	span.End(trace.WithTimestamp(end))
}

// recordTimes returns when an activity started and ended; one cut short
// ends at def, never before its start.
func (b *replayBuilder) recordTimes(r *journal.Record, def time.Time) (time.Time, time.Time) {
	start, end := r.Start, r.End
	if start.IsZero() {
		start = def
	}
	if end.IsZero() {
		end = def
	}
	if end.Before(start) {
		end = start
	}
	return start, end
}

// bounds returns the span of time the records cover, or [def, def].
func (b *replayBuilder) bounds(records []*journal.Record, def time.Time) (time.Time, time.Time) {
	var start, end time.Time
	for _, r := range records {
		s, e := b.recordTimes(r, b.end)
		if start.IsZero() || s.Before(start) {
			start = s
		}
		if e.After(end) {
			end = e
		}
	}
	if start.IsZero() {
		return def, def
	}
	return start, end
}

// latest returns the latest time found in the records, or def.
func latest(def time.Time, lists ...[]*journal.Record) time.Time {
	at := def
	for _, list := range lists {
		for _, r := range list {
			for _, t := range []time.Time{r.Start, r.End} {
				if t.After(at) {
					at = t
				}
			}
		}
	}
	return at
}

// output renders an activity's output as the tracing control does: JSON
// in json.dumps' layout, secrets redacted, cut to the cap.
func (b *replayBuilder) output(v any) string {
	return truncate(b.redact(renderOutput(v, maxRendered, nil)), b.max, false)
}

// maxRendered bounds the JSON of a replayed output before it is cut to
// the cap (outputs in journals are already capped by the run).
const maxRendered = 64 << 20

func getBool(o *value.Object, key string) (bool, bool) {
	v, _ := o.Get(key)
	x, ok := v.(bool)
	return x, ok
}
