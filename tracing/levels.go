package tracing

import (
	"context"
	"time"

	"github.com/chaostracing/chaostracing/journal"
	"github.com/chaostracing/chaostracing/run"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// BeforeHypothesis implements run.Hooks: a "hypothesis" span with its
// phase; for the continuous phase, one span per iteration under the
// continuous hypothesis span.
func (c *Control) BeforeHypothesis(ctx context.Context, s run.Step) context.Context {
	if c.off() {
		return ctx
	}
	ctx = c.withRoot(ctx)
	if s.Phase == run.PhaseContinuous {
		return c.beforeIteration(ctx, s)
	}
	_, ctx = c.start(ctx, keyHypothesis, spanHypothesis, trace.WithAttributes(keyHypothesisPhase.String(s.Phase)))
	return ctx
}

// AfterHypothesis implements run.Hooks: it records whether the hypothesis
// was met, settles its probes' tolerance verdicts and ends the span. A
// missed hypothesis gets status Error naming the probe that missed.
func (c *Control) AfterHypothesis(ctx context.Context, s run.Step, h *journal.Hypothesis) {
	if c.off() {
		return
	}
	n := c.own(ctx, keyHypothesis)
	if n == nil {
		return
	}
	if h != nil {
		c.settle(h)
		n.span.SetAttributes(keyHypothesisMet.Bool(h.Met))
		if !h.Met {
			n.span.SetStatus(codes.Error, c.red.String(missMessage(h)))
		}
	}
	now := time.Now()
	c.finish(n, now)
	if s.Phase == run.PhaseContinuous {
		c.afterIteration(h != nil && h.Met, now)
	}
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

// BeforeMethod implements run.Hooks: the "method" span.
func (c *Control) BeforeMethod(ctx context.Context, _ run.Step) context.Context {
	if c.off() {
		return ctx
	}
	_, ctx = c.start(c.withRoot(ctx), keyMethod, spanMethod)
	return ctx
}

// AfterMethod implements run.Hooks: it ends the method span, and the
// continuous hypothesis span once its last iteration is over.
func (c *Control) AfterMethod(ctx context.Context, _ run.Step, _ []*journal.Record) {
	if c.off() {
		return
	}
	now := time.Now()
	if n := c.own(ctx, keyMethod); n != nil {
		c.finish(n, now)
	}
	c.methodEnded(now)
}

// BeforeRollbacks implements run.Hooks: the "rollbacks" span.
func (c *Control) BeforeRollbacks(ctx context.Context, _ run.Step) context.Context {
	if c.off() {
		return ctx
	}
	_, ctx = c.start(c.withRoot(ctx), keyRollbacks, spanRollbacks)
	return ctx
}

// AfterRollbacks implements run.Hooks.
func (c *Control) AfterRollbacks(ctx context.Context, _ run.Step, _ []*journal.Record) {
	if c.off() {
		return
	}
	if n := c.own(ctx, keyRollbacks); n != nil {
		c.finish(n, time.Now())
	}
}
