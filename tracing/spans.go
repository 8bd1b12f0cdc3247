package tracing

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/chaostracing/chaostracing/journal"
	"go.opentelemetry.io/otel/trace"
)

// node is one span of a run, as the Control keeps it and as contexts carry
// it. Its span is ended exactly once, whichever of the after hook, the end
// of the experiment or the cleanup gets there first.
type node struct {
	c     *Control
	span  trace.Span
	ended atomic.Bool

	// probe marks a hypothesis probe: its span ends once the tolerance
	// verdict is known (see Control.settle).
	probe bool
	// checkedAt is when the after pause of an activity began, right after
	// its tolerance check; guarded by Control.mu.
	checkedAt time.Time
	// doneAt is when a probe's activity ended while its span waits for the
	// verdict; guarded by Control.mu.
	doneAt time.Time

	// prev and next link the open nodes of the Control; guarded by
	// Control.mu.
	prev, next *node
}

// start begins a span as a child of ctx's current span and returns the
// node and a context holding it under key k.
func (c *Control) start(ctx context.Context, k ctxKey, name string, opts ...trace.SpanStartOption) (*node, context.Context) {
	ctx, span := c.tracer.Start(ctx, name, opts...)
	n := &node{c: c, span: span}
	c.mu.Lock()
	c.link(n)
	c.mu.Unlock()
	return n, context.WithValue(ctx, k, n)
}

// link adds n to the open nodes; c.mu must be held.
func (c *Control) link(n *node) {
	n.next = c.open
	if c.open != nil {
		c.open.prev = n
	}
	c.open = n
}

// unlink removes n from the open nodes; c.mu must be held.
func (c *Control) unlink(n *node) {
	if n.prev != nil {
		n.prev.next = n.next
	} else if c.open == n {
		c.open = n.next
	}
	if n.next != nil {
		n.next.prev = n.prev
	}
	n.prev, n.next = nil, nil
}

// own returns the node of level k in ctx when this Control made it and it
// is still open. A control whose before hook did not run for the step
// (scope "after") finds none and leaves the step alone.
func (c *Control) own(ctx context.Context, k ctxKey) *node {
	n, ok := ctx.Value(k).(*node)
	if !ok || n.c != c || n.ended.Load() {
		return nil
	}
	return n
}

// withRoot makes sure ctx holds the experiment span, for controls that
// did not get BeforeExperiment (declared on the hypothesis or an activity
// only), so that their spans join the run's trace.
func (c *Control) withRoot(ctx context.Context) context.Context {
	if c.root == nil {
		return ctx
	}
	if _, ok := ctx.Value(keyExperiment).(*node); ok {
		return ctx
	}
	ctx = context.WithValue(ctx, keyExperiment, c.root)
	if !trace.SpanContextFromContext(ctx).IsValid() {
		ctx = trace.ContextWithSpan(ctx, c.root.span)
	}
	return ctx
}

// finish ends n's span at the given time, once.
func (c *Control) finish(n *node, at time.Time) {
	if !n.ended.CompareAndSwap(false, true) {
		return
	}
	n.span.End(trace.WithTimestamp(at))
	c.forget(n, at)
}

// finishNow ends n's span now, once.
func (c *Control) finishNow(n *node) {
	if !n.ended.CompareAndSwap(false, true) {
		return
	}
	n.span.End()
	c.forget(n, time.Now())
}

// forget drops an ended node from the open ones.
func (c *Control) forget(n *node, at time.Time) {
	c.mu.Lock()
	c.unlink(n)
	c.mu.Unlock()
	c.noteEnd(at)
}

// noteEnd records the latest end time of a span of the run.
func (c *Control) noteEnd(at time.Time) {
	ns := at.UnixNano()
	for {
		last := c.lastEnd.Load()
		if ns <= last || c.lastEnd.CompareAndSwap(last, ns) {
			return
		}
	}
}

// lastEndOr returns the latest end time of a span of the run, or def when
// none ended yet.
func (c *Control) lastEndOr(def time.Time) time.Time {
	if ns := c.lastEnd.Load(); ns > 0 {
		return time.Unix(0, ns)
	}
	return def
}

// sweep ends every span still open except the experiment's: probes waiting
// for a verdict that will not come end at their own end, the continuous
// hypothesis at the end of its last iteration, the others at the given
// time (spans whose after hook this control does not get, or that an
// interruption left open).
func (c *Control) sweep(at time.Time) {
	c.mu.Lock()
	pending := make([]*node, 0, len(c.pending))
	for rec, n := range c.pending {
		pending = append(pending, n)
		delete(c.pending, rec)
	}
	c.mu.Unlock()
	for _, n := range pending {
		c.finish(n, c.doneAt(n))
	}
	c.sweepContinuous(at)
	c.mu.Lock()
	var rest []*node
	for n := c.open; n != nil; n = n.next {
		if n != c.root {
			rest = append(rest, n)
		}
	}
	c.mu.Unlock()
	for _, n := range rest {
		c.finish(n, notBeforeStart(n, at))
	}
}

// notBeforeStart returns at, or n's start time when at is earlier (a span
// left open that started after the last span ended).
func notBeforeStart(n *node, at time.Time) time.Time {
	if s, ok := n.span.(interface{ StartTime() time.Time }); ok && at.Before(s.StartTime()) {
		return s.StartTime()
	}
	return at
}

// doneAt reads a probe's end time under the lock.
func (c *Control) doneAt(n *node) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return n.doneAt
}

// park keeps a hypothesis probe's span open until its verdict is known.
func (c *Control) park(rec *journal.Record, n *node, at time.Time) {
	c.mu.Lock()
	n.doneAt = at
	c.pending[rec] = n
	c.mu.Unlock()
}
