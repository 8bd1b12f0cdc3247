package tracing

import (
	"context"
	"fmt"
	"time"

	"github.com/chaostracing/chaostracing/run"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// continuous is the state of the continuous hypothesis span, under
// Control.mu. It opens at the first iteration and closes once the method
// has ended and no iteration is running, so that it contains them all.
type continuous struct {
	n          *node
	inflight   int  // iterations started and not yet ended
	closing    bool // the method has ended
	iterations int
	deviations int
	lastEnd    time.Time // end of the latest iteration
}

// beforeIteration starts the span of one continuous iteration, opening
// the continuous hypothesis span first if needed.
func (c *Control) beforeIteration(ctx context.Context, s run.Step) context.Context {
	c.mu.Lock()
	parent := c.cont.n
	if parent == nil {
		_, span := c.tracer.Start(ctx, spanHypothesis, trace.WithAttributes(keyHypothesisPhase.String(run.PhaseContinuous)))
		parent = &node{c: c, span: span}
		c.cont.n = parent
		c.link(parent)
	}
	c.cont.inflight++
	c.mu.Unlock()
	_, ctx = c.start(trace.ContextWithSpan(ctx, parent.span), keyHypothesis, spanHypothesis, trace.WithAttributes(
		keyHypothesisPhase.String(run.PhaseContinuous),
		keyHypothesisIteration.Int(s.Iteration),
	))
	return ctx
}

// afterIteration counts an ended iteration and closes the continuous span
// when the method is over and this was the last iteration running.
func (c *Control) afterIteration(met bool, at time.Time) {
	c.mu.Lock()
	c.cont.inflight--
	c.cont.iterations++
	if !met {
		c.cont.deviations++
	}
	c.cont.lastEnd = at
	done := c.cont.closing && c.cont.inflight <= 0
	c.mu.Unlock()
	if done {
		c.closeContinuous(at)
	}
}

// methodEnded closes the continuous span now unless an iteration is still
// running, in which case its end will.
func (c *Control) methodEnded(at time.Time) {
	c.mu.Lock()
	c.cont.closing = true
	done := c.cont.n != nil && c.cont.inflight <= 0
	c.mu.Unlock()
	if done {
		c.closeContinuous(at)
	}
}

// sweepContinuous closes the continuous hypothesis span if it is still
// open at the end of the run: at the end of its last iteration when the
// method's end was not seen (a control declared on the hypothesis only),
// else at the given time.
func (c *Control) sweepContinuous(at time.Time) {
	c.mu.Lock()
	if !c.cont.closing && c.cont.inflight <= 0 && !c.cont.lastEnd.IsZero() && c.cont.lastEnd.Before(at) {
		at = c.cont.lastEnd
	}
	c.mu.Unlock()
	c.closeContinuous(at)
}

// closeContinuous ends the continuous hypothesis span, if open, with the
// count of iterations and of those that deviated.
func (c *Control) closeContinuous(at time.Time) {
	c.mu.Lock()
	cont := c.cont
	c.mu.Unlock()
	if cont.n == nil || cont.n.ended.Load() {
		return
	}
	cont.n.span.SetAttributes(keyHypothesisIterations.Int(cont.iterations), keyHypothesisDeviations.Int(cont.deviations))
	if cont.deviations > 0 {
		cont.n.span.SetStatus(codes.Error, fmt.Sprintf("steady state hypothesis not met in %d of %d iterations", cont.deviations, cont.iterations))
	}
	c.finish(cont.n, at)
}
