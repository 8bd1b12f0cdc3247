package tracing

import (
	"context"
	"runtime"
	"time"

	"github.com/chaostracing/chaostracing/control"
	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/journal"
	"github.com/chaostracing/chaostracing/run"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// platform is chaostoolkit.platform.full: the journal's platform.
var platform = runtime.GOOS + "-" + runtime.GOARCH

// startRoot starts the experiment span, as the Python extension does at
// configuration time, so that controls declared below the experiment level
// have a trace to join too.
func (c *Control) startRoot(ctx context.Context, s control.Settings) {
	parent := ctx
	if !trace.SpanContextFromContext(ctx).IsValid() {
		parent = c.p.prop.Extract(ctx, envCarrier(c.env))
	}
	title := ""
	if s.Experiment != nil {
		title = experiment.PyStr(s.Scope.Substitute(s.Experiment.Title))
	}
	c.root, _ = c.start(parent, keyExperiment, spanExperiment, trace.WithAttributes(
		keyExperimentTitle.String(c.red.String(title)),
		keyPlatformFull.String(platform),
	))
}

// BeforeExperiment implements run.Hooks: the run carries the experiment
// span from here.
func (c *Control) BeforeExperiment(ctx context.Context, _ run.Step) context.Context {
	if c.off() || c.root == nil {
		return ctx
	}
	return context.WithValue(trace.ContextWithSpan(ctx, c.root.span), keyExperiment, c.root)
}

// AfterExperiment implements run.Hooks: it records the run's status and
// ends every span of the run.
func (c *Control) AfterExperiment(_ context.Context, _ run.Step, j *journal.Journal) {
	if c.off() || c.root == nil {
		return
	}
	now := time.Now()
	c.sweep(now)
	if j != nil {
		span := c.root.span
		if j.Status == journal.Interrupted {
			span.SetAttributes(keyExperimentInterrupted.Bool(true))
		}
		span.SetAttributes(keyExperimentStatus.String(j.Status), keyExperimentDeviated.Bool(j.Deviated))
		if msg := experimentError(j); msg != "" {
			span.SetStatus(codes.Error, msg)
		}
	}
	c.finish(c.root, now)
}

// experimentError describes a run that did not go well, or returns "".
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
