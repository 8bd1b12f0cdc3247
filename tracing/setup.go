package tracing

import (
	"context"
	"sync"

	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// Provider is the tracing of one run: a tracer provider whose batch span
// processor exports through the configured exporter, installed as the
// global tracer provider and propagator until Shutdown. A Provider set up
// with the none exporter is disabled: its tracer is a no-op one and it
// changes no global.
type Provider struct {
	cfg    Config
	file   *FileExporter // the local trace file, when configured
	tp     *sdktrace.TracerProvider
	tracer trace.Tracer
	prop   *propagator
	guard  *guard
	report *reporter

	prevTP   trace.TracerProvider
	prevProp propagation.TextMapPropagator

	once sync.Once
}

// Setup builds the tracer provider cfg describes and installs it, with
// its propagator, as OpenTelemetry's globals, which the providers inject
// trace context with and Go-native functions may start spans from. The
// sampler (OTEL_TRACES_SAMPLER, default parentbased_always_on), span
// limits (OTEL_SPAN_*_LIMIT), batch settings (OTEL_BSP_*) and resource
// (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES) follow the environment.
// Call Shutdown when the run is over.
func Setup(ctx context.Context, cfg Config) (*Provider, error) {
	cfg = cfg.withDefaults()
	p := &Provider{cfg: cfg, tracer: noopTracer}
	network := cfg.exportsOut()
	if !network && cfg.File == "" {
		return p, nil
	}
	prop, err := newPropagator(cfg.Propagators)
	if err != nil {
		return nil, err
	}
	var processors []sdktrace.TracerProviderOption
	if cfg.File != "" {
		if p.file, err = NewFileExporter(cfg.File); err != nil {
			return nil, err
		}
		processors = append(processors, sdktrace.WithBatcher(p.file, batchOptions(cfg)...))
	}
	exp := exporter{target: cfg.File}
	if network {
		exp = exporter{SpanExporter: cfg.SpanExporter, target: "the configured exporter"}
		if cfg.SpanExporter == nil {
			if exp, err = newExporter(ctx, cfg); err != nil {
				return nil, err
			}
		}
	}
	p.report = newReporter(cfg.Log, exp.target, cfg.FlushTimeout)
	if network {
		p.guard = newGuard(exp.SpanExporter, p.report, exp.closer)
		processors = append(processors, sdktrace.WithBatcher(p.guard, batchOptions(cfg)...))
	}
	// From here OpenTelemetry's errors (a malformed OTEL_RESOURCE_ATTRIBUTES
	// is reported while the tracer provider is made) go to p's reporter.
	activate(p)
	res, _ := resource.New(ctx,
		resource.WithAttributes(keyServiceName.String(cfg.ServiceName)),
		resource.WithFromEnv(),
		resource.WithTelemetrySDK(),
	)
	if res == nil {
		res = resource.NewSchemaless(keyServiceName.String(cfg.ServiceName))
	}
	p.prop = prop
	p.tp = sdktrace.NewTracerProvider(append(processors, sdktrace.WithResource(res))...)
	p.tracer = p.tp.Tracer(TracerName)
	install(p)
	return p, nil
}

// batchOptions sizes the batch span processor for long runs and bounds
// each export by the flush timeout, unless OTEL_BSP_* say otherwise.
func batchOptions(cfg Config) []sdktrace.BatchSpanProcessorOption {
	var opts []sdktrace.BatchSpanProcessorOption
	if !envSet("OTEL_BSP_MAX_QUEUE_SIZE") {
		opts = append(opts, sdktrace.WithMaxQueueSize(DefaultMaxQueueSize))
	}
	if !envSet("OTEL_BSP_EXPORT_TIMEOUT") {
		opts = append(opts, sdktrace.WithExportTimeout(cfg.FlushTimeout))
	}
	return opts
}

// Enabled reports whether the provider records spans.
func (p *Provider) Enabled() bool { return p != nil && p.tp != nil }

// Tracer returns the provider's tracer, named TracerName (a no-op tracer
// when the provider is disabled).
func (p *Provider) Tracer() trace.Tracer {
	if p == nil || p.tracer == nil {
		return noopTracer
	}
	return p.tracer
}

// Shutdown flushes the spans and shuts the provider down, within the
// flush timeout and ctx's deadline, whichever comes first: exports still
// in flight then are abandoned. A collector that is down, answers errors
// or never answers costs one warning on the configured logger, never
// more time. It restores the global tracer provider and propagator that
// Setup replaced. Later calls do nothing.
func (p *Provider) Shutdown(ctx context.Context) error {
	if !p.Enabled() {
		return nil
	}
	p.once.Do(func() {
		fctx, cancel := context.WithTimeout(ctx, p.cfg.FlushTimeout)
		defer cancel()
		_ = p.tp.ForceFlush(fctx)
		if fctx.Err() == nil {
			_ = p.tp.Shutdown(fctx)
		}
		if fctx.Err() != nil && p.guard != nil {
			p.guard.abort()
			gctx, gcancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
			_ = p.tp.Shutdown(gctx)
			gcancel()
			p.report.timedOut(p.guard.lastError())
		}
		uninstall(p)
	})
	return nil
}
