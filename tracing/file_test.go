package tracing

import (
	"bufio"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/chaostracing/chaostracing/value"
)

// With nothing configured but a file, the trace lands in the file, in the
// OTLP/JSON file format, and nothing goes to the network.
func TestFileIsTheOnlyDestinationWhenNothingIsConfigured(t *testing.T) {
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "")
	path := filepath.Join(t.TempDir(), "trace.jsonl")
	p, err := Setup(context.Background(), Config{File: path})
	if err != nil {
		t.Fatal(err)
	}
	if p.guard != nil {
		t.Fatal("a network exporter was set up")
	}
	ctx, parent := p.Tracer().Start(context.Background(), "experiment")
	_, child := p.Tracer().Start(ctx, "activity: a")
	child.SetAttributes(attribute.String("chaostoolkit.activity.name", "a"), attribute.Int64("n", 7),
		attribute.StringSlice("l", []string{"x", "y"}), attribute.Bool("b", true), attribute.Float64("f", 1.5))
	child.AddEvent("pause", trace.WithAttributes(attribute.Float64("chaostoolkit.pause.seconds", 0.5)))
	child.RecordError(errors.New("boom"))
	child.SetStatus(codes.Error, "boom")
	child.End()
	parent.End()
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if p.file.Spans() != 2 {
		t.Errorf("%d spans written", p.file.Spans())
	}
	spans := readOTLPFile(t, path)
	if len(spans) != 2 {
		t.Fatalf("%d spans in the file", len(spans))
	}
	c, par := spans[0], spans[1]
	if c.String("name") != "activity: a" || par.String("name") != "experiment" {
		t.Fatalf("names %q %q", c.String("name"), par.String("name"))
	}
	if c.String("parentSpanId") != par.String("spanId") || c.String("traceId") != par.String("traceId") || len(c.String("traceId")) != 32 {
		t.Errorf("ids: child %v parent %v", c, par)
	}
	if par.Has("parentSpanId") {
		t.Error("root span has a parent")
	}
	if st := c.Object("status"); st == nil || !value.Equal(mustGet(st, "code"), int64(2)) || st.String("message") != "boom" {
		t.Errorf("status %v", c.Object("status"))
	}
	attrs := map[string]*value.Object{}
	list, _ := c.Get("attributes")
	for _, a := range list.([]any) {
		o := a.(*value.Object)
		attrs[o.String("key")] = o.Object("value")
	}
	if attrs["n"].String("intValue") != "7" || !value.Equal(mustGet(attrs["f"], "doubleValue"), 1.5) || !value.Equal(mustGet(attrs["b"], "boolValue"), true) {
		t.Errorf("attributes %v", attrs)
	}
	if vals := attrs["l"].Object("arrayValue"); vals == nil {
		t.Errorf("slice attribute %v", attrs["l"])
	}
	if events, _ := c.Get("events"); len(events.([]any)) != 2 {
		t.Errorf("events %v", events)
	}
}

func mustGet(o *value.Object, key string) any {
	v, _ := o.Get(key)
	return v
}

// readOTLPFile flattens the spans of an OTLP/JSON lines file.
func readOTLPFile(t *testing.T, path string) []*value.Object {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var spans []*value.Object
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		doc, _, err := value.ParseJSON(sc.Bytes())
		if err != nil {
			t.Fatalf("line is not JSON: %v", err)
		}
		rss, _ := doc.(*value.Object).Get("resourceSpans")
		for _, rs := range rss.([]any) {
			sss, _ := rs.(*value.Object).Get("scopeSpans")
			for _, ss := range sss.([]any) {
				list, _ := ss.(*value.Object).Get("spans")
				for _, s := range list.([]any) {
					spans = append(spans, s.(*value.Object))
				}
			}
		}
	}
	return spans
}

func TestFileExporterCannotCreate(t *testing.T) {
	if _, err := Setup(context.Background(), Config{File: "/nonexistent/dir/trace.jsonl"}); err == nil {
		t.Error("unwritable trace file accepted")
	}
}
