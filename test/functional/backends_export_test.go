package functional

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chaostracing/chaostracing/internal/testenv"
	"github.com/chaostracing/chaostracing/value"
)

// exportPath is one way a user sends the spans of a run somewhere.
type exportPath struct {
	name string
	// opts configure the collector.
	opts []testenv.Option
	// setup returns the experiment to run (everyLevel or a variant), the
	// command-line arguments and the environment that point the run at c,
	// configured as a user would.
	setup func(t *testing.T, c *testenv.Collector) (experiment string, args, env []string)
	// service is the service.name the spans must carry.
	service string
	// zipkin: the spans travel in Zipkin's model (see traceWant.zipkin).
	zipkin bool
	// thrift: the spans travel as Jaeger thrift (see traceWant.thrift).
	thrift bool
}

// token is the header the collector requires in the header paths.
const (
	tokenHeader = "x-chaos-token"
	tokenValue  = "s3cret-Tok3n"
)

// exportPaths are every way spans leave a run, each configured the way a
// user would configure it.
func exportPaths() []exportPath {
	return []exportPath{{
		name: "otlp-grpc",
		setup: func(t *testing.T, c *testenv.Collector) (string, []string, []string) {
			return abs(t, everyLevel), nil, []string{
				"OTEL_EXPORTER_OTLP_PROTOCOL=grpc",
				"OTEL_EXPORTER_OTLP_ENDPOINT=http://" + c.OTLPGRPC,
				"OTEL_SERVICE_NAME=checkout-chaos",
			}
		},
		service: "checkout-chaos",
	}, {
		// The default protocol, chosen by the endpoint variable alone;
		// the default service name.
		name: "otlp-http-protobuf",
		setup: func(t *testing.T, c *testenv.Collector) (string, []string, []string) {
			return abs(t, everyLevel), nil, []string{"OTEL_EXPORTER_OTLP_ENDPOINT=" + c.OTLPHTTP}
		},
		service: "chaostoolkit",
	}, {
		name: "otlp-http-json-traces-endpoint",
		setup: func(t *testing.T, c *testenv.Collector) (string, []string, []string) {
			return abs(t, everyLevel), nil, []string{
				"OTEL_TRACES_EXPORTER=otlp",
				"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/json",
				"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=" + c.OTLPHTTP + "/v1/traces",
				"OTEL_RESOURCE_ATTRIBUTES=service.name=from-resource-attributes,deployment.environment.name=ci",
			}
		},
		service: "from-resource-attributes",
	}, {
		name: "otlp-http-headers",
		opts: []testenv.Option{testenv.WithOTLPHeadersRequired(tokenHeader, tokenValue)},
		setup: func(t *testing.T, c *testenv.Collector) (string, []string, []string) {
			return abs(t, everyLevel), nil, []string{
				"OTEL_EXPORTER_OTLP_ENDPOINT=" + c.OTLPHTTP,
				"OTEL_EXPORTER_OTLP_HEADERS=" + tokenHeader + "=" + tokenValue,
			}
		},
		service: "chaostoolkit",
	}, {
		name: "otlp-grpc-headers",
		opts: []testenv.Option{testenv.WithOTLPHeadersRequired(tokenHeader, tokenValue)},
		setup: func(t *testing.T, c *testenv.Collector) (string, []string, []string) {
			return abs(t, everyLevel), nil, []string{
				"OTEL_EXPORTER_OTLP_PROTOCOL=grpc",
				"OTEL_EXPORTER_OTLP_ENDPOINT=http://" + c.OTLPGRPC,
				"OTEL_EXPORTER_OTLP_HEADERS=" + tokenHeader + "=" + tokenValue,
				"OTEL_SERVICE_NAME=grpc-with-token",
			}
		},
		service: "grpc-with-token",
	}, {
		// The legacy keys in the experiment's configuration, their
		// values read from the environment as Chaos Toolkit users do.
		name: "otlp-configuration-keys-from-env",
		setup: func(t *testing.T, c *testenv.Collector) (string, []string, []string) {
			host, port := hostPort(t, c.OTLPHTTP)
			return writeVariant(t, abs(t, everyLevel), seedForm(
				"tracing_provider", "otlp",
				"tracing_host", value.NewObject("type", "env", "key", "TRACING_HOST"),
				"tracing_port", value.NewObject("type", "env", "key", "TRACING_PORT"),
			)), nil, []string{"TRACING_HOST=" + host, "TRACING_PORT=" + itoa(port)}
		},
		service: "chaostoolkit",
	}, {
		// The seed's form: chaostracing.control with tracing_provider
		// jaeger, tracing_host and tracing_port (any port but the
		// well-known ones is an agent's UDP port).
		name: "jaeger-udp-seed-configuration",
		setup: func(t *testing.T, c *testenv.Collector) (string, []string, []string) {
			host, port := hostPort(t, c.JaegerUDP)
			return writeVariant(t, abs(t, everyLevel), seedForm(
				"tracing_provider", "jaeger", "tracing_host", host, "tracing_port", port,
			)), nil, nil
		},
		service: "chaostoolkit",
		thrift:  true,
	}, {
		// The seed's form with tracing_port 14268: Jaeger thrift over
		// HTTP to http://host:14268/api/traces. The collector's port is
		// random, so 14268 on a loopback address of its own forwards to
		// it.
		name: "jaeger-http-seed-port-14268",
		setup: func(t *testing.T, c *testenv.Collector) (string, []string, []string) {
			_, port := hostPort(t, strings.TrimSuffix(c.JaegerHTTP, "/api/traces"))
			addr := forwardFixedPort(t, 14268, "127.0.0.1:"+itoa(port))
			host, _ := hostPort(t, addr)
			return writeVariant(t, abs(t, everyLevel), seedForm(
				"tracing_provider", "jaeger", "tracing_host", host, "tracing_port", int64(14268),
			)), nil, []string{"OTEL_SERVICE_NAME=jaeger-http"}
		},
		service: "jaeger-http",
		thrift:  true,
	}, {
		// Jaeger thrift over HTTP at any URL: the environment's
		// OTEL_EXPORTER_JAEGER_ENDPOINT (the experiment's keys reach
		// HTTP through port 14268 only).
		name: "jaeger-http-env-endpoint",
		setup: func(t *testing.T, c *testenv.Collector) (string, []string, []string) {
			return abs(t, everyLevel), nil, []string{
				"OTEL_TRACES_EXPORTER=jaeger",
				"OTEL_EXPORTER_JAEGER_ENDPOINT=" + c.JaegerHTTP,
			}
		},
		service: "chaostoolkit",
		thrift:  true,
	}, {
		// The seed's form with tracing_port 4318, which the docs advise
		// for Jaeger v2: OTLP over HTTP.
		name: "jaeger-seed-port-4318-otlp",
		setup: func(t *testing.T, c *testenv.Collector) (string, []string, []string) {
			_, port := hostPort(t, c.OTLPHTTP)
			addr := forwardFixedPort(t, 4318, "127.0.0.1:"+itoa(port))
			host, _ := hostPort(t, addr)
			return writeVariant(t, abs(t, everyLevel), seedForm(
				"tracing_provider", "jaeger", "tracing_host", host, "tracing_port", int64(4318),
			)), nil, nil
		},
		service: "chaostoolkit",
	}, {
		name: "zipkin-env",
		setup: func(t *testing.T, c *testenv.Collector) (string, []string, []string) {
			return abs(t, everyLevel), nil, []string{
				"OTEL_TRACES_EXPORTER=zipkin",
				"OTEL_EXPORTER_ZIPKIN_ENDPOINT=" + c.Zipkin,
				"OTEL_SERVICE_NAME=zipkin-chaos",
			}
		},
		service: "zipkin-chaos",
		zipkin:  true,
	}}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestBackendExportPaths runs everyLevel once per export path against a
// real collector and checks that the whole trace arrives: every span once,
// one trace id, the tree, the attributes, the failing activity's error
// status, the resource, and the trace context passed on; and that a
// healthy export costs no warning.
func TestBackendExportPaths(t *testing.T) {
	for _, p := range exportPaths() {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			c := testenv.StartCollector(t, p.opts...)
			svc := startService(t)
			exp, args, env := p.setup(t, c)
			run := runTraced(t, svc, exp, args, env...)
			if run.code != 0 || run.journal.Status != "completed" {
				t.Fatalf("exit %d, status %s\n%s", run.code, run.journal.Status, run.stderr)
			}
			if w := warnings(run.stderr); len(w) > 0 {
				t.Errorf("warnings with a healthy backend: %q", w)
			}
			spans := settleSpans(t, c, everyLevelSpanCount)
			checkEveryLevel(t, spans, traceWant{service: p.service, zipkin: p.zipkin, thrift: p.thrift, svc: svc, run: run})
			t.Logf("%s: run took %v", p.name, run.wall.Round(time.Millisecond))
		})
	}
}

// TestBackendExporterOff checks that an exporter turned off by the
// environment sends nothing, even with an endpoint configured and a
// collector listening, and leaves the run alone. OTEL_SDK_DISABLED=true
// turns tracing off altogether (docs/tracing.md: "whatever the experiment
// says"), so no trace context reaches the activities either.
func TestBackendExporterOff(t *testing.T) {
	for _, tt := range []struct {
		env         string
		noPropagate bool
	}{
		{"OTEL_TRACES_EXPORTER=none", false},
		{"OTEL_SDK_DISABLED=true", true},
	} {
		t.Run(tt.env, func(t *testing.T) {
			t.Parallel()
			c := testenv.StartCollector(t)
			svc := startService(t)
			run := runTraced(t, svc, abs(t, everyLevel), nil, "OTEL_EXPORTER_OTLP_ENDPOINT="+c.OTLPHTTP, tt.env)
			if run.code != 0 || run.journal.Status != "completed" {
				t.Fatalf("exit %d, status %s\n%s", run.code, run.journal.Status, run.stderr)
			}
			if w := warnings(run.stderr); len(w) > 0 {
				t.Errorf("warnings: %q", w)
			}
			if tt.noPropagate {
				if got := printedTraceparent(t, run.journal); got != "" {
					t.Errorf("the process got TRACEPARENT %q with the SDK disabled", got)
				}
				if got := svc.traceparents(); len(got) != 1 || got[0] != "" {
					t.Errorf("the service got traceparent %q with the SDK disabled", got)
				}
			}
			time.Sleep(300 * time.Millisecond) // what would have been sent is in the file by now
			if spans := c.Spans(t); len(spans) > 0 {
				t.Errorf("%d spans exported with %s:\n%s", len(spans), tt.env, dumpSpans(spans))
			}
		})
	}
}
