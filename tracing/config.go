package tracing

import (
	"log/slog"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// Exporters, the values of Config.Exporter.
const (
	// ExporterUnset means nothing was configured: no tracing_provider,
	// exporter, OTEL_TRACES_EXPORTER or OTLP endpoint. Setup then uses
	// DefaultExporter.
	ExporterUnset = ""
	// ExporterOTLP sends OTLP over gRPC or HTTP (Config.Protocol).
	ExporterOTLP = "otlp"
	// ExporterJaeger sends Jaeger thrift: compact over UDP to a host:port
	// endpoint (an agent, or a Collector's jaeger receiver), or binary
	// over HTTP to an http(s) endpoint such as
	// http://localhost:14268/api/traces.
	ExporterJaeger = "jaeger"
	// ExporterZipkin sends Zipkin v2 JSON over HTTP.
	ExporterZipkin = "zipkin"
	// ExporterStdout writes the spans to standard error, indented JSON.
	ExporterStdout = "stdout"
	// ExporterNone turns tracing off.
	ExporterNone = "none"
)

// OTLP protocols, the values of Config.Protocol, named as
// OTEL_EXPORTER_OTLP_PROTOCOL names them.
const (
	ProtocolGRPC         = "grpc"
	ProtocolHTTPProtobuf = "http/protobuf"
	ProtocolHTTPJSON     = "http/json"
)

// Defaults.
const (
	// DefaultExporter is what Setup uses when Config.Exporter is
	// ExporterUnset: OTLP to the SDK's default endpoint (or the
	// OTEL_EXPORTER_OTLP_* environment), as the Python chaostracing.oltp
	// extension does.
	DefaultExporter = ExporterOTLP
	// DefaultProtocol is the OTLP protocol unless OTEL_EXPORTER_OTLP_PROTOCOL
	// says otherwise: HTTP, like the Python extension.
	DefaultProtocol = ProtocolHTTPProtobuf
	// DefaultServiceName is the service.name of the spans unless
	// OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES set one.
	DefaultServiceName = "chaostoolkit"
	// DefaultFlushTimeout bounds what tracing may add to the end of a run.
	DefaultFlushTimeout = 5 * time.Second
	// DefaultMaxQueueSize is the batch span processor's queue, unless
	// OTEL_BSP_MAX_QUEUE_SIZE says otherwise: room for thousands of
	// activities between two exports.
	DefaultMaxQueueSize = 8192
)

// Config says where and how the spans of a run go. It is a plain value:
// ConfigFrom reads one from a control's arguments, the experiment's
// configuration and the environment; a program can also fill one in and
// call Setup itself. The zero value exports OTLP over HTTP to the SDK's
// default endpoint (DefaultExporter), honouring the OTEL_* environment.
type Config struct {
	// Exporter is one of the Exporter constants; ExporterUnset when
	// nothing was configured.
	Exporter string
	// Protocol is the OTLP protocol (ProtocolGRPC, ProtocolHTTPProtobuf
	// or ProtocolHTTPJSON); "" is DefaultProtocol. Other exporters ignore
	// it.
	Protocol string
	// Endpoint is where spans go; "" leaves it to the exporter's own
	// environment variables and defaults. OTLP: a URL (an HTTP URL without
	// a path gets /v1/traces) or host:port. Jaeger: host:port for UDP, an
	// http(s) URL for HTTP. Zipkin: the collector URL.
	Endpoint string
	// Headers are added to every export request (OTLP, Zipkin, Jaeger
	// over HTTP), replacing OTEL_EXPORTER_OTLP_HEADERS when not empty.
	Headers map[string]string
	// Insecure sends OTLP without TLS to a host:port endpoint; a URL's
	// scheme decides on its own.
	Insecure bool
	// Propagators are the propagation formats, by OTEL_PROPAGATORS name:
	// tracecontext, baggage, b3 (single and multiple headers), b3multi,
	// jaeger, xray, ottrace, none. Baggage is always added unless none is
	// given; empty means tracecontext and baggage.
	Propagators []string
	// ServiceName is the default service.name; "" is DefaultServiceName.
	// OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES take precedence.
	ServiceName string
	// FlushTimeout bounds the final flush and shutdown, and every single
	// export with its retries; 0 is DefaultFlushTimeout.
	FlushTimeout time.Duration
	// OutputMax caps chaostoolkit.activity.output in bytes; 0 is
	// DefaultOutputMax, negative leaves outputs out of the spans.
	OutputMax int
	// SpanExporter, when set, receives the spans instead of the exporter
	// the fields above describe (an in-memory exporter in tests, a custom
	// one in a program embedding chaostracing).
	SpanExporter sdktrace.SpanExporter
	// Log receives the warning of an export that failed; nil discards.
	Log *slog.Logger
	// File, when set, is a local file the trace is also written to, in
	// the OTLP/JSON file format. With Exporter unset it is the only
	// destination, so a run with nothing configured keeps its trace
	// without touching the network.
	File string
}

// withDefaults fills in the defaults of the fields that have one.
// exportsOut reports whether spans go to an exporter: one is injected or
// configured, or none is and there is no local file to keep them instead
// (then the default exporter applies).
func (c Config) exportsOut() bool {
	switch {
	case c.SpanExporter != nil:
		return true
	case c.Exporter == ExporterNone:
		return false
	case c.Exporter == ExporterUnset:
		return c.File == ""
	}
	return true
}

func (c Config) withDefaults() Config {
	if c.Protocol == "" {
		c.Protocol = DefaultProtocol
	}
	if c.ServiceName == "" {
		c.ServiceName = DefaultServiceName
	}
	if c.FlushTimeout <= 0 {
		c.FlushTimeout = DefaultFlushTimeout
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	return c
}
