package tracing

import (
	"context"
	"time"

	"github.com/chaostracing/chaostracing/journal"
	"github.com/chaostracing/chaostracing/run"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// BeforeActivity implements run.Hooks: an "activity: <name>" span under
// the current level's span, with the activity's name, type, background
// flag and what its provider targets (never its arguments, headers or
// configuration, which may hold secrets). The context returned carries the
// span to the provider, which propagates it (TRACEPARENT, traceparent).
func (c *Control) BeforeActivity(ctx context.Context, s run.Step) context.Context {
	if c.off() || s.Activity == nil {
		return ctx
	}
	ctx = c.withRoot(ctx)
	a := s.Activity
	attrs := make([]attribute.KeyValue, 0, 8)
	attrs = append(attrs,
		keyActivityName.String(a.Name),
		keyActivityBackground.Bool(a.Background),
		keyActivityType.String(a.Type),
	)
	attrs, kind := appendProviderAttributes(attrs, a, s.Scope, c.red)
	probe := s.Level == run.LevelHypothesis && c.own(ctx, keyHypothesis) != nil
	n, ctx := c.start(ctx, keyActivity, activityPrefix+a.Name, trace.WithAttributes(attrs...), spanKinds[kind])
	n.probe = probe
	return ctx
}

// AfterActivity implements run.Hooks: it records the outcome (output,
// status, error) and ends the span. A hypothesis probe's span waits for
// its tolerance verdict, which AfterHypothesis brings; it still ends at
// this time.
func (c *Control) AfterActivity(ctx context.Context, s run.Step, r *journal.Record) {
	if c.off() {
		return
	}
	n := c.own(ctx, keyActivity)
	if n == nil {
		return
	}
	if r != nil {
		c.record(n, s, r)
	}
	if n.probe && r != nil {
		now := time.Now()
		if r.ToleranceMet == nil {
			c.park(r, n, now)
			return
		}
		c.verdict(n, *r.ToleranceMet, now)
	}
	c.finishNow(n)
}

// spanKinds holds the span kind options, made once.
var spanKinds = map[trace.SpanKind]trace.SpanStartOption{
	trace.SpanKindInternal: trace.WithSpanKind(trace.SpanKindInternal),
	trace.SpanKindClient:   trace.WithSpanKind(trace.SpanKindClient),
}

// record sets the outcome of an activity on its span.
func (c *Control) record(n *node, s run.Step, r *journal.Record) {
	span := n.span
	attrs := make([]attribute.KeyValue, 0, 4)
	if c.outputMax > 0 {
		attrs = append(attrs, keyActivityOutput.String(renderOutput(r.Output, c.outputMax, c.red)))
	}
	if r.Status != "" {
		attrs = append(attrs, keyActivityStatus.String(r.Status))
	}
	if s.Activity != nil {
		attrs = appendResultAttributes(attrs, s.Activity, r.Output)
	}
	switch {
	case r.Failed():
		lines := c.red.Strings(r.Exception)
		f := failureOf(lines)
		attrs = append(attrs, keyActivityError.StringSlice(lines), keyErrorType.String(f.typ))
		span.AddEvent(eventException, trace.WithAttributes(f.attributes()...))
		span.SetStatus(codes.Error, f.msg)
	case r.Status == "":
		span.SetStatus(codes.Error, "activity interrupted")
	}
	span.SetAttributes(attrs...)
}

// settle gives the probes of a hypothesis, whose spans wait for it, their
// tolerance verdict, and ends their spans at their own end time.
func (c *Control) settle(h *journal.Hypothesis) {
	type parked struct {
		n    *node
		r    *journal.Record
		done time.Time
	}
	var list []parked
	c.mu.Lock()
	for _, r := range h.Probes {
		if n, ok := c.pending[r]; ok {
			delete(c.pending, r)
			list = append(list, parked{n, r, n.doneAt})
		}
	}
	c.mu.Unlock()
	for _, p := range list {
		c.verdict(p.n, p.r.ToleranceMet != nil && *p.r.ToleranceMet, p.done)
		c.finish(p.n, p.done)
	}
}

// verdict records whether a probe met its tolerance: an attribute and a
// "tolerance" event at the time of the check (the start of the after
// pause, else the end of the activity).
func (c *Control) verdict(n *node, met bool, done time.Time) {
	c.mu.Lock()
	at := n.checkedAt
	c.mu.Unlock()
	if at.IsZero() {
		at = done
	}
	n.span.SetAttributes(keyActivityToleranceMet.Bool(met))
	n.span.AddEvent(eventTolerance, trace.WithTimestamp(at), trace.WithAttributes(keyToleranceMet.Bool(met)))
}

// Pause implements run.Hooks: a "pause" event on the activity's span.
func (c *Control) Pause(ctx context.Context, _ run.Step, which string, seconds float64) {
	if c.off() {
		return
	}
	n := c.own(ctx, keyActivity)
	if n == nil {
		return
	}
	n.span.AddEvent(eventPause, trace.WithAttributes(keyPauseWhich.String(which), keyPauseSeconds.Float64(seconds)))
	if which == "after" {
		c.mu.Lock()
		n.checkedAt = time.Now()
		c.mu.Unlock()
	}
}
