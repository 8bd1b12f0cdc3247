package tracing

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/chaostracing/chaostracing/tracing/jaeger"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	//lint:ignore SA1019 the Zipkin exporter is deprecated upstream (removal planned for 2027); docs/tracing.md recommends a Collector instead
	"go.opentelemetry.io/otel/exporters/zipkin"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// exporter is a span exporter with what the warning names it by, and a
// function releasing what its Shutdown does not.
type exporter struct {
	sdktrace.SpanExporter
	target string
	closer func()
}

// newExporter builds the exporter cfg describes (defaults filled in).
func newExporter(ctx context.Context, cfg Config) (exporter, error) {
	switch cfg.Exporter {
	case ExporterUnset, ExporterOTLP:
		if cfg.Protocol == ProtocolGRPC {
			return newOTLPGRPC(ctx, cfg)
		}
		return newOTLPHTTP(ctx, cfg)
	case ExporterJaeger:
		return newJaeger(cfg)
	case ExporterZipkin:
		return newZipkin(cfg)
	case ExporterStdout:
		e, err := stdouttrace.New(stdouttrace.WithWriter(os.Stderr), stdouttrace.WithPrettyPrint())
		return exporter{SpanExporter: e, target: "standard error"}, err
	}
	return exporter{}, fmt.Errorf("unknown exporter '%s' (use otlp, jaeger, zipkin, stdout or none)", cfg.Exporter)
}

// retryInterval is the first wait of the OTLP exporters' retries.
const retryInterval = 250 * time.Millisecond

// envSet reports whether any of the variables is set, for settings the
// exporters read themselves and that must not be overridden.
func envSet(names ...string) bool {
	for _, n := range names {
		if os.Getenv(n) != "" {
			return true
		}
	}
	return false
}

var timeoutVars = []string{"OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT"}

// newOTLPHTTP builds the OTLP/HTTP exporter. Its retries stop within the
// flush timeout, and so does each request unless OTEL_EXPORTER_OTLP_TIMEOUT
// says otherwise; the endpoint, headers, TLS files and the rest come from
// the OTEL_EXPORTER_OTLP_* variables unless cfg sets them.
func newOTLPHTTP(ctx context.Context, cfg Config) (exporter, error) {
	opts := []otlptracehttp.Option{otlptracehttp.WithRetry(otlptracehttp.RetryConfig{
		Enabled: true, InitialInterval: retryInterval, MaxInterval: time.Second, MaxElapsedTime: cfg.FlushTimeout,
	})}
	if !envSet(timeoutVars...) {
		opts = append(opts, otlptracehttp.WithTimeout(cfg.FlushTimeout))
	}
	target := otlpEnvTarget("http://localhost:4318/v1/traces", "/v1/traces")
	if cfg.Endpoint != "" {
		if isURL(cfg.Endpoint) {
			target = withTracesPath(cfg.Endpoint)
			opts = append(opts, otlptracehttp.WithEndpointURL(target))
		} else {
			opts = append(opts, otlptracehttp.WithEndpoint(cfg.Endpoint))
			if cfg.Insecure {
				opts = append(opts, otlptracehttp.WithInsecure())
				target = "http://" + cfg.Endpoint + "/v1/traces"
			} else {
				target = "https://" + cfg.Endpoint + "/v1/traces"
			}
		}
	}
	if len(cfg.Headers) > 0 {
		opts = append(opts, otlptracehttp.WithHeaders(cfg.Headers))
	}
	if cfg.Protocol == ProtocolHTTPJSON {
		opts = append(opts, otlptracehttp.WithEncoding(otlptracehttp.EncodingJSON))
	}
	e, err := otlptracehttp.New(ctx, opts...)
	return exporter{SpanExporter: e, target: target}, err
}

// newOTLPGRPC builds the OTLP/gRPC exporter, bounded as newOTLPHTTP's. An
// http:// endpoint is sent without TLS.
func newOTLPGRPC(ctx context.Context, cfg Config) (exporter, error) {
	opts := []otlptracegrpc.Option{otlptracegrpc.WithRetry(otlptracegrpc.RetryConfig{
		Enabled: true, InitialInterval: retryInterval, MaxInterval: time.Second, MaxElapsedTime: cfg.FlushTimeout,
	})}
	if !envSet(timeoutVars...) {
		opts = append(opts, otlptracegrpc.WithTimeout(cfg.FlushTimeout))
	}
	target := otlpEnvTarget("localhost:4317", "")
	if cfg.Endpoint != "" {
		target = cfg.Endpoint
		if isURL(cfg.Endpoint) {
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
	return exporter{SpanExporter: e, target: target}, err
}

// otlpEnvTarget names the endpoint an OTLP exporter reads from the
// environment, for messages: the traces endpoint as is, the generic one
// with suffix appended, else def.
func otlpEnvTarget(def, suffix string) string {
	if ep := os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"); ep != "" {
		return ep
	}
	if ep := os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT"); ep != "" {
		return strings.TrimRight(ep, "/") + suffix
	}
	return def
}

// isURL reports whether an endpoint has a scheme.
func isURL(endpoint string) bool {
	return strings.Contains(endpoint, "://")
}

// withTracesPath adds the OTLP/HTTP traces path to a URL that has no
// path: the Go exporter sends to a URL's path as is, and the Python
// control's users wrote collector endpoints both ways.
func withTracesPath(endpoint string) string {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Path != "" && u.Path != "/") {
		return endpoint
	}
	u.Path = "/v1/traces"
	return u.String()
}

// newJaeger builds the Jaeger thrift exporter: HTTP for an http(s)
// endpoint, else UDP to host:port (localhost:6831 by default).
func newJaeger(cfg Config) (exporter, error) {
	if isURL(cfg.Endpoint) {
		e, err := jaeger.NewHTTP(cfg.Endpoint, jaeger.WithHeaders(cfg.Headers))
		return exporter{SpanExporter: e, target: cfg.Endpoint}, err
	}
	hp := cfg.Endpoint
	if hp == "" {
		hp = "localhost:6831"
	}
	e, err := jaeger.NewUDP(hp)
	return exporter{SpanExporter: e, target: "udp://" + hp}, err
}

// newZipkin builds the Zipkin exporter, with its own HTTP client so that
// its connections close at shutdown.
func newZipkin(cfg Config) (exporter, error) {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	client := &http.Client{Transport: transport, Timeout: cfg.FlushTimeout}
	opts := []zipkin.Option{zipkin.WithClient(client)}
	if len(cfg.Headers) > 0 {
		opts = append(opts, zipkin.WithHeaders(cfg.Headers))
	}
	target := cfg.Endpoint
	if target == "" {
		target = orDefault(os.Getenv("OTEL_EXPORTER_ZIPKIN_ENDPOINT"), "http://localhost:9411/api/v2/spans")
	}
	e, err := zipkin.New(cfg.Endpoint, opts...)
	return exporter{SpanExporter: e, target: target, closer: transport.CloseIdleConnections}, err
}

// NewSpanExporter builds the network exporter cfg describes, as a run's
// tracing would (protocols, endpoints, headers, and every export with its
// retries bounded by the flush timeout), for programs that drive their
// own tracer provider, such as `chaostracing export`. It also returns the
// name warnings give the destination.
func NewSpanExporter(ctx context.Context, cfg Config) (sdktrace.SpanExporter, string, error) {
	e, err := newExporter(ctx, cfg.withDefaults())
	if err != nil {
		return nil, "", err
	}
	if e.closer == nil {
		return e.SpanExporter, e.target, nil
	}
	return closingExporter{e.SpanExporter, e.closer}, e.target, nil
}

// closingExporter releases what its exporter's Shutdown does not.
type closingExporter struct {
	sdktrace.SpanExporter
	closer func()
}

func (c closingExporter) Shutdown(ctx context.Context) error {
	err := c.SpanExporter.Shutdown(ctx)
	c.closer()
	return err
}
