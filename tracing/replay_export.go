package tracing

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/chaostracing/chaostracing/journal"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// Replayer replays journals and sends their spans through the exporters
// a Config describes: the network exporter, the local trace file
// (Config.File), or both. Each Export sends one journal's spans in one
// batch and waits for the answer, within the flush timeout.
type Replayer struct {
	tp      *sdktrace.TracerProvider
	rec     *replayRecorder
	targets []replayTarget
	timeout time.Duration
	max     int
}

// replayTarget is one destination of the spans, with the name errors give it.
type replayTarget struct {
	exp  sdktrace.SpanExporter
	name string
}

// NewReplayer builds the exporters cfg describes (with Replayer unset
// and no File: OTLP to the environment's or the default endpoint, as a
// run does; ExporterNone: none, spans are only counted). The spans carry
// the resource a run's spans carry (service.name, OTEL_RESOURCE_ATTRIBUTES)
// and are all sampled.
func NewReplayer(ctx context.Context, cfg Config) (*Replayer, error) {
	e := &Replayer{rec: &replayRecorder{}, timeout: cfg.FlushTimeout, max: cfg.OutputMax}
	if e.timeout <= 0 {
		e.timeout = DefaultFlushTimeout
	}
	if cfg.File != "" {
		f, err := NewFileExporter(cfg.File)
		if err != nil {
			return nil, err
		}
		e.targets = append(e.targets, replayTarget{f, cfg.File})
	}
	switch {
	case cfg.SpanExporter != nil:
		e.targets = append(e.targets, replayTarget{cfg.SpanExporter, "the configured exporter"})
	case cfg.Exporter == ExporterNone, cfg.Exporter == ExporterUnset && cfg.File != "":
	default:
		t, err := newReplayTarget(ctx, cfg)
		if err != nil {
			_ = e.Shutdown(ctx)
			return nil, err
		}
		e.targets = append(e.targets, t)
	}
	service := cfg.ServiceName
	if service == "" {
		service = DefaultServiceName
	}
	res, _ := resource.New(ctx,
		resource.WithAttributes(attribute.String("service.name", service)),
		resource.WithFromEnv(),
		resource.WithTelemetrySDK(),
	)
	if res == nil {
		res = resource.NewSchemaless(attribute.String("service.name", service))
	}
	e.tp = sdktrace.NewTracerProvider(
		sdktrace.WithIDGenerator(ReplayIDGenerator{}),
		sdktrace.WithSampler(sdktrace.AlwaysSample()),
		sdktrace.WithResource(res),
		sdktrace.WithSpanProcessor(e.rec),
	)
	return e, nil
}

// Targets names where the spans go.
func (e *Replayer) Targets() []string {
	names := make([]string, len(e.targets))
	for i, t := range e.targets {
		names[i] = t.name
	}
	return names
}

// Export replays j and sends its spans, waiting for every destination
// within the flush timeout and ctx's deadline. redact, when not nil,
// replaces secrets (see Options.Redact).
func (e *Replayer) Export(ctx context.Context, j *journal.Journal, redact func(string) string) (ReplayResult, error) {
	res := ReplaySpans(ctx, j, e.tp.Tracer(TracerName), ReplayOptions{OutputMax: e.max, Redact: redact})
	spans := e.rec.take()
	ctx, cancel := context.WithTimeout(ctx, e.timeout)
	defer cancel()
	var errs []error
	for _, t := range e.targets {
		if err := t.exp.ExportSpans(ctx, spans); err != nil {
			errs = append(errs, fmt.Errorf("cannot export to %s: %w", t.name, err))
		}
	}
	return res, errors.Join(errs...)
}

// Shutdown releases the exporters (and closes the trace file), within
// the flush timeout and ctx's deadline.
func (e *Replayer) Shutdown(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, e.timeout)
	defer cancel()
	var errs []error
	if e.tp != nil {
		errs = append(errs, e.tp.Shutdown(ctx))
	}
	for _, t := range e.targets {
		errs = append(errs, t.exp.Shutdown(ctx))
	}
	return errors.Join(errs...)
}

// replayRecorder is a span processor that keeps the ended spans.
type replayRecorder struct {
	mu    sync.Mutex
	spans []sdktrace.ReadOnlySpan
}

func (r *replayRecorder) OnStart(context.Context, sdktrace.ReadWriteSpan) {}
func (r *replayRecorder) OnEnd(s sdktrace.ReadOnlySpan) {
	r.mu.Lock()
	r.spans = append(r.spans, s)
	r.mu.Unlock()
}
func (r *replayRecorder) Shutdown(context.Context) error   { return nil }
func (r *replayRecorder) ForceFlush(context.Context) error { return nil }

func (r *replayRecorder) take() []sdktrace.ReadOnlySpan {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.spans
	r.spans = nil
	return s
}

// newReplayTarget builds the network exporter as a run's tracing does.
func newReplayTarget(ctx context.Context, cfg Config) (replayTarget, error) {
	exp, name, err := NewSpanExporter(ctx, cfg)
	return replayTarget{exp, name}, err
}
