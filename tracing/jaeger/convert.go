package jaeger

import (
	"encoding/binary"

	"github.com/jaegertracing/jaeger-idl/thrift-gen/jaeger"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// DefaultServiceName is the Jaeger service name of spans whose resource has
// no service.name.
const DefaultServiceName = "chaostoolkit"

// Tag keys written by the conversion, as the removed OpenTelemetry Jaeger
// exporter wrote them, except the instrumentation scope: the current
// rules for non-OTLP formats name it otel.scope.*, which is what the
// Collector's Jaeger receiver turns back into the span's scope (the older
// otel.library.* keys would arrive as plain attributes).
const (
	keyServiceName   = "service.name"
	keyScopeName     = "otel.scope.name"
	keyScopeVersion  = "otel.scope.version"
	keyError         = "error"
	keySpanKind      = "span.kind"
	keyStatusCode    = "otel.status_code"
	keyStatusMessage = "otel.status_description"
	keyEventName     = "event"
	keyEventDropped  = "otel.event.dropped_attributes_count"
)

// toBatches converts spans into one Batch per distinct resource, in the
// order the resources first appear.
func toBatches(spans []sdktrace.ReadOnlySpan) []*jaeger.Batch {
	var batches []*jaeger.Batch
	index := make(map[attribute.Distinct]int, 1)
	for _, s := range spans {
		if s == nil {
			continue
		}
		key := s.Resource().Equivalent()
		i, ok := index[key]
		if !ok {
			i = len(batches)
			index[key] = i
			batches = append(batches, &jaeger.Batch{Process: toProcess(s.Resource())})
		}
		batches[i].Spans = append(batches[i].Spans, toSpan(s))
	}
	return batches
}

// toProcess maps a resource to a Process: service.name becomes the service
// name and every other attribute a tag.
func toProcess(res *resource.Resource) *jaeger.Process {
	p := &jaeger.Process{ServiceName: DefaultServiceName}
	for _, kv := range res.Attributes() {
		if kv.Key == keyServiceName {
			if name := kv.Value.AsString(); name != "" {
				p.ServiceName = name
			}
			continue
		}
		if tag := toTag(kv); tag != nil {
			p.Tags = append(p.Tags, tag)
		}
	}
	return p
}

// toSpan maps one finished span to its Jaeger form.
func toSpan(s sdktrace.ReadOnlySpan) *jaeger.Span {
	sc := s.SpanContext()
	high, low := traceIDParts(sc.TraceID())
	start := s.StartTime()
	return &jaeger.Span{
		TraceIdHigh:   high,
		TraceIdLow:    low,
		SpanId:        spanIDInt(sc.SpanID()),
		ParentSpanId:  spanIDInt(s.Parent().SpanID()),
		OperationName: s.Name(),
		References:    toReferences(s),
		Flags:         int32(sc.TraceFlags()),
		StartTime:     start.UnixMicro(),
		Duration:      max(s.EndTime().Sub(start).Microseconds(), 0),
		Tags:          spanTags(s),
		Logs:          toLogs(s.Events()),
	}
}

// traceIDParts splits a trace id into its big-endian high and low halves.
func traceIDParts(id trace.TraceID) (high, low int64) {
	return int64(binary.BigEndian.Uint64(id[:8])), int64(binary.BigEndian.Uint64(id[8:]))
}

func spanIDInt(id trace.SpanID) int64 {
	return int64(binary.BigEndian.Uint64(id[:]))
}

// toReferences gives the parent as a CHILD_OF reference and each link as a
// FOLLOWS_FROM one.
func toReferences(s sdktrace.ReadOnlySpan) []*jaeger.SpanRef {
	links := s.Links()
	parent := s.Parent()
	if len(links) == 0 && !parent.IsValid() {
		return nil
	}
	refs := make([]*jaeger.SpanRef, 0, len(links)+1)
	if parent.IsValid() {
		refs = append(refs, toRef(jaeger.SpanRefType_CHILD_OF, s.SpanContext().TraceID(), parent.SpanID()))
	}
	for _, l := range links {
		refs = append(refs, toRef(jaeger.SpanRefType_FOLLOWS_FROM, l.SpanContext.TraceID(), l.SpanContext.SpanID()))
	}
	return refs
}

func toRef(t jaeger.SpanRefType, tid trace.TraceID, sid trace.SpanID) *jaeger.SpanRef {
	high, low := traceIDParts(tid)
	return &jaeger.SpanRef{RefType: t, TraceIdHigh: high, TraceIdLow: low, SpanId: spanIDInt(sid)}
}

// spanTags gives the span's attributes followed by the tags describing its
// scope, kind and status.
func spanTags(s sdktrace.ReadOnlySpan) []*jaeger.Tag {
	attrs := s.Attributes()
	tags := make([]*jaeger.Tag, 0, len(attrs)+6)
	tags = appendTags(tags, attrs)
	if scope := s.InstrumentationScope(); scope.Name != "" {
		tags = append(tags, stringTag(keyScopeName, scope.Name))
		if scope.Version != "" {
			tags = append(tags, stringTag(keyScopeVersion, scope.Version))
		}
	}
	if kind := s.SpanKind(); kind != trace.SpanKindUnspecified {
		tags = append(tags, stringTag(keySpanKind, kind.String()))
	}
	return appendStatusTags(tags, s.Status())
}

func appendStatusTags(tags []*jaeger.Tag, st sdktrace.Status) []*jaeger.Tag {
	switch st.Code {
	case codes.Ok:
		tags = append(tags, stringTag(keyStatusCode, "OK"))
	case codes.Error:
		tags = append(tags, boolTag(keyError, true), stringTag(keyStatusCode, "ERROR"))
	default:
		return tags
	}
	if st.Description != "" {
		tags = append(tags, stringTag(keyStatusMessage, st.Description))
	}
	return tags
}

// toLogs maps events to logs whose first field, "event", is the event's
// name.
func toLogs(events []sdktrace.Event) []*jaeger.Log {
	if len(events) == 0 {
		return nil
	}
	logs := make([]*jaeger.Log, 0, len(events))
	for _, ev := range events {
		fields := make([]*jaeger.Tag, 0, len(ev.Attributes)+2)
		if ev.Name != "" {
			fields = append(fields, stringTag(keyEventName, ev.Name))
		}
		fields = appendTags(fields, ev.Attributes)
		if ev.DroppedAttributeCount > 0 {
			fields = append(fields, longTag(keyEventDropped, int64(ev.DroppedAttributeCount)))
		}
		logs = append(logs, &jaeger.Log{Timestamp: ev.Time.UnixMicro(), Fields: fields})
	}
	return logs
}

func appendTags(tags []*jaeger.Tag, attrs []attribute.KeyValue) []*jaeger.Tag {
	for _, kv := range attrs {
		if tag := toTag(kv); tag != nil {
			tags = append(tags, tag)
		}
	}
	return tags
}

// toTag maps an attribute to a tag of the matching type: bool, long, double
// and string as such, byte slices as binary, and slices and maps as their
// JSON text. Empty values give nil.
func toTag(kv attribute.KeyValue) *jaeger.Tag {
	k := string(kv.Key)
	switch v := kv.Value; v.Type() {
	case attribute.BOOL:
		return boolTag(k, v.AsBool())
	case attribute.INT64:
		return longTag(k, v.AsInt64())
	case attribute.FLOAT64:
		f := v.AsFloat64()
		return &jaeger.Tag{Key: k, VType: jaeger.TagType_DOUBLE, VDouble: &f}
	case attribute.STRING:
		return stringTag(k, v.AsString())
	case attribute.BYTESLICE:
		return &jaeger.Tag{Key: k, VType: jaeger.TagType_BINARY, VBinary: v.AsByteSlice()}
	case attribute.EMPTY:
		return nil
	default:
		// Slices and maps: Value.String renders them as JSON.
		return stringTag(k, v.String())
	}
}

func stringTag(k, s string) *jaeger.Tag {
	return &jaeger.Tag{Key: k, VType: jaeger.TagType_STRING, VStr: &s}
}

func boolTag(k string, b bool) *jaeger.Tag {
	return &jaeger.Tag{Key: k, VType: jaeger.TagType_BOOL, VBool: &b}
}

func longTag(k string, i int64) *jaeger.Tag {
	return &jaeger.Tag{Key: k, VType: jaeger.TagType_LONG, VLong: &i}
}
