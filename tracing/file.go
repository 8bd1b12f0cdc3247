package tracing

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strconv"
	"sync"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/chaostracing/chaostracing/value"
)

// FileExporter writes spans to a local file in the OpenTelemetry file
// format: one OTLP/JSON TracesData document per line, one line per
// export, the shape a Collector's file exporter writes and `chaostracing
// report` reads. It is how a run keeps its trace with nothing installed.
type FileExporter struct {
	mu    sync.Mutex
	f     *os.File
	w     *bufio.Writer
	spans int
}

// NewFileExporter creates (or truncates) the file at path.
func NewFileExporter(path string) (*FileExporter, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cannot write the trace file: %w", err)
	}
	return &FileExporter{f: f, w: bufio.NewWriter(f)}, nil
}

// ExportSpans implements sdktrace.SpanExporter.
func (e *FileExporter) ExportSpans(_ context.Context, spans []sdktrace.ReadOnlySpan) error {
	if len(spans) == 0 {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.f == nil {
		return nil
	}
	e.spans += len(spans)
	if err := value.Encode(e.w, tracesData(spans), ""); err != nil {
		return err
	}
	return e.w.Flush()
}

// Shutdown implements sdktrace.SpanExporter: it closes the file.
func (e *FileExporter) Shutdown(context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.f == nil {
		return nil
	}
	err := e.w.Flush()
	if cerr := e.f.Close(); err == nil {
		err = cerr
	}
	e.f = nil
	return err
}

// Spans returns how many spans were written.
func (e *FileExporter) Spans() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.spans
}

// resourceGroup is one resourceSpans entry being built.
type resourceGroup struct {
	obj    *value.Object
	scopes map[instrumentationKey]*value.Object
}

type instrumentationKey struct{ name, version string }

// tracesData groups spans by resource and scope as OTLP/JSON's
// resourceSpans → scopeSpans → spans, in the order they come.
func tracesData(spans []sdktrace.ReadOnlySpan) *value.Object {
	var order []*resourceGroup
	groups := map[*resource.Resource]*resourceGroup{}
	for _, s := range spans {
		g, ok := groups[s.Resource()]
		if !ok {
			g = &resourceGroup{
				obj:    value.NewObject("resource", value.NewObject("attributes", otlpAttributes(s.Resource().Attributes())), "scopeSpans", []any{}),
				scopes: map[instrumentationKey]*value.Object{},
			}
			groups[s.Resource()] = g
			order = append(order, g)
		}
		appendTo(g.scope(s), "spans", otlpSpan(s))
	}
	resources := make([]any, len(order))
	for i, g := range order {
		resources[i] = g.obj
	}
	return value.NewObject("resourceSpans", resources)
}

// scope returns the scopeSpans entry of s's instrumentation scope.
func (g *resourceGroup) scope(s sdktrace.ReadOnlySpan) *value.Object {
	sc := s.InstrumentationScope()
	key := instrumentationKey{sc.Name, sc.Version}
	if ss, ok := g.scopes[key]; ok {
		return ss
	}
	ss := value.NewObject("scope", value.NewObject("name", sc.Name, "version", sc.Version), "spans", []any{})
	g.scopes[key] = ss
	appendTo(g.obj, "scopeSpans", ss)
	return ss
}

func appendTo(o *value.Object, key string, item any) {
	list, _ := o.Get(key)
	l, _ := list.([]any)
	o.Set(key, append(l, item))
}

// otlpSpan encodes a span as OTLP/JSON does: hex ids, nanosecond times as
// decimal strings, enum values as numbers.
func otlpSpan(s sdktrace.ReadOnlySpan) *value.Object {
	sc := s.SpanContext()
	o := value.NewObject(
		"traceId", sc.TraceID().String(),
		"spanId", sc.SpanID().String(),
	)
	if ts := sc.TraceState().String(); ts != "" {
		o.Set("traceState", ts)
	}
	if p := s.Parent(); p.SpanID().IsValid() {
		o.Set("parentSpanId", p.SpanID().String())
	}
	o.Set("name", s.Name())
	o.Set("kind", int64(otlpKind(s.SpanKind())))
	o.Set("startTimeUnixNano", nanos(s.StartTime().UnixNano()))
	o.Set("endTimeUnixNano", nanos(s.EndTime().UnixNano()))
	o.Set("attributes", otlpAttributes(s.Attributes()))
	if events := s.Events(); len(events) > 0 {
		list := make([]any, len(events))
		for i, e := range events {
			list[i] = value.NewObject("timeUnixNano", nanos(e.Time.UnixNano()), "name", e.Name, "attributes", otlpAttributes(e.Attributes))
		}
		o.Set("events", list)
	}
	if links := s.Links(); len(links) > 0 {
		list := make([]any, len(links))
		for i, l := range links {
			list[i] = value.NewObject("traceId", l.SpanContext.TraceID().String(),
				"spanId", l.SpanContext.SpanID().String(), "attributes", otlpAttributes(l.Attributes))
		}
		o.Set("links", list)
	}
	o.Set("status", otlpStatus(s.Status()))
	return o
}

func nanos(n int64) string { return strconv.FormatInt(n, 10) }

// otlpKind maps trace.SpanKind to OTLP's SpanKind numbers, which are the
// same values.
func otlpKind(k trace.SpanKind) int { return int(k) }

// otlpStatus uses OTLP's status codes: 0 unset, 1 ok, 2 error (Go's codes
// package numbers Error 1 and Ok 2).
func otlpStatus(st sdktrace.Status) *value.Object {
	switch st.Code {
	case codes.Error:
		return value.NewObject("code", int64(2), "message", st.Description)
	case codes.Ok:
		return value.NewObject("code", int64(1))
	}
	return value.NewObject()
}

func otlpAttributes(attrs []attribute.KeyValue) []any {
	list := make([]any, len(attrs))
	for i, kv := range attrs {
		list[i] = value.NewObject("key", string(kv.Key), "value", otlpValue(kv.Value))
	}
	return list
}

// otlpValue encodes an attribute value; 64-bit integers are strings in
// OTLP/JSON.
func otlpValue(v attribute.Value) *value.Object {
	switch v.Type() {
	case attribute.BOOL:
		return value.NewObject("boolValue", v.AsBool())
	case attribute.INT64:
		return value.NewObject("intValue", strconv.FormatInt(v.AsInt64(), 10))
	case attribute.FLOAT64:
		return value.NewObject("doubleValue", v.AsFloat64())
	case attribute.BOOLSLICE, attribute.INT64SLICE, attribute.FLOAT64SLICE, attribute.STRINGSLICE:
		return value.NewObject("arrayValue", value.NewObject("values", sliceValues(v)))
	}
	return value.NewObject("stringValue", v.AsString())
}

func sliceValues(v attribute.Value) []any {
	var out []any
	switch v.Type() {
	case attribute.BOOLSLICE:
		for _, b := range v.AsBoolSlice() {
			out = append(out, otlpValue(attribute.BoolValue(b)))
		}
	case attribute.INT64SLICE:
		for _, n := range v.AsInt64Slice() {
			out = append(out, otlpValue(attribute.Int64Value(n)))
		}
	case attribute.FLOAT64SLICE:
		for _, f := range v.AsFloat64Slice() {
			out = append(out, otlpValue(attribute.Float64Value(f)))
		}
	default:
		for _, s := range v.AsStringSlice() {
			out = append(out, otlpValue(attribute.StringValue(s)))
		}
	}
	return out
}
