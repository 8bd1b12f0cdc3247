package replay

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/chaostracing/chaostracing/journal"
	"github.com/chaostracing/chaostracing/tracing"
	"github.com/chaostracing/chaostracing/tracing/jaeger"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	//lint:ignore SA1019 the Zipkin exporter is deprecated upstream; the tracing control still offers it, so export does too
	"go.opentelemetry.io/otel/exporters/zipkin"
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
		t, err := newTarget(ctx, cfg, e.timeout)
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

// newTarget builds the network exporter cfg describes, as the tracing
// control does (tracing/exporters.go): same protocols, endpoints,
// headers and bounds. The tracing package does not export its builder,
// and its Setup cannot take an IDGenerator; keep the two in step.
func newTarget(ctx context.Context, cfg tracing.Config, timeout time.Duration) (target, error) {
	switch cfg.Exporter {
	case tracing.ExporterUnset, tracing.ExporterOTLP:
		if cfg.Protocol == tracing.ProtocolGRPC {
			return newOTLPGRPC(ctx, cfg, timeout)
		}
		return newOTLPHTTP(ctx, cfg, timeout)
	case tracing.ExporterJaeger:
		if strings.Contains(cfg.Endpoint, "://") {
			e, err := jaeger.NewHTTP(cfg.Endpoint, jaeger.WithHeaders(cfg.Headers))
			return target{e, cfg.Endpoint}, err
		}
		hp := cfg.Endpoint
		if hp == "" {
			hp = "localhost:6831"
		}
		e, err := jaeger.NewUDP(hp)
		return target{e, "udp://" + hp}, err
	case tracing.ExporterZipkin:
		opts := []zipkin.Option{zipkin.WithClient(&http.Client{Timeout: timeout})}
		if len(cfg.Headers) > 0 {
			opts = append(opts, zipkin.WithHeaders(cfg.Headers))
		}
		name := cfg.Endpoint
		if name == "" {
			name = "Zipkin"
		}
		e, err := zipkin.New(cfg.Endpoint, opts...)
		return target{e, name}, err
	case tracing.ExporterStdout:
		e, err := stdouttrace.New(stdouttrace.WithWriter(os.Stderr), stdouttrace.WithPrettyPrint())
		return target{e, "standard error"}, err
	}
	return target{}, fmt.Errorf("unknown exporter '%s' (use otlp, jaeger, zipkin, stdout or none)", cfg.Exporter)
}

var timeoutVars = []string{"OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT"}

func envSet(names ...string) bool {
	for _, n := range names {
		if os.Getenv(n) != "" {
			return true
		}
	}
	return false
}

func newOTLPHTTP(ctx context.Context, cfg tracing.Config, timeout time.Duration) (target, error) {
	opts := []otlptracehttp.Option{otlptracehttp.WithRetry(otlptracehttp.RetryConfig{
		Enabled: true, InitialInterval: 250 * time.Millisecond, MaxInterval: time.Second, MaxElapsedTime: timeout,
	})}
	if !envSet(timeoutVars...) {
		opts = append(opts, otlptracehttp.WithTimeout(timeout))
	}
	name := otlpEnvTarget("http://localhost:4318/v1/traces", "/v1/traces")
	if cfg.Endpoint != "" {
		if strings.Contains(cfg.Endpoint, "://") {
			name = withTracesPath(cfg.Endpoint)
			opts = append(opts, otlptracehttp.WithEndpointURL(name))
		} else {
			opts = append(opts, otlptracehttp.WithEndpoint(cfg.Endpoint))
			name = "https://" + cfg.Endpoint + "/v1/traces"
			if cfg.Insecure {
				opts = append(opts, otlptracehttp.WithInsecure())
				name = "http://" + cfg.Endpoint + "/v1/traces"
			}
		}
	}
	if len(cfg.Headers) > 0 {
		opts = append(opts, otlptracehttp.WithHeaders(cfg.Headers))
	}
	if cfg.Protocol == tracing.ProtocolHTTPJSON {
		opts = append(opts, otlptracehttp.WithEncoding(otlptracehttp.EncodingJSON))
	}
	e, err := otlptracehttp.New(ctx, opts...)
	return target{e, name}, err
}

func newOTLPGRPC(ctx context.Context, cfg tracing.Config, timeout time.Duration) (target, error) {
	opts := []otlptracegrpc.Option{otlptracegrpc.WithRetry(otlptracegrpc.RetryConfig{
		Enabled: true, InitialInterval: 250 * time.Millisecond, MaxInterval: time.Second, MaxElapsedTime: timeout,
	})}
	if !envSet(timeoutVars...) {
		opts = append(opts, otlptracegrpc.WithTimeout(timeout))
	}
	name := otlpEnvTarget("localhost:4317", "")
	if cfg.Endpoint != "" {
		name = cfg.Endpoint
		if strings.Contains(cfg.Endpoint, "://") {
			opts = append(opts, otlptracegrpc.WithEndpointURL(cfg.Endpoint))
		} else {
			opts = append(opts, otlptracegrpc.WithEndpoint(cfg.Endpoint))
			if cfg.Insecure {
				opts = append(opts, otlptracegrpc.WithInsecure())
			}
		}
	}
	if len(cfg.Headers) > 0 {
		opts = append(opts, otlptracegrpc.WithHeaders(cfg.Headers))
	}
	e, err := otlptracegrpc.New(ctx, opts...)
	return target{e, name}, err
}

func otlpEnvTarget(def, suffix string) string {
	if ep := os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"); ep != "" {
		return ep
	}
	if ep := os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT"); ep != "" {
		return strings.TrimRight(ep, "/") + suffix
	}
	return def
}

func withTracesPath(endpoint string) string {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Path != "" && u.Path != "/") {
		return endpoint
	}
	u.Path = "/v1/traces"
	return u.String()
}
