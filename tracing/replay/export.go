package replay

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/chaostracing/chaostracing/journal"
	"github.com/chaostracing/chaostracing/tracing"
	"go.opentelemetry.io/otel/attribute"

	//lint:ignore SA1019 the Zipkin exporter is deprecated upstream; the tracing control still offers it, so export does too

	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// Exporter replays journals and sends their spans through the exporters
// a tracing.Config describes: the network exporter, the local trace file
// (Config.File), or both. Each Export sends one journal's spans in one
// batch and waits for the answer, within the flush timeout.
type Exporter struct {
	tp      *sdktrace.TracerProvider
	rec     *recorder
	targets []target
	timeout time.Duration
	max     int
}

// target is one destination of the spans, with the name errors give it.
type target struct {
	exp  sdktrace.SpanExporter
	name string
}

// NewExporter builds the exporters cfg describes (with Exporter unset
// and no File: OTLP to the environment's or the default endpoint, as a
// run does; ExporterNone: none, spans are only counted). The spans carry
// the resource a run's spans carry (service.name, OTEL_RESOURCE_ATTRIBUTES)
// and are all sampled.
func NewExporter(ctx context.Context, cfg tracing.Config) (*Exporter, error) {
	e := &Exporter{rec: &recorder{}, timeout: cfg.FlushTimeout, max: cfg.OutputMax}
	if e.timeout <= 0 {
		e.timeout = tracing.DefaultFlushTimeout
	}
	if cfg.File != "" {
		f, err := tracing.NewFileExporter(cfg.File)
		if err != nil {
			return nil, err
		}
		e.targets = append(e.targets, target{f, cfg.File})
	}
	switch {
	case cfg.SpanExporter != nil:
		e.targets = append(e.targets, target{cfg.SpanExporter, "the configured exporter"})
	case cfg.Exporter == tracing.ExporterNone, cfg.Exporter == tracing.ExporterUnset && cfg.File != "":
	default:
		t, err := newTarget(ctx, cfg)
		if err != nil {
			_ = e.Shutdown(ctx)
			return nil, err
		}
		e.targets = append(e.targets, t)
	}
	service := cfg.ServiceName
	if service == "" {
		service = tracing.DefaultServiceName
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
		sdktrace.WithIDGenerator(IDGenerator{}),
		sdktrace.WithSampler(sdktrace.AlwaysSample()),
		sdktrace.WithResource(res),
		sdktrace.WithSpanProcessor(e.rec),
	)
	return e, nil
}

// Targets names where the spans go.
func (e *Exporter) Targets() []string {
	names := make([]string, len(e.targets))
	for i, t := range e.targets {
		names[i] = t.name
	}
	return names
}

// Export replays j and sends its spans, waiting for every destination
// within the flush timeout and ctx's deadline. redact, when not nil,
// replaces secrets (see Options.Redact).
func (e *Exporter) Export(ctx context.Context, j *journal.Journal, redact func(string) string) (Result, error) {
	res := Spans(ctx, j, e.tp.Tracer(tracing.TracerName), Options{OutputMax: e.max, Redact: redact})
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
func (e *Exporter) Shutdown(ctx context.Context) error {
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

// recorder is a span processor that keeps the ended spans.
type recorder struct {
	mu    sync.Mutex
	spans []sdktrace.ReadOnlySpan
}

func (r *recorder) OnStart(context.Context, sdktrace.ReadWriteSpan) {}
func (r *recorder) OnEnd(s sdktrace.ReadOnlySpan) {
	r.mu.Lock()
	r.spans = append(r.spans, s)
	r.mu.Unlock()
}
func (r *recorder) Shutdown(context.Context) error   { return nil }
func (r *recorder) ForceFlush(context.Context) error { return nil }

func (r *recorder) take() []sdktrace.ReadOnlySpan {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.spans
	r.spans = nil
	return s
}

// newTarget builds the network exporter as a run's tracing does.
func newTarget(ctx context.Context, cfg tracing.Config) (target, error) {
	exp, name, err := tracing.NewSpanExporter(ctx, cfg)
	return target{exp, name}, err
}
