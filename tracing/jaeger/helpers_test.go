package jaeger

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/apache/thrift/lib/go/thrift"
	"github.com/jaegertracing/jaeger-idl/thrift-gen/agent"
	"github.com/jaegertracing/jaeger-idl/thrift-gen/jaeger"
	"github.com/jaegertracing/jaeger-idl/thrift-gen/zipkincore"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/instrumentation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// Fixture ids: the high bytes are set so that the int64 halves are negative.
var (
	fxTraceID = trace.TraceID{0x81, 2, 3, 4, 5, 6, 7, 8, 0xf9, 10, 11, 12, 13, 14, 15, 16}
	fxRootID  = trace.SpanID{0xa1, 0, 0, 0, 0, 0, 0, 1}
	fxChildID = trace.SpanID{0, 0, 0, 0, 0, 0, 0, 2}
	fxLinkTID = trace.TraceID{0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 8}
	fxLinkSID = trace.SpanID{0, 0, 0, 0, 0, 0, 0, 9}
	fxStart   = time.Unix(1700000000, 123456789)
)

const (
	fxTraceHigh = int64(-0x7efdfcfbfaf9f8f8) // 0x8102030405060708
	fxTraceLow  = int64(-0x06f5f4f3f2f1f0f0) // 0xf90a0b0c0d0e0f10
	fxRootInt   = int64(-0x5effffffffffffff) // 0xa100000000000001
)

func spanContext(tid trace.TraceID, sid trace.SpanID) trace.SpanContext {
	return trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: trace.FlagsSampled})
}

func fixtureResource() *resource.Resource {
	return resource.NewSchemaless(
		attribute.String("service.name", "chaos-run"),
		attribute.String("host.name", "box"),
		attribute.Int("process.pid", 42),
	)
}

// fixtureSpans gives a root span carrying every attribute type and an
// erroring child with an event and a link.
func fixtureSpans() []sdktrace.ReadOnlySpan {
	res := fixtureResource()
	scope := instrumentation.Scope{Name: "chaostracing", Version: "0.1.0"}
	root := tracetest.SpanStub{
		Name:        "experiment",
		SpanContext: spanContext(fxTraceID, fxRootID),
		SpanKind:    trace.SpanKindServer,
		StartTime:   fxStart,
		EndTime:     fxStart.Add(1500 * time.Millisecond),
		Attributes: []attribute.KeyValue{
			attribute.Bool("dry", true),
			attribute.Int64("count", -3),
			attribute.Float64("ratio", 0.25),
			attribute.String("title", "kill pods"),
			attribute.StringSlice("tags", []string{"k8s", "pod"}),
		},
		Status:               sdktrace.Status{Code: codes.Ok},
		InstrumentationScope: scope,
		Resource:             res,
	}
	child := tracetest.SpanStub{
		Name:        "activity",
		SpanContext: spanContext(fxTraceID, fxChildID),
		Parent:      spanContext(fxTraceID, fxRootID),
		SpanKind:    trace.SpanKindInternal,
		StartTime:   fxStart.Add(10 * time.Millisecond),
		EndTime:     fxStart.Add(510 * time.Millisecond),
		Status:      sdktrace.Status{Code: codes.Error, Description: "probe failed"},
		Events: []sdktrace.Event{{
			Name:       "retry",
			Time:       fxStart.Add(20 * time.Millisecond),
			Attributes: []attribute.KeyValue{attribute.Int("attempt", 2)},
		}},
		Links:                []sdktrace.Link{{SpanContext: spanContext(fxLinkTID, fxLinkSID)}},
		InstrumentationScope: scope,
		Resource:             res,
	}
	return tracetest.SpanStubs{root, child}.Snapshots()
}

// manySpans gives n spans of one trace under one resource.
func manySpans(n int, attrs ...attribute.KeyValue) []sdktrace.ReadOnlySpan {
	stubs := make(tracetest.SpanStubs, n)
	for i := range stubs {
		var sid trace.SpanID
		binary.BigEndian.PutUint64(sid[:], uint64(i+1))
		stubs[i] = tracetest.SpanStub{
			Name:        "span-" + strings.Repeat("x", i%7),
			SpanContext: spanContext(fxTraceID, sid),
			Parent:      spanContext(fxTraceID, fxRootID),
			StartTime:   fxStart,
			EndTime:     fxStart.Add(time.Millisecond),
			Attributes:  attrs,
			Resource:    fixtureResource(),
		}
	}
	return stubs.Snapshots()
}

// batchCatcher is an agent.Agent that keeps the batches it is given.
type batchCatcher struct{ batches []*jaeger.Batch }

func (c *batchCatcher) EmitZipkinBatch(context.Context, []*zipkincore.Span) error {
	return errors.New("unexpected emitZipkinBatch")
}

func (c *batchCatcher) EmitBatch(_ context.Context, b *jaeger.Batch) error {
	c.batches = append(c.batches, b)
	return nil
}

// decodeDatagram decodes one agent datagram with the generated processor,
// as an agent does, and requires it to hold exactly one emitBatch call.
func decodeDatagram(t testing.TB, data []byte) *jaeger.Batch {
	t.Helper()
	buf := thrift.NewTMemoryBuffer()
	buf.Write(data)
	proto := thrift.NewTCompactProtocolConf(buf, &thrift.TConfiguration{})
	catcher := &batchCatcher{}
	ok, err := agent.NewAgentProcessor(catcher).Process(context.Background(), proto, proto)
	if !ok || err != nil {
		t.Fatalf("processing datagram: ok=%v err=%v", ok, err)
	}
	if len(catcher.batches) != 1 || buf.Len() != 0 {
		t.Fatalf("datagram held %d batches, %d bytes left over", len(catcher.batches), buf.Len())
	}
	return catcher.batches[0]
}

// decodeBinary decodes a thrift binary Batch as the collector's HTTP
// endpoint does.
func decodeBinary(body []byte) (*jaeger.Batch, error) {
	b := &jaeger.Batch{}
	err := thrift.NewTDeserializer().Read(context.Background(), b, body)
	return b, err
}

// udpCollector receives datagrams on a loopback port.
type udpCollector struct {
	conn    net.PacketConn
	packets chan []byte
}

func newUDPCollector(t *testing.T) *udpCollector {
	t.Helper()
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return startUDPCollector(t, conn)
}

// startUDPCollector reads conn until the test ends.
func startUDPCollector(t *testing.T, conn net.PacketConn) *udpCollector {
	if uc, ok := conn.(*net.UDPConn); ok {
		_ = uc.SetReadBuffer(4 << 20)
	}
	c := &udpCollector{conn: conn, packets: make(chan []byte, 4096)}
	done := make(chan struct{})
	go c.read(done)
	t.Cleanup(func() {
		_ = conn.Close()
		<-done
	})
	return c
}

func (c *udpCollector) addr() string { return c.conn.LocalAddr().String() }

func (c *udpCollector) read(done chan<- struct{}) {
	defer close(done)
	defer close(c.packets)
	buf := make([]byte, 1<<16)
	for {
		n, _, err := c.conn.ReadFrom(buf)
		if err != nil {
			return
		}
		select {
		case c.packets <- bytes.Clone(buf[:n]):
		default: // the test is not reading; drop
		}
	}
}

// next waits for one datagram.
func (c *udpCollector) next(t *testing.T) []byte {
	t.Helper()
	select {
	case p := <-c.packets:
		return p
	case <-time.After(5 * time.Second):
		t.Fatal("no datagram received")
		return nil
	}
}

// none asserts that nothing arrives for a short while.
func (c *udpCollector) none(t *testing.T) {
	t.Helper()
	select {
	case p := <-c.packets:
		t.Fatalf("unexpected datagram of %d bytes", len(p))
	case <-time.After(100 * time.Millisecond):
	}
}

func tagsByKey(tags []*jaeger.Tag) map[string]*jaeger.Tag {
	m := make(map[string]*jaeger.Tag, len(tags))
	for _, tag := range tags {
		m[tag.Key] = tag
	}
	return m
}

func wantStringTag(t *testing.T, tags map[string]*jaeger.Tag, key, want string) {
	t.Helper()
	tag := tags[key]
	if tag == nil || tag.VType != jaeger.TagType_STRING || tag.GetVStr() != want {
		t.Errorf("tag %s = %v, want string %q", key, tag, want)
	}
}

// checkFixtureBatch asserts everything fixtureSpans should have become.
func checkFixtureBatch(t *testing.T, b *jaeger.Batch) {
	t.Helper()
	checkFixtureProcess(t, b.Process)
	if len(b.Spans) != 2 {
		t.Fatalf("got %d spans, want 2", len(b.Spans))
	}
	checkFixtureRoot(t, b.Spans[0])
	checkFixtureChild(t, b.Spans[1])
}

func checkFixtureProcess(t *testing.T, p *jaeger.Process) {
	t.Helper()
	if p.ServiceName != "chaos-run" {
		t.Errorf("service name %q, want chaos-run", p.ServiceName)
	}
	tags := tagsByKey(p.Tags)
	if len(p.Tags) != 2 || tags["service.name"] != nil {
		t.Errorf("process tags %v, want host.name and process.pid only", p.Tags)
	}
	wantStringTag(t, tags, "host.name", "box")
	if pid := tags["process.pid"]; pid == nil || pid.VType != jaeger.TagType_LONG || pid.GetVLong() != 42 {
		t.Errorf("process.pid tag %v", pid)
	}
}

func checkFixtureRoot(t *testing.T, s *jaeger.Span) {
	t.Helper()
	if s.OperationName != "experiment" || s.TraceIdHigh != fxTraceHigh || s.TraceIdLow != fxTraceLow ||
		s.SpanId != fxRootInt || s.ParentSpanId != 0 || len(s.References) != 0 || s.Flags != 1 {
		t.Errorf("root span %v", s)
	}
	if s.StartTime != fxStart.UnixMicro() || s.Duration != 1500000 {
		t.Errorf("root start %d duration %d", s.StartTime, s.Duration)
	}
	tags := tagsByKey(s.Tags)
	if tag := tags["dry"]; tag == nil || tag.VType != jaeger.TagType_BOOL || !tag.GetVBool() {
		t.Errorf("dry tag %v", tag)
	}
	if tag := tags["count"]; tag == nil || tag.VType != jaeger.TagType_LONG || tag.GetVLong() != -3 {
		t.Errorf("count tag %v", tag)
	}
	if tag := tags["ratio"]; tag == nil || tag.VType != jaeger.TagType_DOUBLE || tag.GetVDouble() != 0.25 {
		t.Errorf("ratio tag %v", tag)
	}
	wantStringTag(t, tags, "title", "kill pods")
	wantStringTag(t, tags, "tags", `["k8s","pod"]`)
	wantStringTag(t, tags, "span.kind", "server")
	wantStringTag(t, tags, "otel.status_code", "OK")
	wantStringTag(t, tags, "otel.scope.name", "chaostracing")
	wantStringTag(t, tags, "otel.scope.version", "0.1.0")
	if tags["error"] != nil || tags["otel.status_description"] != nil {
		t.Errorf("root has error tags: %v", s.Tags)
	}
}

func checkFixtureChild(t *testing.T, s *jaeger.Span) {
	t.Helper()
	if s.OperationName != "activity" || s.TraceIdHigh != fxTraceHigh || s.TraceIdLow != fxTraceLow ||
		s.SpanId != 2 || s.ParentSpanId != fxRootInt {
		t.Errorf("child span %v", s)
	}
	if s.StartTime != fxStart.Add(10*time.Millisecond).UnixMicro() || s.Duration != 500000 {
		t.Errorf("child start %d duration %d", s.StartTime, s.Duration)
	}
	checkChildRefs(t, s.References)
	tags := tagsByKey(s.Tags)
	if tag := tags["error"]; tag == nil || tag.VType != jaeger.TagType_BOOL || !tag.GetVBool() {
		t.Errorf("error tag %v", tag)
	}
	wantStringTag(t, tags, "otel.status_code", "ERROR")
	wantStringTag(t, tags, "otel.status_description", "probe failed")
	wantStringTag(t, tags, "span.kind", "internal")
	checkChildLogs(t, s.Logs)
}

func checkChildRefs(t *testing.T, refs []*jaeger.SpanRef) {
	t.Helper()
	want := []jaeger.SpanRef{
		{RefType: jaeger.SpanRefType_CHILD_OF, TraceIdHigh: fxTraceHigh, TraceIdLow: fxTraceLow, SpanId: fxRootInt},
		{RefType: jaeger.SpanRefType_FOLLOWS_FROM, TraceIdHigh: 7, TraceIdLow: 8, SpanId: 9},
	}
	if len(refs) != len(want) {
		t.Fatalf("references %v, want %v", refs, want)
	}
	for i := range want {
		if *refs[i] != want[i] {
			t.Errorf("reference %d = %v, want %v", i, refs[i], want[i])
		}
	}
}

func checkChildLogs(t *testing.T, logs []*jaeger.Log) {
	t.Helper()
	if len(logs) != 1 || logs[0].Timestamp != fxStart.Add(20*time.Millisecond).UnixMicro() {
		t.Fatalf("logs %v", logs)
	}
	fields := logs[0].Fields
	if len(fields) != 2 || fields[0].Key != "event" || fields[0].GetVStr() != "retry" {
		t.Fatalf("log fields %v, want event=retry first", fields)
	}
	if f := fields[1]; f.Key != "attempt" || f.VType != jaeger.TagType_LONG || f.GetVLong() != 2 {
		t.Errorf("attempt field %v", f)
	}
}
