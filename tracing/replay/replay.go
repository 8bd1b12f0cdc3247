// Package replay turns a journal, chaostracing's or the Python Chaos
// Toolkit's, into the trace the tracing control would have made of the
// run: the same span tree, names, chaostoolkit.* attributes and error
// statuses, with the journal's timestamps, and ids derived from the
// journal so that replaying it again gives the same trace.
//
// Spans records a journal with any tracer; its ids are deterministic when
// the tracer's provider uses IDGenerator. Exporter sends journals through
// the exporter a tracing.Config describes.
//
// The journal does not time the levels themselves: a hypothesis, the
// method and the rollbacks span from the start of their first activity
// to the end of their last one, and an activity cut short by an
// interruption ends with the run.
package replay

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/chaostracing/chaostracing/journal"
	"github.com/chaostracing/chaostracing/tracing"
	"github.com/chaostracing/chaostracing/value"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// Span names and attribute keys, as the tracing control writes them (see
// docs/tracing.md).
const (
	spanExperiment = "experiment"
	spanHypothesis = "hypothesis"
	spanMethod     = "method"
	spanRollbacks  = "rollbacks"
	activityPrefix = "activity: "

	keyExperimentTitle       = attribute.Key("chaostoolkit.experiment.title")
	keyPlatformFull          = attribute.Key("chaostoolkit.platform.full")
	keyExperimentStatus      = attribute.Key("chaostoolkit.experiment.status")
	keyExperimentDeviated    = attribute.Key("chaostoolkit.experiment.deviated")
	keyExperimentInterrupted = attribute.Key("chaostoolkit.experiment.interrupted")
	keyHypothesisPhase       = attribute.Key("chaostoolkit.hypothesis.phase")
	keyHypothesisMet         = attribute.Key("chaostoolkit.hypothesis.met")
	keyHypothesisIteration   = attribute.Key("chaostoolkit.hypothesis.iteration")
	keyHypothesisIterations  = attribute.Key("chaostoolkit.hypothesis.iterations")
	keyHypothesisDeviations  = attribute.Key("chaostoolkit.hypothesis.deviations")
	keyActivityName          = attribute.Key("chaostoolkit.activity.name")
	keyActivityBackground    = attribute.Key("chaostoolkit.activity.background")
	keyActivityType          = attribute.Key("chaostoolkit.activity.type")
	keyActivityOutput        = attribute.Key("chaostoolkit.activity.output")
	keyActivityStatus        = attribute.Key("chaostoolkit.activity.status")
	keyActivityError         = attribute.Key("chaostoolkit.activity.error")
	keyActivityToleranceMet  = attribute.Key("chaostoolkit.activity.tolerance_met")
	keyToleranceMet          = attribute.Key("chaostoolkit.tolerance.met")
	keyErrorType             = attribute.Key("error.type")
	keyExceptionType         = attribute.Key("exception.type")
	keyExceptionMessage      = attribute.Key("exception.message")
	keyExceptionStacktrace   = attribute.Key("exception.stacktrace")
)

// Options change what Spans records.
type Options struct {
	// OutputMax caps chaostoolkit.activity.output in bytes, as
	// tracing.Config.OutputMax: 0 is tracing.DefaultOutputMax, negative
	// leaves outputs out.
	OutputMax int
	// Redact replaces secrets in the title, outputs, error lines and
	// messages (report.SecretsRedactor makes one); nil changes nothing.
	Redact func(string) string
}

// Result describes a replayed run.
type Result struct {
	TraceID trace.TraceID
	// Spans is the number of spans recorded.
	Spans int
}

// Spans records the run of j as spans of tracer, with the journal's
// timestamps, and returns the trace id and the span count. The ids are
// TraceID(j) and SpanID(TraceID(j), path) when tracer's provider uses
// IDGenerator; ctx's span, if any, is ignored: the experiment span is a
// root.
func Spans(ctx context.Context, j *journal.Journal, tracer trace.Tracer, opts Options) Result {
	b := &builder{tracer: tracer, tid: TraceID(j), max: opts.OutputMax, redact: opts.Redact}
	switch {
	case b.max == 0:
		b.max = tracing.DefaultOutputMax
	case b.max < 0:
		b.max = 0
	}
	if b.redact == nil {
		b.redact = func(s string) string { return s }
	}
	b.run(ctx, j)
	return Result{TraceID: b.tid, Spans: b.count}
}

type builder struct {
	tracer trace.Tracer
	tid    trace.TraceID
	max    int
	redact func(string) string
	count  int
	// end is the end of the run, where spans the journal leaves open end.
	end time.Time
}

// start begins the span at path, as a child of parent's span.
func (b *builder) start(parent context.Context, path, name string, at time.Time, opts ...trace.SpanStartOption) (context.Context, trace.Span) {
	ctx := WithIDs(parent, b.tid, SpanID(b.tid, path))
	ctx, span := b.tracer.Start(ctx, name, append(opts, trace.WithTimestamp(at))...)
	b.count++
	return ctx, span
}

func (b *builder) run(ctx context.Context, j *journal.Journal) {
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
func (b *builder) level(ctx context.Context, path, name string, records []*journal.Record, def time.Time) time.Time {
	start, end := b.bounds(records, def)
	ctx, span := b.start(ctx, path, name, start)
	b.activities(ctx, path, records, false)
	span.End(trace.WithTimestamp(end))
	return end
}

// hypothesis records one hypothesis check and returns its end.
func (b *builder) hypothesis(ctx context.Context, path, phase string, h *journal.Hypothesis, def time.Time, extra ...attribute.KeyValue) time.Time {
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
func (b *builder) continuous(ctx context.Context, during []*journal.Hypothesis, def time.Time) {
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
func (b *builder) activities(ctx context.Context, path string, records []*journal.Record, probes bool) {
	for i, r := range records {
		b.activity(ctx, fmt.Sprintf("%s/%d/activity:%s", path, i, r.Activity.String("name")), r, probes)
	}
}

func (b *builder) activity(ctx context.Context, path string, r *journal.Record, probe bool) {
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
func (b *builder) recordTimes(r *journal.Record, def time.Time) (time.Time, time.Time) {
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
func (b *builder) bounds(records []*journal.Record, def time.Time) (time.Time, time.Time) {
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

// experimentError describes a run that did not go well, or returns "",
// as the tracing control does.
func experimentError(j *journal.Journal) string {
	switch {
	case j.Status == journal.Failed:
		return "experiment failed"
	case j.Status == journal.Aborted:
		return "experiment aborted"
	case j.Status == journal.Interrupted:
		return "experiment interrupted"
	case j.Deviated:
		return "experiment deviated: the steady state hypothesis was not met after the method"
	}
	return ""
}

// missMessage names the probe that broke the hypothesis.
func missMessage(h *journal.Hypothesis) string {
	if len(h.Probes) == 0 {
		return "steady state hypothesis not met"
	}
	last := h.Probes[len(h.Probes)-1]
	msg := "steady state hypothesis not met: probe " + last.Activity.String("name")
	if last.Failed() {
		msg += " failed"
	}
	return msg
}

const activityFailed = "chaoslib.exceptions.ActivityFailed"

// failure is an activity failure as OpenTelemetry describes exceptions.
type failure struct{ typ, msg, stack string }

// failureOf reads a journal's exception lines, as the tracing control
// does: the last one is "chaoslib.exceptions.ActivityFailed: <msg>\n",
// msg starting with the Python exception's class when there is one.
func failureOf(lines []string) failure {
	if len(lines) == 0 {
		return failure{typ: activityFailed, msg: "activity failed"}
	}
	last := strings.TrimRight(lines[len(lines)-1], "\n")
	msg := strings.TrimPrefix(last, activityFailed+": ")
	f := failure{typ: activityFailed, msg: msg, stack: strings.Join(lines[:len(lines)-1], "")}
	if class, _, ok := strings.Cut(msg, ": "); ok && isClassName(class) {
		f.typ = class
	}
	return f
}

func isClassName(s string) bool {
	if s == "" || strings.ContainsAny(s, " \t") {
		return false
	}
	parts := strings.Split(s, ".")
	for _, p := range parts {
		if p == "" || unicode.IsDigit(rune(p[0])) {
			return false
		}
		for _, r := range p {
			if r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				return false
			}
		}
	}
	last := parts[len(parts)-1]
	return unicode.IsUpper(rune(last[0])) && strings.IndexFunc(last, unicode.IsLower) >= 0
}

func (f failure) attributes() []attribute.KeyValue {
	attrs := []attribute.KeyValue{keyExceptionType.String(f.typ), keyExceptionMessage.String(f.msg)}
	if f.stack != "" {
		attrs = append(attrs, keyExceptionStacktrace.String(f.stack))
	}
	return attrs
}

const truncatedMarker = "…[truncated]"

// output renders an activity's output as the tracing control does: JSON
// in json.dumps' layout, secrets redacted, cut to the cap.
func (b *builder) output(v any) string {
	var sb strings.Builder
	writeJSON(&sb, v)
	s := b.redact(sb.String())
	if len(s) <= b.max {
		return s
	}
	marker := truncatedMarker
	if b.max < len(marker) {
		marker = ""
	}
	keep := b.max - len(marker)
	for keep > 0 && !utf8.RuneStart(s[keep]) {
		keep--
	}
	return s[:keep] + marker
}

// writeJSON writes v with json.dumps' separators (", " and ": ").
func writeJSON(sb *strings.Builder, v any) {
	switch t := v.(type) {
	case []any:
		sb.WriteByte('[')
		for i, x := range t {
			if i > 0 {
				sb.WriteString(", ")
			}
			writeJSON(sb, x)
		}
		sb.WriteByte(']')
	case *value.Object:
		sb.WriteByte('{')
		for i, k := range t.Keys() {
			if i > 0 {
				sb.WriteString(", ")
			}
			writeJSON(sb, k)
			sb.WriteString(": ")
			x, _ := t.Get(k)
			writeJSON(sb, x)
		}
		sb.WriteByte('}')
	default:
		var scalar strings.Builder
		_ = value.Encode(&scalar, v, "")
		sb.WriteString(strings.TrimSuffix(scalar.String(), "\n"))
	}
}

func getBool(o *value.Object, key string) (bool, bool) {
	v, _ := o.Get(key)
	x, ok := v.(bool)
	return x, ok
}
