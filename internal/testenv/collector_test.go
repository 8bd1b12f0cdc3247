package testenv

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/apache/thrift/lib/go/thrift"
	"github.com/jaegertracing/jaeger-idl/thrift-gen/agent"
	"github.com/jaegertracing/jaeger-idl/thrift-gen/jaeger"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/goleak"
)

// TestMain checks that no test leaves a goroutine behind: collectors are
// waited for, and exporters and HTTP clients shut down.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// exportTimeout bounds one export to the collector.
const exportTimeout = 10 * time.Second

// arrivalTimeout bounds the wait for exported spans to reach the file.
const arrivalTimeout = 15 * time.Second

// recordTrace makes a two-span trace with the OTel Go SDK, for service, and
// returns its spans as an exporter receives them: a server root
// "experiment" with attributes of every type, and a client child "activity"
// with an event and an error status.
func recordTrace(t *testing.T, service string) []sdktrace.ReadOnlySpan {
	t.Helper()
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithSpanProcessor(rec),
		sdktrace.WithResource(resource.NewSchemaless(attribute.String("service.name", service))),
	)
	tr := tp.Tracer("chaostracing/testenv", trace.WithInstrumentationVersion("1.2.3"))
	ctx, root := tr.Start(context.Background(), "experiment",
		trace.WithSpanKind(trace.SpanKindServer),
		trace.WithAttributes(
			attribute.String("chaos.experiment.title", "kill the db"),
			attribute.Int("chaos.activities", 2),
			attribute.Bool("chaos.dry", false),
			attribute.Float64("chaos.ratio", 0.5),
			attribute.StringSlice("chaos.tags", []string{"db", "k8s"}),
		))
	_, child := tr.Start(ctx, "activity", trace.WithSpanKind(trace.SpanKindClient))
	child.AddEvent("probe.retry", trace.WithAttributes(attribute.Int("attempt", 2)))
	child.SetStatus(codes.Error, "boom")
	child.End()
	root.End()
	if err := tp.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	spans := rec.Ended()
	if len(spans) != 2 {
		t.Fatalf("recorded %d spans, want 2", len(spans))
	}
	return spans
}

// export sends spans through exp with a deadline and shuts exp down.
func export(t *testing.T, exp sdktrace.SpanExporter, spans []sdktrace.ReadOnlySpan) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), exportTimeout)
	defer cancel()
	err := exp.ExportSpans(ctx, spans)
	if serr := exp.Shutdown(ctx); serr != nil {
		t.Errorf("exporter shutdown: %v", serr)
	}
	return err
}

// grpcExporter returns an OTLP/gRPC exporter to c that sends headers and
// does not retry.
func grpcExporter(t *testing.T, c *Collector, headers map[string]string) sdktrace.SpanExporter {
	t.Helper()
	exp, err := otlptracegrpc.New(context.Background(),
		otlptracegrpc.WithEndpoint(c.OTLPGRPC),
		otlptracegrpc.WithInsecure(),
		otlptracegrpc.WithHeaders(headers),
		otlptracegrpc.WithRetry(otlptracegrpc.RetryConfig{Enabled: false}),
	)
	if err != nil {
		t.Fatal(err)
	}
	return exp
}

// httpExporter returns an OTLP/HTTP exporter to c that sends headers and
// does not retry.
func httpExporter(t *testing.T, c *Collector, headers map[string]string) sdktrace.SpanExporter {
	t.Helper()
	exp, err := otlptracehttp.New(context.Background(),
		otlptracehttp.WithEndpointURL(c.OTLPHTTP+"/v1/traces"),
		otlptracehttp.WithHeaders(headers),
		otlptracehttp.WithRetry(otlptracehttp.RetryConfig{Enabled: false}),
	)
	if err != nil {
		t.Fatal(err)
	}
	return exp
}

// checkTrace asserts that got holds the spans of sent (from recordTrace)
// with their ids, parent, kinds, attributes, event, status, resource and
// scope.
func checkTrace(t *testing.T, got []Span, sent []sdktrace.ReadOnlySpan, service string) {
	t.Helper()
	byID := map[string]Span{}
	for _, s := range got {
		byID[s.SpanID] = s
	}
	var root, child sdktrace.ReadOnlySpan
	for _, s := range sent {
		switch s.Name() {
		case "experiment":
			root = s
		case "activity":
			child = s
		}
	}
	r, ok := byID[root.SpanContext().SpanID().String()]
	if !ok {
		t.Fatalf("root span %s did not arrive; got %+v", root.SpanContext().SpanID(), got)
	}
	c, ok := byID[child.SpanContext().SpanID().String()]
	if !ok {
		t.Fatalf("child span %s did not arrive; got %+v", child.SpanContext().SpanID(), got)
	}

	traceID := root.SpanContext().TraceID().String()
	if r.TraceID != traceID || c.TraceID != traceID {
		t.Errorf("trace ids %s, %s; want %s", r.TraceID, c.TraceID, traceID)
	}
	if r.ParentSpanID != "" {
		t.Errorf("root has parent %q", r.ParentSpanID)
	}
	if c.ParentSpanID != r.SpanID {
		t.Errorf("child's parent = %q, want the root %q", c.ParentSpanID, r.SpanID)
	}
	if r.Name != "experiment" || c.Name != "activity" {
		t.Errorf("names %q, %q", r.Name, c.Name)
	}
	if r.Kind != SpanKindServer || c.Kind != SpanKindClient {
		t.Errorf("kinds %d, %d; want %d, %d", r.Kind, c.Kind, SpanKindServer, SpanKindClient)
	}
	if got, want := r.StartUnixNano, uint64(root.StartTime().UnixNano()); got != want {
		t.Errorf("root start %d, want %d", got, want)
	}
	if got, want := r.EndUnixNano, uint64(root.EndTime().UnixNano()); got != want {
		t.Errorf("root end %d, want %d", got, want)
	}
	wantAttrs := map[string]any{
		"chaos.experiment.title": "kill the db",
		"chaos.activities":       int64(2),
		"chaos.dry":              false,
		"chaos.ratio":            0.5,
		"chaos.tags":             []any{"db", "k8s"},
	}
	if !reflect.DeepEqual(r.Attributes, wantAttrs) {
		t.Errorf("root attributes = %#v, want %#v", r.Attributes, wantAttrs)
	}
	if r.Status.Code != StatusUnset {
		t.Errorf("root status = %+v, want unset", r.Status)
	}
	if want := (Status{Code: StatusError, Message: "boom"}); c.Status != want {
		t.Errorf("child status = %+v, want %+v", c.Status, want)
	}
	if len(c.Events) != 1 || c.Events[0].Name != "probe.retry" ||
		!reflect.DeepEqual(c.Events[0].Attributes, map[string]any{"attempt": int64(2)}) ||
		c.Events[0].TimeUnixNano == 0 {
		t.Errorf("child events = %+v", c.Events)
	}
	for _, s := range []Span{r, c} {
		if s.Resource["service.name"] != service {
			t.Errorf("%s: resource = %v, want service.name %q", s.Name, s.Resource, service)
		}
		if s.Scope != "chaostracing/testenv" || s.ScopeVersion != "1.2.3" {
			t.Errorf("%s: scope %q %q", s.Name, s.Scope, s.ScopeVersion)
		}
	}
}

// TestCollectorOTLPGRPC sends a trace with the OTel Go SDK's OTLP/gRPC
// exporter and reads it back from the collector.
func TestCollectorOTLPGRPC(t *testing.T) {
	t.Parallel()
	c := StartCollector(t)
	sent := recordTrace(t, "svc-grpc")
	if err := export(t, grpcExporter(t, c, nil), sent); err != nil {
		t.Fatal(err)
	}
	checkTrace(t, c.WaitForSpans(t, 2, arrivalTimeout), sent, "svc-grpc")
}

// TestCollectorOTLPHTTP sends a trace with the OTel Go SDK's OTLP/HTTP
// exporter and reads it back from the collector.
func TestCollectorOTLPHTTP(t *testing.T) {
	t.Parallel()
	c := StartCollector(t)
	if !strings.HasPrefix(c.OTLPHTTP, "http://127.0.0.1:") {
		t.Errorf("OTLPHTTP = %q", c.OTLPHTTP)
	}
	sent := recordTrace(t, "svc-http")
	if err := export(t, httpExporter(t, c, nil), sent); err != nil {
		t.Fatal(err)
	}
	checkTrace(t, c.WaitForSpans(t, 2, arrivalTimeout), sent, "svc-http")
}

// TestCollectorOTLPHeadersRequired checks that WithOTLPHeadersRequired makes
// both OTLP receivers refuse requests without the header or with another
// value, and accept those with it.
func TestCollectorOTLPHeadersRequired(t *testing.T) {
	t.Parallel()
	c := StartCollector(t, WithOTLPHeadersRequired("X-Chaos-Key", "s3cret"))
	for _, h := range []map[string]string{nil, {"X-Chaos-Key": "wrong"}, {"Other": "s3cret"}} {
		if err := export(t, grpcExporter(t, c, h), recordTrace(t, "refused")); err == nil {
			t.Errorf("OTLP/gRPC with headers %v: accepted", h)
		}
		if err := export(t, httpExporter(t, c, h), recordTrace(t, "refused")); err == nil {
			t.Errorf("OTLP/HTTP with headers %v: accepted", h)
		}
	}
	ok := map[string]string{"X-Chaos-Key": "s3cret"}
	viaGRPC, viaHTTP := recordTrace(t, "svc-grpc"), recordTrace(t, "svc-http")
	if err := export(t, grpcExporter(t, c, ok), viaGRPC); err != nil {
		t.Errorf("OTLP/gRPC with the header: %v", err)
	}
	if err := export(t, httpExporter(t, c, ok), viaHTTP); err != nil {
		t.Errorf("OTLP/HTTP with the header: %v", err)
	}
	c.WaitForSpans(t, 4, arrivalTimeout)
	c.Stop() // flushes anything else, so the count is final
	spans := c.Spans(t)
	if len(spans) != 4 {
		t.Fatalf("got %d spans, want the 4 sent with the header", len(spans))
	}
	checkTrace(t, spans, viaGRPC, "svc-grpc")
	checkTrace(t, spans, viaHTTP, "svc-http")
}

// TestCollectorKillRestartStop kills the collector mid-run, checks that
// exports then fail, restarts it on the same ports, and checks that Stop
// flushes what was received and that the earlier spans are kept.
func TestCollectorKillRestartStop(t *testing.T) {
	c := StartCollector(t)
	first := recordTrace(t, "before-kill")
	if err := export(t, httpExporter(t, c, nil), first); err != nil {
		t.Fatal(err)
	}
	c.WaitForSpans(t, 2, arrivalTimeout)

	c.Kill()
	if c.Running() {
		t.Fatal("Running after Kill")
	}
	c.Kill() // idempotent
	if err := export(t, httpExporter(t, c, nil), recordTrace(t, "while-dead")); err == nil {
		t.Error("export to a killed collector succeeded")
	}

	addr := c.OTLPGRPC
	c.Restart(t)
	if !c.Running() || c.OTLPGRPC != addr {
		t.Fatalf("after Restart: running %v, OTLPGRPC %s (was %s)", c.Running(), c.OTLPGRPC, addr)
	}
	second := recordTrace(t, "after-restart")
	if err := export(t, grpcExporter(t, c, nil), second); err != nil {
		t.Fatal(err)
	}
	c.Stop()
	if c.Running() {
		t.Fatal("Running after Stop")
	}
	c.Stop() // idempotent
	spans := c.Spans(t)
	if len(spans) != 4 {
		t.Fatalf("got %d spans after Stop, want 4: %+v", len(spans), spans)
	}
	checkTrace(t, spans, first, "before-kill")
	checkTrace(t, spans, second, "after-restart")
	if len(SpansNamed(spans, "experiment")) != 2 {
		t.Errorf("SpansNamed(experiment) = %d spans, want 2", len(SpansNamed(spans, "experiment")))
	}
}

// TestCollectorJaegerZipkinAddresses sends one span to each of the Jaeger
// (thrift compact over UDP, thrift over HTTP) and Zipkin receivers at the
// addresses the Collector gives, so that they are known to be right.
func TestCollectorJaegerZipkinAddresses(t *testing.T) {
	t.Parallel()
	c := StartCollector(t)
	ctx, cancel := context.WithTimeout(context.Background(), exportTimeout)
	defer cancel()
	client := &http.Client{Timeout: exportTimeout}
	defer client.CloseIdleConnections()
	now := time.Now().UnixMicro()
	batch := func(name string, low int64) *jaeger.Batch {
		return &jaeger.Batch{
			Process: &jaeger.Process{ServiceName: "svc-" + name},
			Spans: []*jaeger.Span{{
				TraceIdLow: low, TraceIdHigh: 1, SpanId: low, OperationName: name,
				StartTime: now, Duration: 1000,
			}},
		}
	}

	// Jaeger thrift_http: a binary-protocol Batch.
	body, err := thrift.NewTSerializer().Write(ctx, batch("jaeger-http", 0x11))
	if err != nil {
		t.Fatal(err)
	}
	post(t, client, c.JaegerHTTP, "application/x-thrift", body)

	// Jaeger thrift_compact: an Agent.emitBatch message in one datagram.
	buf := thrift.NewTMemoryBufferLen(65000)
	proto := thrift.NewTCompactProtocolFactoryConf(&thrift.TConfiguration{})
	if err := agent.NewAgentClientFactory(buf, proto).EmitBatch(ctx, batch("jaeger-udp", 0x22)); err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("udp", c.JaegerUDP)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Write(buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	if err := conn.Close(); err != nil {
		t.Fatal(err)
	}

	// Zipkin v2 JSON.
	zipkin := fmt.Sprintf(`[{"traceId":"00000000000000010000000000000033","id":"0000000000000033",`+
		`"name":"zipkin","kind":"CLIENT","timestamp":%d,"duration":1000,`+
		`"localEndpoint":{"serviceName":"svc-zipkin"},"tags":{"chaos.k":"v"}}]`, now)
	post(t, client, c.Zipkin, "application/json", []byte(zipkin))

	spans := c.WaitForSpans(t, 3, arrivalTimeout)
	for _, want := range []struct{ name, traceID, spanID string }{
		{"jaeger-http", "00000000000000010000000000000011", "0000000000000011"},
		{"jaeger-udp", "00000000000000010000000000000022", "0000000000000022"},
		{"zipkin", "00000000000000010000000000000033", "0000000000000033"},
	} {
		got := SpansNamed(spans, want.name)
		if len(got) != 1 {
			t.Errorf("%s: %d spans, want 1 (all: %+v)", want.name, len(got), spans)
			continue
		}
		s := got[0]
		if s.TraceID != want.traceID || s.SpanID != want.spanID || s.Resource["service.name"] != "svc-"+want.name {
			t.Errorf("%s: got %+v", want.name, s)
		}
	}
	if s := SpansNamed(spans, "zipkin"); len(s) == 1 && (s[0].Attributes["chaos.k"] != "v" || s[0].Kind != SpanKindClient) {
		t.Errorf("zipkin span: %+v", s[0])
	}
}

// post sends body to url and fails t unless the answer is a 2xx.
func post(t *testing.T, client *http.Client, url, contentType string, body []byte) {
	t.Helper()
	resp, err := client.Post(url, contentType, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode/100 != 2 {
		t.Fatalf("POST %s: %s", url, resp.Status)
	}
}

// TestParseSpans checks the OTLP JSON parsing on a hand-written file: every
// attribute value type, numbers as strings or numbers, blank lines, and an
// unfinished last line (left for the next read).
func TestParseSpans(t *testing.T) {
	line := `{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},` +
		`"scopeSpans":[{"scope":{"name":"sc","version":"v1"},"spans":[` +
		`{"traceId":"0102","spanId":"03","parentSpanId":"04","traceState":"a=b","name":"one","kind":3,` +
		`"startTimeUnixNano":"10","endTimeUnixNano":20,` +
		`"attributes":[{"key":"s","value":{"stringValue":"x"}},{"key":"b","value":{"boolValue":true}},` +
		`{"key":"i","value":{"intValue":"-7"}},{"key":"j","value":{"intValue":8}},{"key":"d","value":{"doubleValue":1.5}},` +
		`{"key":"y","value":{"bytesValue":"aGk="}},{"key":"a","value":{"arrayValue":{"values":[{"intValue":"1"},{"stringValue":"z"}]}}},` +
		`{"key":"m","value":{"kvlistValue":{"values":[{"key":"k","value":{"boolValue":false}}]}}},{"key":"e","value":{}}],` +
		`"events":[{"timeUnixNano":"15","name":"ev","attributes":[{"key":"n","value":{"intValue":"1"}}]}],` +
		`"links":[{"traceId":"ff","spanId":"ee","attributes":[{"key":"l","value":{"stringValue":"w"}}]}],` +
		`"status":{"code":2,"message":"bad"}},` +
		`{"traceId":"0102","spanId":"04","name":"two"}]}]}]}`
	data := []byte(line + "\n\n" + line + "\n" + `{"resourceSpans":[{"scopeSp`)
	spans, err := parseSpans(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(spans) != 4 {
		t.Fatalf("got %d spans, want 4", len(spans))
	}
	want := Span{
		TraceID: "0102", SpanID: "03", ParentSpanID: "04", TraceState: "a=b", Name: "one", Kind: SpanKindClient,
		StartUnixNano: 10, EndUnixNano: 20,
		Attributes: map[string]any{
			"s": "x", "b": true, "i": int64(-7), "j": int64(8), "d": 1.5, "y": []byte("hi"),
			"a": []any{int64(1), "z"}, "m": map[string]any{"k": false}, "e": nil,
		},
		Status:   Status{Code: StatusError, Message: "bad"},
		Events:   []Event{{Name: "ev", TimeUnixNano: 15, Attributes: map[string]any{"n": int64(1)}}},
		Links:    []Link{{TraceID: "ff", SpanID: "ee", Attributes: map[string]any{"l": "w"}}},
		Resource: map[string]any{"service.name": "svc"},
		Scope:    "sc", ScopeVersion: "v1",
	}
	if !reflect.DeepEqual(spans[0], want) {
		t.Errorf("got  %#v\nwant %#v", spans[0], want)
	}
	if two := spans[1]; two.Name != "two" || two.ParentSpanID != "" || two.Attributes != nil || two.Events != nil {
		t.Errorf("second span = %#v", two)
	}
	spans[0].Resource["service.name"] = "changed"
	if spans[1].Resource["service.name"] != "svc" {
		t.Error("spans share a resource map")
	}
}

// TestParseSpansErrors checks that a malformed finished line is an error
// naming the line.
func TestParseSpansErrors(t *testing.T) {
	for _, data := range []string{
		"{}\n{not json}\n",
		`{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":"x"}]}]}]}` + "\n",
		`{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"y","value":{"bytesValue":"%%"}}]}]}]}]}` + "\n",
	} {
		if _, err := parseSpans([]byte(data)); err == nil || !strings.Contains(err.Error(), "line ") {
			t.Errorf("parseSpans(%q) = %v, want an error naming the line", data, err)
		}
	}
}

// TestCollectorConfig checks the generated configuration: loopback ports,
// the file exporter, and the authenticator only with
// WithOTLPHeadersRequired.
func TestCollectorConfig(t *testing.T) {
	p := ports{otlpGRPC: 1, otlpHTTP: 2, jaegerUDP: 3, jaegerHTTP: 4, zipkin: 5, health: 6}
	plain, err := collectorConfig(p, "/tmp/x.jsonl", options{})
	if err != nil {
		t.Fatal(err)
	}
	var o options
	WithOTLPHeadersRequired("k", "v")(&o)
	auth, err := collectorConfig(p, "/tmp/x.jsonl", o)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`"127.0.0.1:1"`, `"127.0.0.1:3"`, `"127.0.0.1:6"`, `"/tmp/x.jsonl"`, `"level": "none"`} {
		if !strings.Contains(string(plain), s) {
			t.Errorf("config has no %s:\n%s", s, plain)
		}
	}
	if strings.Contains(string(plain), "bearertokenauth") || !strings.Contains(string(auth), `"authenticator": "bearertokenauth"`) {
		t.Errorf("authenticator misplaced:\n%s\n%s", plain, auth)
	}
	var v map[string]any
	if err := json.Unmarshal(auth, &v); err != nil {
		t.Fatal(err)
	}
	WithOTLPHeadersRequired("k", "")(&o)
	if _, err := collectorConfig(p, "/tmp/x.jsonl", o); err == nil {
		t.Error("an empty header value was accepted")
	}
}

// TestFreePorts checks that the ports picked are distinct and nonzero.
func TestFreePorts(t *testing.T) {
	p, err := freePorts()
	if err != nil {
		t.Fatal(err)
	}
	tcp := []int{p.otlpGRPC, p.otlpHTTP, p.jaegerHTTP, p.zipkin, p.health}
	seen := map[int]bool{}
	for _, n := range tcp {
		if n == 0 || seen[n] {
			t.Errorf("ports %+v: zero or repeated", p)
		}
		seen[n] = true
	}
	if p.jaegerUDP == 0 {
		t.Errorf("no UDP port: %+v", p)
	}
}

// TestFindBinaryEnv checks that CHAOSTRACING_OTELCOL wins, and that a wrong
// one is an error rather than a build or a skip.
func TestFindBinaryEnv(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "otelcol")
	if err := os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	logf := func(string, ...any) { t.Error("findBinary built despite the env variable") }
	t.Setenv(BinaryEnv, exe)
	if p, err := findBinary(logf); err != nil || p != exe {
		t.Errorf("findBinary() = %q, %v; want %q", p, err, exe)
	}
	for _, bad := range []string{filepath.Join(dir, "missing"), dir} {
		t.Setenv(BinaryEnv, bad)
		if _, err := findBinary(logf); err == nil || !strings.Contains(err.Error(), BinaryEnv) {
			t.Errorf("%s=%s: err = %v", BinaryEnv, bad, err)
		}
	}
}

// TestFindBuildScript checks that build.sh is found from this package.
func TestFindBuildScript(t *testing.T) {
	p, err := findBuildScript()
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(p) != "build.sh" {
		t.Errorf("findBuildScript() = %q", p)
	}
}

// TestCollectorPortClash takes the OTLP/gRPC port that the first start
// picks, and checks that StartCollector retries with other ports.
func TestCollectorPortClash(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = taken.Close() }()
	calls := 0
	pickPorts = func() (ports, error) {
		calls++
		p, err := freePorts()
		if calls == 1 {
			p.otlpGRPC = taken.Addr().(*net.TCPAddr).Port
		}
		return p, err
	}
	t.Cleanup(func() { pickPorts = freePorts })
	c := StartCollector(t)
	if calls != 2 || c.OTLPGRPC == taken.Addr().String() {
		t.Fatalf("picked ports %d times, OTLPGRPC %s (taken: %s)", calls, c.OTLPGRPC, taken.Addr())
	}
	sent := recordTrace(t, "svc-retry")
	if err := export(t, grpcExporter(t, c, nil), sent); err != nil {
		t.Fatal(err)
	}
	checkTrace(t, c.WaitForSpans(t, 2, arrivalTimeout), sent, "svc-retry")
}
