package jaeger

import (
	"context"
	"errors"
	"net"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jaegertracing/jaeger-idl/thrift-gen/jaeger"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

func newTestUDP(t *testing.T, addr string, opts ...Option) *Exporter {
	t.Helper()
	exp, err := NewUDP(addr, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = exp.Shutdown(context.Background()) })
	return exp
}

func TestUDPExportSpansEncodesBatch(t *testing.T) {
	col := newUDPCollector(t)
	exp := newTestUDP(t, col.addr())
	if err := exp.ExportSpans(context.Background(), fixtureSpans()); err != nil {
		t.Fatal(err)
	}
	checkFixtureBatch(t, decodeDatagram(t, col.next(t)))
	col.none(t)
}

func TestUDPThroughTracerProvider(t *testing.T) {
	t.Setenv("OTEL_SERVICE_NAME", "")
	t.Setenv("OTEL_RESOURCE_ATTRIBUTES", "")
	col := newUDPCollector(t)
	exp := newTestUDP(t, col.addr())
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp), sdktrace.WithResource(resource.Empty()))
	tracer := tp.Tracer("chaostracing/test", trace.WithInstrumentationVersion("1.2.3"))
	ctx, root := tracer.Start(context.Background(), "run", trace.WithSpanKind(trace.SpanKindClient))
	_, child := tracer.Start(ctx, "probe", trace.WithAttributes(attribute.Int("n", 7)))
	child.AddEvent("tolerance-met", trace.WithAttributes(attribute.Bool("ok", false)))
	child.SetStatus(codes.Error, "deviated")
	child.End()
	root.End()
	if err := tp.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	gotChild, gotRoot := decodeDatagram(t, col.next(t)), decodeDatagram(t, col.next(t))
	if gotChild.Process.ServiceName != DefaultServiceName || gotRoot.Process.ServiceName != DefaultServiceName {
		t.Errorf("service names %q, %q; want %q", gotChild.Process.ServiceName, gotRoot.Process.ServiceName, DefaultServiceName)
	}
	checkSDKSpan(t, gotRoot.Spans[0], root.SpanContext(), trace.SpanContext{})
	checkSDKSpan(t, gotChild.Spans[0], child.SpanContext(), root.SpanContext())
	tags := tagsByKey(gotChild.Spans[0].Tags)
	wantStringTag(t, tags, "otel.scope.version", "1.2.3")
	wantStringTag(t, tags, "otel.status_description", "deviated")
	if tags["error"] == nil || !tags["error"].GetVBool() || tags["n"].GetVLong() != 7 {
		t.Errorf("child tags %v", gotChild.Spans[0].Tags)
	}
	wantStringTag(t, tagsByKey(gotRoot.Spans[0].Tags), "span.kind", "client")
	if logs := gotChild.Spans[0].Logs; len(logs) != 1 || logs[0].Fields[0].GetVStr() != "tolerance-met" {
		t.Errorf("child logs %v", logs)
	}
}

// checkSDKSpan asserts that s carries sc's ids and parent's span id.
func checkSDKSpan(t *testing.T, s *jaeger.Span, sc, parent trace.SpanContext) {
	t.Helper()
	high, low := traceIDParts(sc.TraceID())
	if s.TraceIdHigh != high || s.TraceIdLow != low || s.SpanId != spanIDInt(sc.SpanID()) {
		t.Errorf("span %q ids %x/%x/%x, want %s/%s", s.OperationName, s.TraceIdHigh, s.TraceIdLow, s.SpanId, sc.TraceID(), sc.SpanID())
	}
	if s.ParentSpanId != spanIDInt(parent.SpanID()) {
		t.Errorf("span %q parent %x, want %s", s.OperationName, s.ParentSpanId, parent.SpanID())
	}
	if parent.IsValid() && (len(s.References) != 1 || s.References[0].RefType != jaeger.SpanRefType_CHILD_OF ||
		s.References[0].SpanId != s.ParentSpanId) {
		t.Errorf("span %q references %v", s.OperationName, s.References)
	}
}

func TestUDPSplitsBatchAcrossDatagrams(t *testing.T) {
	const maxPacket, n = 1500, 300
	col := newUDPCollector(t)
	exp := newTestUDP(t, col.addr(), WithMaxPacketSize(maxPacket))
	spans := manySpans(n, attribute.String("payload", strings.Repeat("p", 40)))
	if err := exp.ExportSpans(context.Background(), spans); err != nil {
		t.Fatal(err)
	}
	seen := make(map[int64]bool, n)
	datagrams := 0
	for len(seen) < n {
		data := col.next(t)
		datagrams++
		if len(data) > maxPacket {
			t.Errorf("datagram of %d bytes exceeds %d", len(data), maxPacket)
		}
		b := decodeDatagram(t, data)
		if b.Process.ServiceName != "chaos-run" || len(b.Spans) == 0 {
			t.Fatalf("datagram %d: service %q, %d spans", datagrams, b.Process.ServiceName, len(b.Spans))
		}
		for _, s := range b.Spans {
			if seen[s.SpanId] {
				t.Fatalf("span %d received twice", s.SpanId)
			}
			seen[s.SpanId] = true
		}
	}
	if datagrams < 2 {
		t.Errorf("%d spans came in %d datagram(s), want a split", n, datagrams)
	}
	col.none(t)
	t.Logf("%d spans in %d datagrams of at most %d bytes", n, datagrams, maxPacket)
}

func TestUDPDefaultPacketHoldsManySpans(t *testing.T) {
	col := newUDPCollector(t)
	exp := newTestUDP(t, col.addr())
	if err := exp.ExportSpans(context.Background(), manySpans(200)); err != nil {
		t.Fatal(err)
	}
	data := col.next(t)
	if b := decodeDatagram(t, data); len(b.Spans) != 200 || len(data) > DefaultMaxPacketSize {
		t.Errorf("one datagram of %d bytes with %d spans, want all 200", len(data), len(b.Spans))
	}
}

func TestUDPDropsOversizedSpan(t *testing.T) {
	col := newUDPCollector(t)
	exp := newTestUDP(t, col.addr(), WithMaxPacketSize(1024))
	spans := manySpans(3)
	big := manySpans(1, attribute.String("blob", strings.Repeat("b", 4000)))[0]
	spans = append(spans[:1], big, spans[1], spans[2])
	err := exp.ExportSpans(context.Background(), spans)
	if !errors.Is(err, errSpanTooLarge) {
		t.Fatalf("error %v, want errSpanTooLarge", err)
	}
	if got := exp.DroppedSpans(); got != 1 {
		t.Errorf("DroppedSpans() = %d, want 1", got)
	}
	b := decodeDatagram(t, col.next(t))
	if len(b.Spans) != 3 {
		t.Errorf("got %d spans, want the 3 small ones", len(b.Spans))
	}
	col.none(t)
}

func TestUDPRefusedPortDoesNotHang(t *testing.T) {
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := conn.LocalAddr().String()
	_ = conn.Close()
	exp := newTestUDP(t, addr)
	for i := range 5 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		start := time.Now()
		err := exp.ExportSpans(ctx, fixtureSpans())
		cancel()
		if elapsed := time.Since(start); elapsed > time.Second {
			t.Fatalf("export %d took %v", i, elapsed)
		}
		t.Logf("export %d to a closed port: %v", i, err)
	}
}

func TestUDPResendsAfterRefusal(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("relies on Linux reporting ICMP port unreachable on the next send")
	}
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := conn.LocalAddr().String()
	_ = conn.Close()
	exp := newTestUDP(t, addr)
	// Nobody listens: the kernel records the ICMP refusal of this datagram.
	_ = exp.ExportSpans(context.Background(), fixtureSpans())
	time.Sleep(50 * time.Millisecond)
	conn, err = net.ListenPacket("udp", addr)
	if err != nil {
		t.Skipf("port %s taken meanwhile: %v", addr, err)
	}
	col := startUDPCollector(t, conn)
	err = exp.ExportSpans(context.Background(), fixtureSpans())
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("error %v, want the earlier refusal reported", err)
	}
	checkFixtureBatch(t, decodeDatagram(t, col.next(t)))
}

func TestUDPHonoursContext(t *testing.T) {
	col := newUDPCollector(t)
	exp := newTestUDP(t, col.addr())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := exp.ExportSpans(ctx, fixtureSpans()); !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
	// A busy sender is waited for only as long as ctx allows.
	exp.sender.(*udpSender).sem <- struct{}{}
	ctx, cancel = context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := exp.ExportSpans(ctx, fixtureSpans()); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v, want context.DeadlineExceeded", err)
	}
	<-exp.sender.(*udpSender).sem
	col.none(t)
}

func TestUDPShutdown(t *testing.T) {
	col := newUDPCollector(t)
	exp := newTestUDP(t, col.addr())
	if err := exp.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := exp.Shutdown(context.Background()); err != nil {
		t.Errorf("second Shutdown: %v", err)
	}
	if err := exp.ExportSpans(context.Background(), fixtureSpans()); err != nil {
		t.Errorf("export after Shutdown: %v", err)
	}
	col.none(t)
}

func TestNewUDPRejectsBadConfig(t *testing.T) {
	if _, err := NewUDP("no-port-here"); err == nil {
		t.Error("NewUDP accepted an address without a port")
	}
	if _, err := NewUDP("127.0.0.1:6831", WithMaxPacketSize(70000)); err == nil {
		t.Error("NewUDP accepted a packet size above the UDP limit")
	}
}
