package cli

import (
	"context"

	"go.opentelemetry.io/otel/trace"

	"github.com/chaostracing/chaostracing/internal/redact"
	"github.com/chaostracing/chaostracing/journal"
	"github.com/chaostracing/chaostracing/notify"
	"github.com/chaostracing/chaostracing/run"
	"github.com/chaostracing/chaostracing/settings"
)

// notifier returns the Notifier of the settings' notifications, logging
// a warning for each entry it cannot use.
func (app *App) notifier(set *settings.Settings) *notify.Notifier {
	channels, warnings := notify.FromSettings(set)
	for _, w := range warnings {
		app.log.Warn("Notifications: " + w)
	}
	return notify.New(channels, notify.WithLogger(app.log))
}

// runNotes sends the events of a run: run-started when the run begins,
// then its outcome once the journal is written, each with the trace the
// controls started for the run, if any.
type runNotes struct {
	run.NopHooks
	n     *notify.Notifier
	trace trace.SpanContext
}

// BeforeExperiment implements run.Hooks: chained after the controls, it
// finds the run's experiment span in ctx.
func (h *runNotes) BeforeExperiment(ctx context.Context, s run.Step) context.Context {
	h.trace = trace.SpanContextFromContext(ctx)
	h.n.Send(notify.Event{Name: notify.RunStarted, Payload: redact.Document(s.Experiment.Doc), Trace: h.trace})
	return ctx
}

// finished sends run-completed or run-failed, then run-deviated when the
// run deviated, as the Python tool does.
func (h *runNotes) finished(j *journal.Journal) {
	name := notify.RunFailed
	if j.Status == journal.Completed {
		name = notify.RunCompleted
	}
	payload := j.Value()
	h.n.Send(notify.Event{Name: name, Payload: payload, Trace: h.trace})
	if j.Deviated {
		h.n.Send(notify.Event{Name: notify.RunDeviated, Payload: payload, Trace: h.trace})
	}
}
