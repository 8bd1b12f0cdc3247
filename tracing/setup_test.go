package tracing

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

func TestSetupInstallsAndShutdownRestoresTheGlobals(t *testing.T) {
	if f := otel.GetTextMapPropagator().Fields(); len(f) != 0 {
		t.Fatalf("propagator fields before: %v", f)
	}
	mem := &memExporter{}
	p, err := Setup(bg, Config{SpanExporter: mem, Propagators: []string{"b3multi"}})
	if err != nil {
		t.Fatal(err)
	}
	if !p.Enabled() || Tracer() != p.Tracer() {
		t.Error("the provider is not the active one")
	}
	fields := strings.Join(otel.GetTextMapPropagator().Fields(), ",")
	if !strings.Contains(fields, "x-b3-traceid") || !strings.Contains(fields, "baggage") || strings.Contains(fields, "traceparent") {
		t.Errorf("propagator fields %s", fields)
	}
	_, span := otel.Tracer("x").Start(bg, "via the global provider")
	span.End()
	if err := p.Shutdown(bg); err != nil {
		t.Fatal(err)
	}
	if len(mem.stubs()) != 1 {
		t.Errorf("%d spans", len(mem.stubs()))
	}
	if f := otel.GetTextMapPropagator().Fields(); len(f) != 0 {
		t.Errorf("propagator fields after: %v", f)
	}
	if _, s := otel.Tracer("x").Start(bg, "after"); s.IsRecording() {
		t.Error("the global tracer provider still records")
	}
	if Tracer() != noopTracer {
		t.Error("Tracer() is not the no-op tracer")
	}
	if err := p.Shutdown(bg); err != nil {
		t.Error(err)
	}
}

func TestDisabledProvider(t *testing.T) {
	p, err := Setup(bg, Config{Exporter: ExporterNone})
	if err != nil || p.Enabled() || p.Tracer() != noopTracer || p.Shutdown(bg) != nil {
		t.Errorf("%+v %v", p, err)
	}
	var nilp *Provider
	if nilp.Enabled() || nilp.Tracer() != noopTracer || nilp.Shutdown(bg) != nil {
		t.Error("a nil provider is not disabled")
	}
}

func TestSetupErrors(t *testing.T) {
	for _, cfg := range []Config{
		{Exporter: "kafka"},
		{Propagators: []string{"w3c"}, SpanExporter: &memExporter{}},
		{Exporter: ExporterJaeger, Endpoint: "no port"},
	} {
		if p, err := Setup(bg, cfg); err == nil {
			p.Shutdown(bg)
			t.Errorf("%+v: no error", cfg)
		}
	}
}

func resourceOf(t *testing.T, env map[string]string) map[string]any {
	for k, v := range env {
		t.Setenv(k, v)
	}
	mem := &memExporter{}
	p, err := Setup(bg, Config{SpanExporter: mem})
	if err != nil {
		t.Fatal(err)
	}
	_, s := p.Tracer().Start(bg, "s")
	s.End()
	p.Shutdown(bg)
	return attrs(mem.stubs()[0].Resource.Attributes())
}

func TestResource(t *testing.T) {
	r := resourceOf(t, nil)
	if r["service.name"] != "chaostoolkit" || r["telemetry.sdk.language"] != "go" {
		t.Errorf("default resource %v", r)
	}
	r = resourceOf(t, map[string]string{"OTEL_RESOURCE_ATTRIBUTES": "deployment.environment.name=ci,service.name=from-attrs"})
	if r["service.name"] != "from-attrs" || r["deployment.environment.name"] != "ci" {
		t.Errorf("OTEL_RESOURCE_ATTRIBUTES: %v", r)
	}
	r = resourceOf(t, map[string]string{"OTEL_RESOURCE_ATTRIBUTES": "service.name=from-attrs", "OTEL_SERVICE_NAME": "chaos"})
	if r["service.name"] != "chaos" {
		t.Errorf("OTEL_SERVICE_NAME: %v", r)
	}
	r = resourceOf(t, map[string]string{"OTEL_RESOURCE_ATTRIBUTES": "broken,team=sre", "OTEL_SERVICE_NAME": ""})
	if r["service.name"] != "chaostoolkit" || r["team"] != "sre" {
		t.Errorf("malformed OTEL_RESOURCE_ATTRIBUTES: %v", r)
	}
}

func TestSpanLimitsAndSamplerFollowTheEnvironment(t *testing.T) {
	t.Setenv("OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", "16")
	e := doc{method: []string{act("action", "big", "value", `{"value": "`+strings.Repeat("y", 100)+`"}`, "")}}.load(t)
	res := runTraced(t, e, setup{})
	if out := attrs(one(t, res.spans, "activity: big").Attributes)["chaostoolkit.activity.output"].(string); len(out) != 16 {
		t.Errorf("output %q", out)
	}

	t.Setenv("OTEL_TRACES_SAMPLER", "always_off")
	res = runTraced(t, e, setup{})
	if len(res.spans) != 0 {
		t.Errorf("always_off exported:\n%s", tree(res.spans))
	}
}

// gate is an exporter that holds every export until it is opened.
type gate struct {
	memExporter
	open chan struct{}
}

func (g *gate) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	select {
	case <-g.open:
	case <-ctx.Done():
		return ctx.Err()
	}
	return g.memExporter.ExportSpans(ctx, spans)
}

// TestThousandsOfSpansWhileTheCollectorIsSlow checks the batch queue: with
// the first export held, the spans of 4,000 activities wait in the queue
// rather than being dropped, which the SDK's default queue of 2,048 would
// do.
func TestThousandsOfSpansWhileTheCollectorIsSlow(t *testing.T) {
	const n = 4000
	items := make([]string, n)
	for i := range items {
		items[i] = act("action", fmt.Sprintf("a%04d", i), "value", `{"value": 1}`, "")
	}
	e := doc{method: items}.load(t)
	exported := func() int {
		g := &gate{open: make(chan struct{})}
		runTraced(t, e, setup{exporter: g, beforeClose: func() { close(g.open) }})
		return len(g.stubs())
	}
	if got := exported(); got != n+3 {
		t.Errorf("%d spans exported, want %d", got, n+3)
	}
	t.Setenv("OTEL_BSP_MAX_QUEUE_SIZE", "2048")
	if got := exported(); got >= n+3 {
		t.Errorf("with the SDK's default queue, %d spans exported: the test does not test the queue", got)
	}
}

func TestReporterWording(t *testing.T) {
	r := newReporter(nil, "http://c:4318/v1/traces", 5*time.Second)
	for _, tt := range []struct {
		err  error
		want string
	}{
		{context.DeadlineExceeded, "no answer within 5s"},
		{fmt.Errorf("rpc error: code = DeadlineExceeded desc = context deadline exceeded"), "no answer within 5s"},
		{&url.Error{Op: "Post", URL: "u", Err: timeoutErr{}}, "no answer within 5s"},
		{fmt.Errorf("post: %w", syscall.ECONNREFUSED), "connection refused"},
		{errors.New(`rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 127.0.0.1:1: connect: connection refused"`), "connection refused"},
		{errors.New("failed to send to http://c: 503 Service Unavailable"), "failed to send to http://c: 503 Service Unavailable"},
	} {
		if got := r.reason(tt.err); got != tt.want {
			t.Errorf("%v: %q, want %q", tt.err, got, tt.want)
		}
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestOneWarningPerRun(t *testing.T) {
	l := &logBuffer{}
	r := newReporter(l.Logger(), "there", time.Second)
	r.exportFailed(errors.New("one"))
	r.exportFailed(errors.New("two"))
	r.timedOut(nil)
	if w := l.Warnings(); len(w) != 1 || !strings.Contains(w[0], "Could not export the trace to there: one; the run is not affected") {
		t.Errorf("warnings %q", w)
	}
	if r.problems.Load() != 3 {
		t.Errorf("%d problems", r.problems.Load())
	}
}

func TestOpenTelemetryErrorsGoToTheActiveRun(t *testing.T) {
	l := &logBuffer{}
	p, err := Setup(bg, Config{SpanExporter: &memExporter{}, Log: l.Logger()})
	if err != nil {
		t.Fatal(err)
	}
	otel.Handle(errors.New("OTLP partial success: 2 spans rejected"))
	otel.Handle(errors.New("again"))
	p.Shutdown(bg)
	if w := l.Warnings(); len(w) != 1 || !strings.Contains(w[0], "OTLP partial success: 2 spans rejected") {
		t.Errorf("warnings %q", w)
	}
}

// The warning names the cause hidden in an exporter's retry error, and a
// flush that times out names the last cause seen.
func TestWarningNamesTheCause(t *testing.T) {
	r := newReporter(nil, "there", 2*time.Second)
	tests := map[string]string{
		"context deadline exceeded: rpc error: code = Unavailable desc = connection error: desc = \"transport: Error while dialing: dial tcp 127.0.0.1:1: connect: connection refused\"": "connection refused",
		"context deadline exceeded: retry-able request failure: body: overloaded":                                                                                                        "the collector answered with an error (overloaded)",
		"rpc error: code = Unauthenticated desc = missing token":                                                                                                                         "rpc error: code = Unauthenticated desc = missing token",
		"context deadline exceeded": "no answer within 2s",
		"rpc error: code = DeadlineExceeded desc = context deadline exceeded": "no answer within 2s",
	}
	for msg, want := range tests {
		if got := r.reason(errors.New(msg)); got != want {
			t.Errorf("reason(%q) = %q, want %q", msg, got, want)
		}
	}
	l := &logBuffer{}
	r = newReporter(l.Logger(), "there", 2*time.Second)
	r.timedOut(errors.New("context deadline exceeded: retry-able request failure: body: overloaded"))
	if w := l.Warnings(); len(w) != 1 || !strings.Contains(w[0], "there: the collector answered with an error (overloaded) (gave up after 2s)") {
		t.Errorf("warnings %q", w)
	}
}
