package jaeger

import (
	"bytes"
	"math"
	"testing"
	"time"

	"github.com/jaegertracing/jaeger-idl/thrift-gen/jaeger"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

func TestToTagTypes(t *testing.T) {
	str := func(s string) jaeger.Tag { return jaeger.Tag{VType: jaeger.TagType_STRING, VStr: &s} }
	long, dbl, yes := int64(-9), 1.5, true
	tests := []struct {
		kv   attribute.KeyValue
		want jaeger.Tag
	}{
		{attribute.Bool("k", true), jaeger.Tag{VType: jaeger.TagType_BOOL, VBool: &yes}},
		{attribute.Int64("k", -9), jaeger.Tag{VType: jaeger.TagType_LONG, VLong: &long}},
		{attribute.Float64("k", 1.5), jaeger.Tag{VType: jaeger.TagType_DOUBLE, VDouble: &dbl}},
		{attribute.String("k", "v"), str("v")},
		{attribute.StringSlice("k", []string{"a", `"b"`}), str(`["a","\"b\""]`)},
		{attribute.Int64Slice("k", []int64{1, -2}), str(`[1,-2]`)},
		{attribute.BoolSlice("k", []bool{true, false}), str(`[true,false]`)},
		{attribute.Float64Slice("k", []float64{0.5, math.Inf(1)}), str(`[0.5,"Infinity"]`)},
		{attribute.ByteSlice("k", []byte{0, 1, 2}), jaeger.Tag{VType: jaeger.TagType_BINARY, VBinary: []byte{0, 1, 2}}},
		{attribute.Map("k", attribute.String("a", "x"), attribute.Int("b", 2)), str(`{"a":"x","b":2}`)},
		{attribute.Slice("k", attribute.StringValue("a"), attribute.IntValue(3)), str(`["a",3]`)},
	}
	for _, tc := range tests {
		got := toTag(tc.kv)
		if got == nil || !tagsEqual(got, &tc.want) {
			t.Errorf("toTag(%s) = %v, want %v", tc.kv.Value.Type(), got, &tc.want)
		}
	}
	if got := toTag(attribute.KeyValue{Key: "empty"}); got != nil {
		t.Errorf("toTag(empty) = %v, want nil", got)
	}
}

// tagsEqual compares value fields, ignoring the key.
func tagsEqual(a, b *jaeger.Tag) bool {
	return a.VType == b.VType && a.GetVStr() == b.GetVStr() && a.GetVLong() == b.GetVLong() &&
		a.GetVDouble() == b.GetVDouble() && a.GetVBool() == b.GetVBool() && bytes.Equal(a.VBinary, b.VBinary) &&
		a.IsSetVStr() == b.IsSetVStr() && a.IsSetVLong() == b.IsSetVLong() &&
		a.IsSetVDouble() == b.IsSetVDouble() && a.IsSetVBool() == b.IsSetVBool()
}

func TestSpanKindTag(t *testing.T) {
	for kind, want := range map[trace.SpanKind]string{
		trace.SpanKindInternal: "internal",
		trace.SpanKindServer:   "server",
		trace.SpanKindClient:   "client",
		trace.SpanKindProducer: "producer",
		trace.SpanKindConsumer: "consumer",
	} {
		s := toSpan(tracetest.SpanStub{SpanKind: kind}.Snapshot())
		wantStringTag(t, tagsByKey(s.Tags), "span.kind", want)
	}
	s := toSpan(tracetest.SpanStub{SpanKind: trace.SpanKindUnspecified}.Snapshot())
	if tag := tagsByKey(s.Tags)["span.kind"]; tag != nil {
		t.Errorf("unspecified kind gave %v", tag)
	}
}

func TestStatusTags(t *testing.T) {
	unset := toSpan(tracetest.SpanStub{Status: sdktrace.Status{Code: codes.Unset}}.Snapshot())
	if tags := tagsByKey(unset.Tags); tags["error"] != nil || tags["otel.status_code"] != nil {
		t.Errorf("unset status gave tags %v", unset.Tags)
	}
	failed := toSpan(tracetest.SpanStub{Status: sdktrace.Status{Code: codes.Error}}.Snapshot())
	tags := tagsByKey(failed.Tags)
	if tags["error"] == nil || !tags["error"].GetVBool() || tags["otel.status_description"] != nil {
		t.Errorf("error status without description gave %v", failed.Tags)
	}
}

func TestProcessDefaults(t *testing.T) {
	for name, res := range map[string]*resource.Resource{
		"nil":   nil,
		"empty": resource.Empty(),
		"blank": resource.NewSchemaless(attribute.String("service.name", "")),
	} {
		p := toProcess(res)
		if p.ServiceName != DefaultServiceName || len(p.Tags) != 0 {
			t.Errorf("%s resource: process %v, want %q without tags", name, p, DefaultServiceName)
		}
	}
}

func TestEventLogFields(t *testing.T) {
	at := time.Unix(10, 5000)
	s := toSpan(tracetest.SpanStub{Events: []sdktrace.Event{
		{Name: "", Time: at, Attributes: []attribute.KeyValue{attribute.String("event", "custom")}},
		{Name: "trimmed", Time: at, DroppedAttributeCount: 3},
	}}.Snapshot())
	if len(s.Logs) != 2 || s.Logs[0].Timestamp != 10000005 {
		t.Fatalf("logs %v", s.Logs)
	}
	if f := s.Logs[0].Fields; len(f) != 1 || f[0].GetVStr() != "custom" {
		t.Errorf("unnamed event fields %v", f)
	}
	fields := tagsByKey(s.Logs[1].Fields)
	wantStringTag(t, fields, "event", "trimmed")
	if d := fields["otel.event.dropped_attributes_count"]; d == nil || d.GetVLong() != 3 {
		t.Errorf("dropped count field %v", d)
	}
}

func TestToBatchesSkipsNil(t *testing.T) {
	spans := append([]sdktrace.ReadOnlySpan{nil}, fixtureSpans()...)
	batches := toBatches(spans)
	if len(batches) != 1 || len(batches[0].Spans) != 2 {
		t.Fatalf("batches %v", batches)
	}
	checkFixtureBatch(t, batches[0])
}
