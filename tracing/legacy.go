package tracing

import (
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/chaostracing/chaostracing/control"
)

// Jaeger ports: what a Jaeger v1 agent and collector, Jaeger v2 and the
// OpenTelemetry Collector listen on.
const (
	portAgentCompact = 6831  // thrift compact over UDP
	portAgentBinary  = 6832  // thrift binary over UDP
	portJaegerGRPC   = 14250 // Jaeger's own gRPC model, not supported
	portJaegerHTTP   = 14268 // thrift binary over HTTP
	portOTLPGRPC     = 4317
	portOTLPHTTP     = 4318
	portZipkin       = 9411
)

// jaeger follows the legacy "tracing_provider: jaeger" with tracing_host
// (localhost) and tracing_port (6831), by port: the agent's UDP ports
// send thrift compact, 14268 thrift over HTTP, the OTLP ports OTLP (what
// Jaeger v2 receives natively), 9411 Zipkin; any other port is taken as
// an agent's UDP port, as the Python control did.
func (r *reader) jaeger(cfg *Config) {
	host, ok := r.string(setHost)
	if !ok {
		host = "localhost"
	}
	port, ok := r.int(setPort)
	if !ok {
		port = portAgentCompact
	}
	hp := joinHostPort(host, port)
	switch port {
	case portJaegerHTTP:
		cfg.Exporter, cfg.Endpoint = ExporterJaeger, "http://"+hp+"/api/traces"
	case portOTLPGRPC:
		cfg.Exporter, cfg.Protocol, cfg.Endpoint = ExporterOTLP, ProtocolGRPC, "http://"+hp
	case portOTLPHTTP:
		cfg.Exporter, cfg.Protocol, cfg.Endpoint = ExporterOTLP, ProtocolHTTPProtobuf, "http://"+hp+"/v1/traces"
	case portJaegerGRPC:
		hp = joinHostPort(host, portOTLPGRPC)
		r.warnf("port %d is Jaeger's gRPC protocol, which is not supported: sending OTLP over gRPC to %s instead (Jaeger v2 and the OpenTelemetry Collector receive OTLP)", portJaegerGRPC, hp)
		cfg.Exporter, cfg.Protocol, cfg.Endpoint = ExporterOTLP, ProtocolGRPC, "http://"+hp
	case portZipkin:
		cfg.Exporter, cfg.Endpoint = ExporterZipkin, "http://"+hp+"/api/v2/spans"
	default:
		if port == portAgentBinary {
			r.warnf("port %d expects thrift binary, but spans are sent in thrift compact: use port %d", portAgentBinary, portAgentCompact)
		}
		cfg.Exporter, cfg.Endpoint = ExporterJaeger, hp
	}
}

// fromOpenTelemetry follows the legacy "tracing_provider: opentelemetry"
// and its exporter setting, spelled as the Python control spells it
// ("oltp-grpc", "oltp-http"; the "otlp" spellings are accepted too).
// jaeger-grpc becomes OTLP over gRPC on port 4317; no exporter means
// OTLP with the protocol of the environment.
func (r *reader) fromOpenTelemetry(cfg *Config, name string) {
	endpoint, hasEndpoint := r.string(setEndpoint)
	switch strings.ToLower(name) {
	case "oltp-grpc", "otlp-grpc":
		cfg.Exporter, cfg.Protocol, cfg.Endpoint = ExporterOTLP, ProtocolGRPC, endpoint
		if !hasEndpoint && r.getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") == "" && r.getenv("OTEL_EXPORTER_OTLP_ENDPOINT") == "" {
			cfg.Endpoint = "http://localhost:4317" // the Python control's default
		}
	case "oltp-http", "otlp-http":
		cfg.Exporter, cfg.Protocol, cfg.Endpoint = ExporterOTLP, ProtocolHTTPProtobuf, endpoint
	case "":
		cfg.Exporter, cfg.Protocol, cfg.Endpoint = ExporterOTLP, r.envProtocol(), endpoint
	case "jaeger-thrift":
		r.jaeger(cfg)
	case "jaeger-grpc":
		to := "http://localhost:4317"
		if hasEndpoint {
			to = otlpForJaegerGRPC(endpoint)
		}
		r.warnf("exporter jaeger-grpc is not supported: sending OTLP over gRPC to %s instead (Jaeger v2 and the OpenTelemetry Collector receive OTLP)", to)
		cfg.Exporter, cfg.Protocol, cfg.Endpoint = ExporterOTLP, ProtocolGRPC, to
	default:
		r.failf("unknown opentelemetry exporter '%s' (use oltp-http, oltp-grpc, jaeger-thrift or jaeger-grpc)", name)
	}
}

// otlpForJaegerGRPC turns a Jaeger gRPC collector endpoint into the OTLP
// gRPC endpoint of the same host: port 14250 (or none) becomes 4317.
func otlpForJaegerGRPC(endpoint string) string {
	scheme, hostport := "", endpoint
	if u, err := url.Parse(endpoint); err == nil && u.Host != "" && u.Scheme != "" {
		scheme, hostport = u.Scheme+"://", u.Host
	}
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		host, port = hostport, ""
	}
	if port == "" || port == strconv.Itoa(portJaegerGRPC) {
		port = strconv.Itoa(portOTLPGRPC)
	}
	return scheme + net.JoinHostPort(host, port)
}

// joinHostPort joins a host and a port, bracketing IPv6 addresses.
func joinHostPort(host string, port int64) string {
	return net.JoinHostPort(host, strconv.FormatInt(port, 10))
}

// moduleWarnings are the warnings about settings of the Python
// chaostracing.oltp extension that have no equivalent here.
func moduleWarnings(s control.Settings, getenv func(string) string) []string {
	if s.Declaration == nil || s.Declaration.Module() != "chaostracing.oltp" {
		return nil
	}
	vendor := s.Scope.Configuration.String("otel_vendor")
	if vendor == "" {
		vendor = getenv("OTEL_VENDOR")
	}
	if vendor == "" {
		return nil
	}
	return []string{"otel_vendor '" + vendor + "' is not supported: spans are exported with OTLP; " +
		"point them at an OpenTelemetry Collector with the vendor's exporter, or at the vendor's OTLP endpoint"}
}
