package tracing

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/chaostracing/chaostracing/value"
)

func obj(t *testing.T, s string) *value.Object {
	t.Helper()
	if s == "" {
		return nil
	}
	v, _, err := value.ParseJSON([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return v.(*value.Object)
}

func TestConfigFrom(t *testing.T) {
	tests := []struct {
		name      string
		args, cfg string
		env       map[string]string
		want      Config
		warning   string // a substring of the only warning
	}{
		{name: "nothing configured", want: Config{Exporter: ExporterUnset, Protocol: ProtocolHTTPProtobuf}},
		{name: "OTLP endpoint in the environment", env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"},
			want: Config{Exporter: ExporterOTLP, Protocol: ProtocolHTTPProtobuf}},
		{name: "OTLP traces endpoint and grpc in the environment", env: map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "c:4317", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"},
			want: Config{Exporter: ExporterOTLP, Protocol: ProtocolGRPC}},
		{name: "OTEL_TRACES_EXPORTER console", env: map[string]string{"OTEL_TRACES_EXPORTER": "console"}, want: Config{Exporter: ExporterStdout, Protocol: DefaultProtocol}},
		{name: "OTEL_TRACES_EXPORTER list", env: map[string]string{"OTEL_TRACES_EXPORTER": "zipkin,otlp"}, want: Config{Exporter: ExporterZipkin, Protocol: DefaultProtocol}, warning: "only the first"},
		{name: "OTEL_TRACES_EXPORTER none", env: map[string]string{"OTEL_TRACES_EXPORTER": "none"}, want: Config{Exporter: ExporterNone, Protocol: DefaultProtocol}},
		{name: "OTEL_TRACES_EXPORTER jaeger agent", env: map[string]string{"OTEL_TRACES_EXPORTER": "jaeger", "OTEL_EXPORTER_JAEGER_AGENT_HOST": "agent"},
			want: Config{Exporter: ExporterJaeger, Protocol: DefaultProtocol, Endpoint: "agent:6831"}},
		{name: "OTEL_TRACES_EXPORTER unknown", env: map[string]string{"OTEL_TRACES_EXPORTER": "prometheus"}, want: Config{Protocol: DefaultProtocol}, warning: "not supported"},
		{name: "OTEL_SDK_DISABLED beats everything", args: `{"provider": "otlp"}`, env: map[string]string{"OTEL_SDK_DISABLED": "true"}, want: Config{Exporter: ExporterNone}},
		{name: "provider noop", args: `{"provider": "noop"}`, want: Config{Exporter: ExporterNone}},
		{name: "legacy jaeger defaults to the agent", cfg: `{"tracing_provider": "jaeger"}`, want: Config{Exporter: ExporterJaeger, Endpoint: "localhost:6831"}},
		{name: "jaeger 6832", cfg: `{"tracing_provider": "jaeger", "tracing_port": 6832}`, want: Config{Exporter: ExporterJaeger, Endpoint: "localhost:6832"}, warning: "thrift binary"},
		{name: "jaeger custom UDP port", cfg: `{"tracing_provider": "Jaeger", "tracing_host": "j", "tracing_port": "7777"}`, want: Config{Exporter: ExporterJaeger, Endpoint: "j:7777"}},
		{name: "jaeger 14268 is thrift over HTTP", cfg: `{"tracing_provider": "jaeger", "tracing_host": "j", "tracing_port": 14268}`,
			want: Config{Exporter: ExporterJaeger, Endpoint: "http://j:14268/api/traces"}},
		{name: "jaeger 4317 is OTLP gRPC", cfg: `{"tracing_provider": "jaeger", "tracing_port": 4317}`,
			want: Config{Exporter: ExporterOTLP, Protocol: ProtocolGRPC, Endpoint: "http://localhost:4317"}},
		{name: "jaeger 4318 is OTLP HTTP", cfg: `{"tracing_provider": "jaeger", "tracing_host": "::1", "tracing_port": 4318}`,
			want: Config{Exporter: ExporterOTLP, Protocol: ProtocolHTTPProtobuf, Endpoint: "http://[::1]:4318/v1/traces"}},
		{name: "jaeger 14250 becomes OTLP gRPC", cfg: `{"tracing_provider": "jaeger", "tracing_host": "j", "tracing_port": 14250}`,
			want: Config{Exporter: ExporterOTLP, Protocol: ProtocolGRPC, Endpoint: "http://j:4317"}, warning: "not supported"},
		{name: "jaeger 9411 is Zipkin", cfg: `{"tracing_provider": "jaeger", "tracing_port": 9411}`, want: Config{Exporter: ExporterZipkin, Endpoint: "http://localhost:9411/api/v2/spans"}},
		{name: "arguments beat configuration", args: `{"provider": "jaeger", "port": 14268}`, cfg: `{"tracing_provider": "otlp", "tracing_port": 6831, "tracing_host": "h"}`,
			want: Config{Exporter: ExporterJaeger, Endpoint: "http://h:14268/api/traces"}},
		{name: "configuration keys in arguments", args: `{"tracing_provider": "jaeger", "tracing_port": 14268}`,
			want: Config{Exporter: ExporterJaeger, Endpoint: "http://localhost:14268/api/traces"}},
		{name: "null arguments are unset", args: `{"provider": null}`, cfg: `{"tracing_provider": "stdout"}`, want: Config{Exporter: ExporterStdout}},
		{name: "configuration beats the environment", cfg: `{"tracing_provider": "zipkin"}`, env: map[string]string{"OTEL_TRACES_EXPORTER": "otlp"}, want: Config{Exporter: ExporterZipkin}},
		{name: "zipkin host and port", args: `{"provider": "zipkin", "host": "z"}`, want: Config{Exporter: ExporterZipkin, Endpoint: "http://z:9411/api/v2/spans"}},
		{name: "otlp with protocol from the environment", args: `{"provider": "otlp"}`, env: map[string]string{"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"},
			want: Config{Exporter: ExporterOTLP, Protocol: ProtocolGRPC}},
		{name: "otlp host and port", args: `{"provider": "otlp", "host": "c"}`, want: Config{Exporter: ExporterOTLP, Protocol: ProtocolHTTPProtobuf, Endpoint: "http://c:4318"}},
		{name: "bad OTLP protocol", args: `{"provider": "otlp"}`, env: map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "thrift"},
			want: Config{Exporter: ExporterOTLP, Protocol: ProtocolHTTPProtobuf}, warning: "not an OTLP protocol"},
		{name: "legacy oltp-grpc default endpoint", cfg: `{"tracing_provider": "opentelemetry", "tracing_opentelemetry_exporter": "oltp-grpc"}`,
			want: Config{Exporter: ExporterOTLP, Protocol: ProtocolGRPC, Endpoint: "http://localhost:4317"}},
		{name: "legacy oltp-grpc leaves the environment's endpoint", cfg: `{"tracing_opentelemetry_exporter": "oltp-grpc"}`, env: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "https://c"},
			want: Config{Exporter: ExporterOTLP, Protocol: ProtocolGRPC}},
		{name: "legacy oltp-http with everything", cfg: `{"tracing_provider": "opentelemetry", "tracing_opentelemetry_exporter": "oltp-http",
			"tracing_opentelemetry_collector_endpoint": "https://c/v1/traces", "tracing_opentelemetry_collector_headers": {"a": "b", "n": 1},
			"tracing_opentelemetry_collector_endpoint_insecure": "false"}`,
			want: Config{Exporter: ExporterOTLP, Protocol: ProtocolHTTPProtobuf, Endpoint: "https://c/v1/traces", Headers: map[string]string{"a": "b", "n": "1"}}},
		{name: "legacy jaeger-thrift", args: `{"provider": "opentelemetry", "exporter": "jaeger-thrift", "host": "a"}`, want: Config{Exporter: ExporterJaeger, Endpoint: "a:6831"}},
		{name: "legacy jaeger-grpc", args: `{"provider": "opentelemetry", "exporter": "jaeger-grpc", "collector_endpoint": "j:14250", "collector_insecure": true}`,
			want: Config{Exporter: ExporterOTLP, Protocol: ProtocolGRPC, Endpoint: "j:4317", Insecure: true}, warning: "jaeger-grpc is not supported"},
		{name: "headers in the OTEL form", args: `{"provider": "otlp", "collector_headers": "api-key=a%20b, team=sre"}`,
			want: Config{Exporter: ExporterOTLP, Protocol: DefaultProtocol, Headers: map[string]string{"api-key": "a b", "team": "sre"}}},
		{name: "propagation and baggage prefix", args: `{"provider": "opentelemetry", "exporter": "oltp-http", "propagation": "jaeger, tracecontext", "baggage_prefix": "uberctx-"}`,
			want: Config{Exporter: ExporterOTLP, Protocol: ProtocolHTTPProtobuf, Propagators: []string{"jaeger", "tracecontext", "b3multi"}}},
		{name: "baggage prefix adds B3 to the defaults", cfg: `{"tracing_provider": "opentelemetry", "tracing_opentelemetry_baggage_prefix": true}`,
			want: Config{Exporter: ExporterOTLP, Protocol: DefaultProtocol, Propagators: []string{"tracecontext", "baggage", "b3multi"}}},
		{name: "baggage prefix of the jaeger provider", cfg: `{"tracing_provider": "jaeger", "baggage_prefix": "uberctx-"}`, want: Config{Exporter: ExporterJaeger, Endpoint: "localhost:6831"}},
		{name: "propagators from the environment", env: map[string]string{"OTEL_PROPAGATORS": "b3, xray,bogus"},
			want: Config{Protocol: DefaultProtocol, Propagators: []string{"b3", "xray"}}, warning: "unknown propagator 'bogus'"},
		{name: "propagation list", args: `{"propagation": ["B3Multi", "baggage"]}`, want: Config{Protocol: DefaultProtocol, Propagators: []string{"b3multi", "baggage"}}},
		{name: "flush timeout and output max", args: `{"flush_timeout": "2.5"}`, cfg: `{"tracing_output_max": 100}`,
			want: Config{Protocol: DefaultProtocol, FlushTimeout: 2500 * time.Millisecond, OutputMax: 100}},
		{name: "output max 0 drops outputs", cfg: `{"tracing_output_max": 0}`, want: Config{Protocol: DefaultProtocol, OutputMax: -1}},
		{name: "id_name", cfg: `{"tracing_provider": "jaeger", "tracing_id_name": "trace-id"}`, want: Config{Exporter: ExporterJaeger, Endpoint: "localhost:6831"}, warning: "uber-trace-id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, warnings, err := ConfigFrom(obj(t, tt.args), obj(t, tt.cfg), envMap(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
			switch {
			case tt.warning == "" && len(warnings) > 0:
				t.Errorf("warnings %q", warnings)
			case tt.warning != "" && (len(warnings) != 1 || !strings.Contains(warnings[0], tt.warning)):
				t.Errorf("warnings %q, want one with %q", warnings, tt.warning)
			}
		})
	}
}

func TestConfigFromErrors(t *testing.T) {
	for args, want := range map[string]string{
		`{"provider": "datadog"}`:                            "argument 'provider': unknown tracing provider 'datadog'",
		`{"provider": 3}`:                                    "argument 'provider': unknown tracing provider '3'",
		`{"provider": ["otlp"]}`:                             "argument 'provider' must be a string, not array",
		`{"provider": "jaeger", "port": "x"}`:                `argument 'port' must be an integer, not "x"`,
		`{"provider": "opentelemetry", "exporter": "kafka"}`: "unknown opentelemetry exporter 'kafka'",
		`{"collector_headers": 1}`:                           "argument 'collector_headers' must be an object of header names to values, not integer",
		`{"collector_headers": "nokey"}`:                     "must be key=value pairs",
		`{"collector_insecure": "maybe"}`:                    `argument 'collector_insecure' must be true or false, not "maybe"`,
		`{"flush_timeout": 0}`:                               "argument 'flush_timeout' must be a number of seconds above 0",
		`{"flush_timeout": "soon"}`:                          "must be a number of seconds",
		`{"propagation": "tracecontext,w3c"}`:                "argument 'propagation': unknown propagator 'w3c'",
		`{"propagation": [1]}`:                               "must be a list of strings",
		`{"output_max": 1.5}`:                                "argument 'output_max' must be an integer",
	} {
		_, _, err := ConfigFrom(obj(t, args), nil, envMap(nil))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", args, err, want)
		}
	}
}

func TestConfigFromReadsTheProcessEnvironmentByDefault(t *testing.T) {
	t.Setenv("OTEL_TRACES_EXPORTER", "zipkin")
	cfg, _, err := ConfigFrom(nil, nil, nil)
	if err != nil || cfg.Exporter != ExporterZipkin {
		t.Errorf("%+v %v", cfg, err)
	}
}

func TestLegacyEndpointHelpers(t *testing.T) {
	for in, want := range map[string]string{
		"j:14250": "j:4317", "j": "j:4317", "http://j:14250": "http://j:4317", "https://j:9999": "https://j:9999", "[::1]:14250": "[::1]:4317",
	} {
		if got := otlpForJaegerGRPC(in); got != want {
			t.Errorf("otlpForJaegerGRPC(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"http://c:4318": "http://c:4318/v1/traces", "http://c:4318/": "http://c:4318/v1/traces", "https://c/otlp/v1/traces": "https://c/otlp/v1/traces",
	} {
		if got := withTracesPath(in); got != want {
			t.Errorf("withTracesPath(%q) = %q, want %q", in, got, want)
		}
	}
}
