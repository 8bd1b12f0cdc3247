package report

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/chaostracing/chaostracing/value"
)

// Trace is the spans of one trace, in start order.
type Trace struct {
	// ID is the trace id, lowercase hex.
	ID string
	// Spans are the trace's spans, each once, in start order.
	Spans []*Span
}

// Span is one span read from an OTLP JSON file.
type Span struct {
	// TraceID, SpanID and ParentID are lowercase hex; ParentID is "" for
	// a root span.
	TraceID, SpanID, ParentID string
	// Name is the span's name.
	Name string
	// Kind is "internal", "server", "client", "producer", "consumer" or
	// "" (unspecified).
	Kind string
	// Start and End bound the span.
	Start, End time.Time
	// Attributes are the span's attributes, in the file's order.
	Attributes []Attr
	// StatusCode is "unset", "ok" or "error"; StatusMessage goes with
	// "error".
	StatusCode, StatusMessage string
	// Events are the span's events, in order.
	Events []Event
	// Resource holds the attributes of the span's resource.
	Resource []Attr
	// Scope names the tracer (instrumentation scope) that made the span.
	Scope string
}

// Attr returns the value of the span attribute key, and whether it is
// set.
func (s *Span) Attr(key string) (any, bool) { return attrValue(s.Attributes, key) }

func attrValue(attrs []Attr, key string) (any, bool) {
	for _, a := range attrs {
		if a.Key == key {
			return a.Value, true
		}
	}
	return nil, false
}

// ReadOTLPFile reads an OTLP JSON trace file and returns its traces in the
// order they first appear. It reads what the OpenTelemetry Collector's
// file exporter writes and the OpenTelemetry file format: one
// ExportTraceServiceRequest (resourceSpans → scopeSpans → spans) per line;
// also a single indented document, or a JSON array of them. Ids may be hex,
// as OTLP/JSON has them, or base64, as a generic protobuf JSON encoder
// writes them. A span exported twice (a retried export) is kept once.
func ReadOTLPFile(path string) ([]*Trace, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read trace file: %w", err)
	}
	defer f.Close()
	traces, err := ParseOTLP(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return traces, nil
}

// ParseOTLP reads OTLP JSON trace data as ReadOTLPFile does.
func ParseOTLP(r io.Reader) ([]*Trace, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	p := &otlpParser{byID: map[string]*Trace{}, seen: map[string]bool{}}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) > 0 && trimmed[0] == '[' {
		var docs []json.RawMessage
		if err := json.Unmarshal(trimmed, &docs); err != nil {
			return nil, fmt.Errorf("not OTLP JSON: %w", err)
		}
		for i, d := range docs {
			if err := p.document(d); err != nil {
				return nil, fmt.Errorf("document %d: %w", i+1, err)
			}
		}
	} else {
		dec := json.NewDecoder(bytes.NewReader(data))
		for n := 1; ; n++ {
			var doc json.RawMessage
			if err := dec.Decode(&doc); err == io.EOF {
				break
			} else if err != nil {
				return nil, fmt.Errorf("not OTLP JSON: %s", lineOf(data, dec.InputOffset(), err))
			}
			if err := p.document(doc); err != nil {
				return nil, fmt.Errorf("%s: %w", lineAt(data, dec.InputOffset()), err)
			}
		}
	}
	if p.spans == 0 {
		return nil, errors.New("no spans found: expected OTLP JSON (resourceSpans → scopeSpans → spans), one export request per line")
	}
	for _, t := range p.traces {
		slices.SortStableFunc(t.Spans, func(a, b *Span) int { return a.Start.Compare(b.Start) })
	}
	return p.traces, nil
}

// lineOf words a decoding error with the line it happened on.
func lineOf(data []byte, off int64, err error) string {
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		off = syntax.Offset
	}
	return fmt.Sprintf("%s: %v", lineAt(data, off), err)
}

// lineAt names the line holding byte offset off.
func lineAt(data []byte, off int64) string {
	off = min(max(off, 0), int64(len(data)))
	line := 1 + bytes.Count(data[:off], []byte{'\n'})
	if off > 0 && data[off-1] == '\n' {
		line--
	}
	return "line " + strconv.Itoa(line)
}

type otlpParser struct {
	traces []*Trace
	byID   map[string]*Trace
	seen   map[string]bool
	spans  int
}

// The otlp* types mirror ExportTraceServiceRequest in OTLP JSON; the
// older instrumentationLibrarySpans spelling is read too.
type otlpDoc struct {
	ResourceSpans []otlpResourceSpans `json:"resourceSpans"`
}

type otlpResourceSpans struct {
	Resource struct {
		Attributes []otlpKeyValue `json:"attributes"`
	} `json:"resource"`
	ScopeSpans                  []otlpScopeSpans `json:"scopeSpans"`
	InstrumentationLibrarySpans []otlpScopeSpans `json:"instrumentationLibrarySpans"`
}

type otlpScopeSpans struct {
	Scope struct {
		Name string `json:"name"`
	} `json:"scope"`
	InstrumentationLibrary struct {
		Name string `json:"name"`
	} `json:"instrumentationLibrary"`
	Spans []otlpSpan `json:"spans"`
}

type otlpSpan struct {
	TraceID           string         `json:"traceId"`
	SpanID            string         `json:"spanId"`
	ParentSpanID      string         `json:"parentSpanId"`
	Name              string         `json:"name"`
	Kind              otlpEnum       `json:"kind"`
	StartTimeUnixNano otlpUint64     `json:"startTimeUnixNano"`
	EndTimeUnixNano   otlpUint64     `json:"endTimeUnixNano"`
	Attributes        []otlpKeyValue `json:"attributes"`
	Events            []struct {
		TimeUnixNano otlpUint64     `json:"timeUnixNano"`
		Name         string         `json:"name"`
		Attributes   []otlpKeyValue `json:"attributes"`
	} `json:"events"`
	Status struct {
		Code    otlpEnum `json:"code"`
		Message string   `json:"message"`
	} `json:"status"`
}

type otlpKeyValue struct {
	Key   string       `json:"key"`
	Value otlpAnyValue `json:"value"`
}

type otlpAnyValue struct {
	StringValue *string     `json:"stringValue"`
	BoolValue   *bool       `json:"boolValue"`
	IntValue    *otlpUint64 `json:"intValue"`
	DoubleValue *float64    `json:"doubleValue"`
	BytesValue  *string     `json:"bytesValue"`
	ArrayValue  *struct {
		Values []otlpAnyValue `json:"values"`
	} `json:"arrayValue"`
	KvlistValue *struct {
		Values []otlpKeyValue `json:"values"`
	} `json:"kvlistValue"`
}

// otlpUint64 is a 64-bit integer OTLP JSON writes as a decimal string (or,
// from some writers, a number). Negative intValues wrap around, as in
// protobuf; value() turns them back.
type otlpUint64 uint64

// UnmarshalJSON implements json.Unmarshaler.
func (u *otlpUint64) UnmarshalJSON(b []byte) error {
	s := string(bytes.Trim(b, `"`))
	if s == "null" || s == "" {
		return nil
	}
	if strings.HasPrefix(s, "-") {
		v, err := strconv.ParseInt(s, 10, 64)
		*u = otlpUint64(v)
		return err
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		// A number written in exponent form by a lax writer.
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil {
			return err
		}
		v = uint64(f)
	}
	*u = otlpUint64(v)
	return nil
}

// otlpEnum is an enum OTLP JSON writes as a number, and protobuf JSON as
// the value's name ("SPAN_KIND_CLIENT", "STATUS_CODE_ERROR").
type otlpEnum struct {
	n    int
	name string
}

// UnmarshalJSON implements json.Unmarshaler.
func (e *otlpEnum) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &e.name)
	}
	if string(b) == "null" {
		return nil
	}
	return json.Unmarshal(b, &e.n)
}

var spanKinds = []string{"", "internal", "server", "client", "producer", "consumer"}

// kind returns the span kind's short name.
func (e otlpEnum) kind() string {
	if e.name != "" {
		return strings.ToLower(strings.TrimPrefix(e.name, "SPAN_KIND_"))
	}
	if e.n > 0 && e.n < len(spanKinds) {
		return spanKinds[e.n]
	}
	return ""
}

// status returns the status code's short name.
func (e otlpEnum) status() string {
	if e.name != "" {
		switch strings.ToLower(strings.TrimPrefix(e.name, "STATUS_CODE_")) {
		case "ok":
			return "ok"
		case "error":
			return "error"
		}
		return "unset"
	}
	switch e.n {
	case 1:
		return "ok"
	case 2:
		return "error"
	}
	return "unset"
}

func (p *otlpParser) document(raw json.RawMessage) error {
	var doc otlpDoc
	if err := json.Unmarshal(raw, &doc); err != nil {
		return fmt.Errorf("not an OTLP JSON trace export: %w", err)
	}
	for _, rs := range doc.ResourceSpans {
		res := attrs(rs.Resource.Attributes)
		for _, ss := range append(rs.ScopeSpans, rs.InstrumentationLibrarySpans...) {
			scope := ss.Scope.Name
			if scope == "" {
				scope = ss.InstrumentationLibrary.Name
			}
			for _, sp := range ss.Spans {
				if err := p.span(sp, res, scope); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (p *otlpParser) span(sp otlpSpan, res []Attr, scope string) error {
	traceID, err := decodeID(sp.TraceID, 16)
	if err != nil || traceID == "" {
		return fmt.Errorf("span %q: bad traceId %q", sp.Name, sp.TraceID)
	}
	spanID, err := decodeID(sp.SpanID, 8)
	if err != nil || spanID == "" {
		return fmt.Errorf("span %q: bad spanId %q", sp.Name, sp.SpanID)
	}
	parentID, err := decodeID(sp.ParentSpanID, 8)
	if err != nil {
		return fmt.Errorf("span %q: bad parentSpanId %q", sp.Name, sp.ParentSpanID)
	}
	key := traceID + "/" + spanID
	if p.seen[key] {
		return nil
	}
	p.seen[key] = true
	p.spans++
	s := &Span{
		TraceID: traceID, SpanID: spanID, ParentID: parentID,
		Name:          sp.Name,
		Kind:          sp.Kind.kind(),
		Start:         unixNano(sp.StartTimeUnixNano),
		End:           unixNano(sp.EndTimeUnixNano),
		Attributes:    attrs(sp.Attributes),
		StatusCode:    sp.Status.Code.status(),
		StatusMessage: sp.Status.Message,
		Resource:      res,
		Scope:         scope,
	}
	if s.End.Before(s.Start) {
		s.End = s.Start
	}
	for _, e := range sp.Events {
		s.Events = append(s.Events, Event{Name: e.Name, Time: unixNano(e.TimeUnixNano), Attributes: attrs(e.Attributes)})
	}
	t := p.byID[traceID]
	if t == nil {
		t = &Trace{ID: traceID}
		p.byID[traceID] = t
		p.traces = append(p.traces, t)
	}
	t.Spans = append(t.Spans, s)
	return nil
}

func unixNano(n otlpUint64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, int64(n)).UTC()
}

// decodeID turns an id written as hex (OTLP JSON) or base64 (protobuf
// JSON) into lowercase hex; an empty or all-zero id is "".
func decodeID(s string, size int) (string, error) {
	if s == "" {
		return "", nil
	}
	var b []byte
	var err error
	if len(s) == 2*size {
		b, err = hex.DecodeString(s)
	} else {
		b, err = base64.StdEncoding.DecodeString(s)
		if err != nil {
			b, err = base64.RawStdEncoding.DecodeString(s)
		}
		if err != nil {
			b, err = base64.URLEncoding.DecodeString(s)
		}
	}
	if err != nil {
		return "", err
	}
	if len(b) != size {
		return "", fmt.Errorf("%d bytes, want %d", len(b), size)
	}
	if bytes.Count(b, []byte{0}) == len(b) {
		return "", nil
	}
	return hex.EncodeToString(b), nil
}

// attrs converts OTLP key-values, in order.
func attrs(kvs []otlpKeyValue) []Attr {
	if len(kvs) == 0 {
		return nil
	}
	out := make([]Attr, 0, len(kvs))
	for _, kv := range kvs {
		out = append(out, Attr{Key: kv.Key, Value: kv.Value.value()})
	}
	return out
}

// value converts an OTLP AnyValue to the Go value Attr holds.
func (v otlpAnyValue) value() any {
	switch {
	case v.StringValue != nil:
		return *v.StringValue
	case v.BoolValue != nil:
		return *v.BoolValue
	case v.IntValue != nil:
		return int64(*v.IntValue)
	case v.DoubleValue != nil:
		return *v.DoubleValue
	case v.BytesValue != nil:
		b, err := base64.StdEncoding.DecodeString(*v.BytesValue)
		if err != nil {
			return *v.BytesValue
		}
		return b
	case v.ArrayValue != nil:
		out := make([]any, 0, len(v.ArrayValue.Values))
		for _, e := range v.ArrayValue.Values {
			out = append(out, e.value())
		}
		return out
	case v.KvlistValue != nil:
		o := &value.Object{}
		for _, kv := range v.KvlistValue.Values {
			o.Set(kv.Key, kv.Value.value())
		}
		return o
	}
	return nil
}

// AttrString renders an attribute value for display: strings as they are,
// other values as compact JSON.
func AttrString(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case nil:
		return "null"
	case []byte:
		return base64.StdEncoding.EncodeToString(t)
	case []any:
		conv := make([]any, len(t))
		for i, x := range t {
			if b, ok := x.([]byte); ok {
				conv[i] = base64.StdEncoding.EncodeToString(b)
			} else {
				conv[i] = x
			}
		}
		v = conv
	}
	var buf bytes.Buffer
	if err := value.Encode(&buf, v, ""); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimRight(buf.String(), "\n")
}
