package jaeger

import (
	"context"
	"testing"
	"time"

	"github.com/apache/thrift/lib/go/thrift"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// discardConn is a datagramConn that counts and drops what it is given.
type discardConn struct{ datagrams, bytes int }

func (d *discardConn) Write(b []byte) (int, error) {
	d.datagrams++
	d.bytes += len(b)
	return len(b), nil
}
func (d *discardConn) SetWriteDeadline(time.Time) error { return nil }
func (d *discardConn) Close() error                     { return nil }

// benchSpans gives 100 spans shaped like a chaos run's activities.
func benchSpans() []sdktrace.ReadOnlySpan {
	spans := manySpans(100,
		attribute.String("chaos.activity.name", "terminate-pod"),
		attribute.String("chaos.activity.type", "action"),
		attribute.Bool("chaos.activity.dry", false),
		attribute.Int("chaos.activity.index", 3),
		attribute.Float64("chaos.activity.duration", 1.25),
		attribute.StringSlice("chaos.tags", []string{"k8s", "network"}),
	)
	for i, s := range spans {
		stub := tracetest.SpanStubFromReadOnlySpan(s)
		stub.Events = []sdktrace.Event{{
			Name: "probe.output", Time: fxStart,
			Attributes: []attribute.KeyValue{attribute.String("output", "ok")},
		}}
		spans[i] = stub.Snapshot()
	}
	return spans
}

func BenchmarkUDPConvertEncode100Spans(b *testing.B) {
	spans := benchSpans()
	conn := &discardConn{}
	u := newUDPSender(conn, DefaultMaxPacketSize)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		for _, batch := range toBatches(spans) {
			if _, err := u.send(ctx, batch); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(conn.bytes)/float64(conn.datagrams), "B/datagram")
}

func BenchmarkHTTPConvertEncode100Spans(b *testing.B) {
	spans := benchSpans()
	ctx := context.Background()
	size := 0
	b.ReportAllocs()
	for b.Loop() {
		for _, batch := range toBatches(spans) {
			body, err := thrift.NewTSerializer().Write(ctx, batch)
			if err != nil {
				b.Fatal(err)
			}
			size = len(body)
		}
	}
	b.ReportMetric(float64(size), "B/batch")
}

func BenchmarkConvert100Spans(b *testing.B) {
	spans := benchSpans()
	b.ReportAllocs()
	for b.Loop() {
		_ = toBatches(spans)
	}
}
