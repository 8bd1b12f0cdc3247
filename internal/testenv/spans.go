package testenv

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
)

// Span kinds, as OTLP numbers them (the same numbers as
// go.opentelemetry.io/otel/trace.SpanKind).
const (
	SpanKindUnspecified = 0
	SpanKindInternal    = 1
	SpanKindServer      = 2
	SpanKindClient      = 3
	SpanKindProducer    = 4
	SpanKindConsumer    = 5
)

// Status codes, as OTLP numbers them. Beware: go.opentelemetry.io/otel/codes
// numbers them differently (there Error is 1 and Ok is 2).
const (
	StatusUnset = 0
	StatusOK    = 1
	StatusError = 2
)

// Span is one span as the collector exported it, flattened out of its
// resource and scope.
//
// Attribute values are Go values: string, bool, int64, float64, []byte,
// []any (an OTLP array) or map[string]any (an OTLP key-value list).
type Span struct {
	// TraceID, SpanID and ParentSpanID are lowercase hex; ParentSpanID is
	// empty for a root span.
	TraceID, SpanID, ParentSpanID string
	// TraceState is the W3C tracestate, if any.
	TraceState string
	// Name is the span's name.
	Name string
	// Kind is one of the SpanKind constants.
	Kind int
	// StartUnixNano and EndUnixNano are the span's start and end times.
	StartUnixNano, EndUnixNano uint64
	// Attributes are the span's attributes (nil when it has none).
	Attributes map[string]any
	// Status is the span's status.
	Status Status
	// Events are the span's events, in order.
	Events []Event
	// Links are the span's links, in order.
	Links []Link
	// Resource holds the attributes of the span's resource, e.g.
	// "service.name".
	Resource map[string]any
	// Scope and ScopeVersion name the instrumentation scope (the tracer).
	Scope, ScopeVersion string
}

// Status is a span's status.
type Status struct {
	// Code is one of StatusUnset, StatusOK and StatusError.
	Code int
	// Message is the description that goes with StatusError.
	Message string
}

// Event is an event recorded on a span.
type Event struct {
	// Name is the event's name, e.g. "exception".
	Name string
	// TimeUnixNano is when the event happened.
	TimeUnixNano uint64
	// Attributes are the event's attributes (nil when it has none).
	Attributes map[string]any
}

// Link is a span's link to another span.
type Link struct {
	// TraceID and SpanID identify the linked span, in lowercase hex.
	TraceID, SpanID string
	// Attributes are the link's attributes (nil when it has none).
	Attributes map[string]any
}

// SpansNamed returns the spans in spans whose Name is name, in order.
func SpansNamed(spans []Span, name string) []Span {
	var out []Span
	for _, s := range spans {
		if s.Name == name {
			out = append(out, s)
		}
	}
	return out
}

// The otlp* types mirror the OTLP JSON encoding (ExportTraceServiceRequest
// as written by the collector's file exporter) as far as Span needs.

type otlpTraces struct {
	ResourceSpans []struct {
		Resource struct {
			Attributes []otlpKeyValue `json:"attributes"`
		} `json:"resource"`
		ScopeSpans []struct {
			Scope struct {
				Name    string `json:"name"`
				Version string `json:"version"`
			} `json:"scope"`
			Spans []otlpSpan `json:"spans"`
		} `json:"scopeSpans"`
	} `json:"resourceSpans"`
}

type otlpSpan struct {
	TraceID           string         `json:"traceId"`
	SpanID            string         `json:"spanId"`
	ParentSpanID      string         `json:"parentSpanId"`
	TraceState        string         `json:"traceState"`
	Name              string         `json:"name"`
	Kind              int            `json:"kind"`
	StartTimeUnixNano otlpUint64     `json:"startTimeUnixNano"`
	EndTimeUnixNano   otlpUint64     `json:"endTimeUnixNano"`
	Attributes        []otlpKeyValue `json:"attributes"`
	Events            []struct {
		TimeUnixNano otlpUint64     `json:"timeUnixNano"`
		Name         string         `json:"name"`
		Attributes   []otlpKeyValue `json:"attributes"`
	} `json:"events"`
	Links []struct {
		TraceID    string         `json:"traceId"`
		SpanID     string         `json:"spanId"`
		Attributes []otlpKeyValue `json:"attributes"`
	} `json:"links"`
	Status struct {
		Message string `json:"message"`
		Code    int    `json:"code"`
	} `json:"status"`
}

type otlpKeyValue struct {
	Key   string       `json:"key"`
	Value otlpAnyValue `json:"value"`
}

type otlpAnyValue struct {
	StringValue *string    `json:"stringValue"`
	BoolValue   *bool      `json:"boolValue"`
	IntValue    *otlpInt64 `json:"intValue"`
	DoubleValue *float64   `json:"doubleValue"`
	BytesValue  *string    `json:"bytesValue"`
	ArrayValue  *struct {
		Values []otlpAnyValue `json:"values"`
	} `json:"arrayValue"`
	KvlistValue *struct {
		Values []otlpKeyValue `json:"values"`
	} `json:"kvlistValue"`
}

// otlpUint64 is a uint64 that OTLP JSON writes as a decimal string (or,
// from some writers, a number).
type otlpUint64 uint64

// UnmarshalJSON implements json.Unmarshaler.
func (u *otlpUint64) UnmarshalJSON(b []byte) error {
	v, err := strconv.ParseUint(string(bytes.Trim(b, `"`)), 10, 64)
	*u = otlpUint64(v)
	return err
}

// otlpInt64 is an int64 that OTLP JSON writes as a decimal string (or,
// from some writers, a number).
type otlpInt64 int64

// UnmarshalJSON implements json.Unmarshaler.
func (i *otlpInt64) UnmarshalJSON(b []byte) error {
	v, err := strconv.ParseInt(string(bytes.Trim(b, `"`)), 10, 64)
	*i = otlpInt64(v)
	return err
}

// value converts v to the Go value that Span's attribute maps hold.
func (v otlpAnyValue) value() (any, error) {
	switch {
	case v.StringValue != nil:
		return *v.StringValue, nil
	case v.BoolValue != nil:
		return *v.BoolValue, nil
	case v.IntValue != nil:
		return int64(*v.IntValue), nil
	case v.DoubleValue != nil:
		return *v.DoubleValue, nil
	case v.BytesValue != nil:
		return base64.StdEncoding.DecodeString(*v.BytesValue)
	case v.ArrayValue != nil:
		out := make([]any, 0, len(v.ArrayValue.Values))
		for _, e := range v.ArrayValue.Values {
			x, err := e.value()
			if err != nil {
				return nil, err
			}
			out = append(out, x)
		}
		return out, nil
	case v.KvlistValue != nil:
		return attributes(v.KvlistValue.Values)
	}
	return nil, nil // an empty AnyValue
}

// attributes converts OTLP key-values to a map, nil when there are none.
func attributes(kvs []otlpKeyValue) (map[string]any, error) {
	if len(kvs) == 0 {
		return nil, nil
	}
	out := make(map[string]any, len(kvs))
	for _, kv := range kvs {
		v, err := kv.Value.value()
		if err != nil {
			return nil, fmt.Errorf("attribute %q: %w", kv.Key, err)
		}
		out[kv.Key] = v
	}
	return out, nil
}

// parseSpans parses the file exporter's output: one OTLP JSON
// ExportTraceServiceRequest per line. A last line without its newline is
// being written and is left for the next read.
func parseSpans(data []byte) ([]Span, error) {
	var spans []Span
	for lineNo := 1; len(data) > 0; lineNo++ {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			break
		}
		line := bytes.TrimSpace(data[:i])
		data = data[i+1:]
		if len(line) == 0 {
			continue
		}
		s, err := parseLine(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", lineNo, err)
		}
		spans = append(spans, s...)
	}
	return spans, nil
}

// parseLine parses one OTLP JSON ExportTraceServiceRequest.
func parseLine(line []byte) ([]Span, error) {
	var t otlpTraces
	if err := json.Unmarshal(line, &t); err != nil {
		return nil, err
	}
	var spans []Span
	for _, rs := range t.ResourceSpans {
		for _, ss := range rs.ScopeSpans {
			for _, sp := range ss.Spans {
				// Each span gets its own resource map, so that a test that
				// changes one span's cannot change another's.
				res, err := attributes(rs.Resource.Attributes)
				if err != nil {
					return nil, fmt.Errorf("resource: %w", err)
				}
				s := Span{
					TraceID:       sp.TraceID,
					SpanID:        sp.SpanID,
					ParentSpanID:  sp.ParentSpanID,
					TraceState:    sp.TraceState,
					Name:          sp.Name,
					Kind:          sp.Kind,
					StartUnixNano: uint64(sp.StartTimeUnixNano),
					EndUnixNano:   uint64(sp.EndTimeUnixNano),
					Status:        Status{Code: sp.Status.Code, Message: sp.Status.Message},
					Resource:      res,
					Scope:         ss.Scope.Name,
					ScopeVersion:  ss.Scope.Version,
				}
				if s.Attributes, err = attributes(sp.Attributes); err != nil {
					return nil, fmt.Errorf("span %q: %w", sp.Name, err)
				}
				for _, e := range sp.Events {
					a, err := attributes(e.Attributes)
					if err != nil {
						return nil, fmt.Errorf("span %q event %q: %w", sp.Name, e.Name, err)
					}
					s.Events = append(s.Events, Event{Name: e.Name, TimeUnixNano: uint64(e.TimeUnixNano), Attributes: a})
				}
				for _, l := range sp.Links {
					a, err := attributes(l.Attributes)
					if err != nil {
						return nil, fmt.Errorf("span %q link: %w", sp.Name, err)
					}
					s.Links = append(s.Links, Link{TraceID: l.TraceID, SpanID: l.SpanID, Attributes: a})
				}
				spans = append(spans, s)
			}
		}
	}
	return spans, nil
}
