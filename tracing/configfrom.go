package tracing

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/chaostracing/chaostracing/value"
)

// ConfigFrom reads a Config from a tracing control's arguments (already
// substituted), the experiment's resolved configuration and the
// environment (getenv; nil means os.Getenv). Each setting is taken from
// the arguments first, then the configuration, then the OTEL_* variables,
// then the defaults; see docs/tracing.md for every key. Settings the
// exporters read themselves (OTEL_EXPORTER_OTLP_ENDPOINT, _HEADERS,
// _INSECURE, _CERTIFICATE, _TIMEOUT, OTEL_EXPORTER_ZIPKIN_ENDPOINT) are
// left to them unless a key overrides them.
//
// Exporter is ExporterUnset when nothing names one: no provider or
// exporter key, no OTEL_TRACES_EXPORTER, no OTLP endpoint variable.
// Problems that leave a usable configuration (a legacy value mapped to
// its modern equivalent, an unknown name in an environment variable) are
// returned as warnings; invalid keys are an error.
func ConfigFrom(arguments, configuration *value.Object, getenv func(string) string) (Config, []string, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	r := &reader{src: sources{args: arguments, cfg: configuration}, getenv: getenv}
	cfg := r.read()
	return cfg, r.warnings, errors.Join(r.errs...)
}

// reader reads one Config, collecting warnings and errors.
type reader struct {
	src      sources
	getenv   func(string) string
	provider string // the provider setting, lower-cased, once read
	warnings []string
	errs     []error
}

func (r *reader) warnf(format string, args ...any) {
	r.warnings = append(r.warnings, fmt.Sprintf(format, args...))
}

func (r *reader) failf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Errorf(format, args...))
}

// read reads every setting.
func (r *reader) read() Config {
	var cfg Config
	if d, ok := r.seconds(setFlushTimeout); ok {
		cfg.FlushTimeout = d
	}
	if n, ok := r.int(setOutputMax); ok {
		cfg.OutputMax = int(n)
		if n <= 0 {
			cfg.OutputMax = -1
		}
	}
	if v, where, ok := r.src.lookup(setHeaders); ok {
		h, err := asHeaders(v)
		if err != nil {
			r.failf("%s %w", where, err)
		}
		cfg.Headers = h
	}
	cfg.Insecure, _ = r.bool(setInsecure)
	r.exporter(&cfg)
	cfg.Propagators = r.propagators()
	if id, ok := r.string(setIDName); ok && id != "uber-trace-id" {
		r.warnf("id_name '%s' is ignored: the jaeger propagator always uses the uber-trace-id header", id)
	}
	return cfg
}

// exporter decides where spans go: the provider setting, else the legacy
// exporter setting, else the OTEL_* environment. OTEL_SDK_DISABLED=true
// turns tracing off whatever the rest says.
func (r *reader) exporter(cfg *Config) {
	if on, _ := asBool(r.getenv("OTEL_SDK_DISABLED")); on {
		cfg.Exporter = ExporterNone
		return
	}
	exporter, hasExporter := r.string(setExporter)
	if v, where, ok := r.src.lookup(setProvider); ok {
		p, err := asString(v)
		if err != nil {
			r.failf("%s %w", where, err)
			return
		}
		r.provider = strings.ToLower(p)
		r.fromProvider(cfg, r.provider, where, exporter)
		return
	}
	if hasExporter {
		r.provider = "opentelemetry"
		r.fromOpenTelemetry(cfg, exporter)
		return
	}
	r.fromEnv(cfg)
}

// fromProvider follows the provider setting (tracing_provider).
func (r *reader) fromProvider(cfg *Config, p, where, exporter string) {
	switch p {
	case "noop", "none":
		cfg.Exporter = ExporterNone
	case "jaeger":
		r.jaeger(cfg)
	case "opentelemetry":
		r.fromOpenTelemetry(cfg, exporter)
	case "otlp":
		r.otlp(cfg)
	case "zipkin":
		r.zipkin(cfg)
	case "stdout", "console":
		cfg.Exporter = ExporterStdout
	default:
		r.failf("%s: unknown tracing provider '%s' (use otlp, jaeger, zipkin, stdout, noop, or opentelemetry with an exporter)", where, p)
	}
}

// otlp configures OTLP: the collector_endpoint setting, else host and
// port when either is set, else the exporter's environment and defaults.
func (r *reader) otlp(cfg *Config) {
	cfg.Exporter = ExporterOTLP
	cfg.Protocol = r.envProtocol()
	port := int64(4318)
	if cfg.Protocol == ProtocolGRPC {
		port = 4317
	}
	cfg.Endpoint = r.hostPortEndpoint(port, "http://%s")
}

// zipkin configures Zipkin: the collector_endpoint setting, else host and
// port (9411) when either is set, else OTEL_EXPORTER_ZIPKIN_ENDPOINT or
// http://localhost:9411/api/v2/spans.
func (r *reader) zipkin(cfg *Config) {
	cfg.Exporter = ExporterZipkin
	cfg.Endpoint = r.hostPortEndpoint(9411, "http://%s/api/v2/spans")
}

// hostPortEndpoint returns the collector_endpoint setting, else the
// endpoint format makes of host and port when either is set (localhost
// and defaultPort standing for the missing one), else "": the exporter's
// environment and defaults then apply.
func (r *reader) hostPortEndpoint(defaultPort int64, format string) string {
	if ep, ok := r.string(setEndpoint); ok {
		return ep
	}
	host, hasHost := r.string(setHost)
	port, hasPort := r.int(setPort)
	if !hasHost && !hasPort {
		return ""
	}
	if !hasHost {
		host = "localhost"
	}
	if !hasPort {
		port = defaultPort
	}
	return fmt.Sprintf(format, joinHostPort(host, port))
}

// fromEnv follows OTEL_TRACES_EXPORTER, else an OTLP endpoint variable;
// with neither, the exporter is left unset.
func (r *reader) fromEnv(cfg *Config) {
	cfg.Protocol = r.envProtocol()
	names := splitList(r.getenv("OTEL_TRACES_EXPORTER"))
	if len(names) == 0 {
		if r.getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != "" || r.getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" {
			cfg.Exporter = ExporterOTLP
		}
		return
	}
	if len(names) > 1 {
		r.warnf("OTEL_TRACES_EXPORTER lists %d exporters: only the first, %s, is used", len(names), names[0])
	}
	switch names[0] {
	case "otlp":
		cfg.Exporter = ExporterOTLP
	case "console", "logging", "stdout":
		cfg.Exporter = ExporterStdout
	case "zipkin":
		cfg.Exporter = ExporterZipkin
	case "none":
		cfg.Exporter = ExporterNone
	case "jaeger":
		cfg.Exporter = ExporterJaeger
		host, port := r.getenv("OTEL_EXPORTER_JAEGER_AGENT_HOST"), r.getenv("OTEL_EXPORTER_JAEGER_AGENT_PORT")
		if ep := r.getenv("OTEL_EXPORTER_JAEGER_ENDPOINT"); ep != "" {
			cfg.Endpoint = ep
		} else if host != "" || port != "" {
			cfg.Endpoint = orDefault(host, "localhost") + ":" + orDefault(port, "6831")
		}
	default:
		r.warnf("OTEL_TRACES_EXPORTER=%s is not supported (use otlp, console, zipkin, jaeger or none): it is ignored", names[0])
	}
}

// envProtocol returns the OTLP protocol of OTEL_EXPORTER_OTLP_TRACES_PROTOCOL
// or OTEL_EXPORTER_OTLP_PROTOCOL, else DefaultProtocol.
func (r *reader) envProtocol() string {
	for _, name := range []string{"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"} {
		v := strings.ToLower(strings.TrimSpace(r.getenv(name)))
		switch v {
		case "":
			continue
		case ProtocolGRPC, ProtocolHTTPProtobuf, ProtocolHTTPJSON:
			return v
		}
		r.warnf("%s=%s is not an OTLP protocol (grpc, http/protobuf or http/json): %s is used", name, v, DefaultProtocol)
		return DefaultProtocol
	}
	return DefaultProtocol
}

// knownPropagators are the propagator names Setup understands.
var knownPropagators = []string{"tracecontext", "baggage", "b3", "b3multi", "jaeger", "xray", "ottrace", "none"}

// propagators reads the propagation setting, else OTEL_PROPAGATORS. An
// unknown name is an error in a setting, a warning in the environment.
// A truthy baggage_prefix with the opentelemetry provider adds B3 with
// multiple headers, as the Python control switched to B3 then.
func (r *reader) propagators() []string {
	var names []string
	if v, where, ok := r.src.lookup(setPropagation); ok {
		list, err := asList(v)
		if err != nil {
			r.failf("%s %w", where, err)
		}
		for _, n := range list {
			if !slices.Contains(knownPropagators, n) {
				r.failf("%s: unknown propagator '%s' (use %s)", where, n, strings.Join(knownPropagators, ", "))
				continue
			}
			names = append(names, n)
		}
	} else {
		for _, n := range splitList(r.getenv("OTEL_PROPAGATORS")) {
			if !slices.Contains(knownPropagators, n) {
				r.warnf("OTEL_PROPAGATORS: unknown propagator '%s' is ignored", n)
				continue
			}
			names = append(names, n)
		}
	}
	if v, _, ok := r.src.lookup(setBaggagePrefix); ok && r.provider == "opentelemetry" && value.Truthy(v) {
		if len(names) == 0 {
			names = []string{"tracecontext", "baggage"}
		}
		if !slices.Contains(names, "b3multi") && !slices.Contains(names, "b3") {
			names = append(names, "b3multi")
		}
	}
	return names
}

// string reads a string setting, recording an error for another type.
func (r *reader) string(st setting) (string, bool) {
	v, where, ok := r.src.lookup(st)
	if !ok {
		return "", false
	}
	s, err := asString(v)
	if err != nil {
		r.failf("%s %w", where, err)
		return "", false
	}
	return s, s != ""
}

// int reads an integer setting.
func (r *reader) int(st setting) (int64, bool) {
	v, where, ok := r.src.lookup(st)
	if !ok {
		return 0, false
	}
	n, err := asInt(v)
	if err != nil {
		r.failf("%s %w", where, err)
		return 0, false
	}
	return n, true
}

// bool reads a boolean setting.
func (r *reader) bool(st setting) (bool, bool) {
	v, where, ok := r.src.lookup(st)
	if !ok {
		return false, false
	}
	b, err := asBool(v)
	if err != nil {
		r.failf("%s %w", where, err)
		return false, false
	}
	return b, true
}

// seconds reads a duration in seconds.
func (r *reader) seconds(st setting) (time.Duration, bool) {
	v, where, ok := r.src.lookup(st)
	if !ok {
		return 0, false
	}
	d, err := asSeconds(v)
	if err != nil {
		r.failf("%s %w", where, err)
		return 0, false
	}
	return d, true
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
