package functional

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/chaostracing/chaostracing/internal/testenv"
)

// TestBackendPropagation checks the trace context end to end, with the
// spans a real collector received: what an HTTP probe sends and what a
// process probe gets in $TRACEPARENT name the span of their own activity,
// and a run started with TRACEPARENT (a traced CI job) is a child of that
// trace, its TRACESTATE kept; an unsampled parent leaves the run unsampled.
func TestBackendPropagation(t *testing.T) {
	t.Run("activities-pass-their-span-on", func(t *testing.T) {
		t.Parallel()
		c := testenv.StartCollector(t)
		svc := startService(t)
		run := runTraced(t, svc, abs(t, everyLevel), nil, "OTEL_EXPORTER_OTLP_ENDPOINT="+c.OTLPHTTP)
		spans := settleSpans(t, c, everyLevelSpanCount)
		// checkEveryLevel compares the service's traceparent header with
		// the call-service span and the printed $TRACEPARENT with the
		// print-traceparent span; here the same is spelled out.
		checkEveryLevel(t, spans, traceWant{service: "chaostoolkit", svc: svc, run: run})
		tr := newSpanTree(spans)
		call, printer := tr.one(t, "activity: call-service"), tr.one(t, "activity: print-traceparent")
		if got, want := svc.traceparents(), "00-"+call.TraceID+"-"+call.SpanID+"-01"; len(got) != 1 || got[0] != want {
			t.Errorf("HTTP probe sent traceparent %q, want [%s]", got, want)
		}
		if got, want := printedTraceparent(t, run.journal), "00-"+printer.TraceID+"-"+printer.SpanID+"-01"; got != want {
			t.Errorf("process probe printed $TRACEPARENT %q, want %s", got, want)
		}
	})

	t.Run("run-started-with-TRACEPARENT", func(t *testing.T) {
		t.Parallel()
		c := testenv.StartCollector(t)
		svc := startService(t)
		parentTrace, parentSpan := randomHex(32), randomHex(16)
		run := runTraced(t, svc, abs(t, everyLevel), nil,
			"OTEL_EXPORTER_OTLP_PROTOCOL=grpc",
			"OTEL_EXPORTER_OTLP_ENDPOINT=http://"+c.OTLPGRPC,
			fmt.Sprintf("TRACEPARENT=00-%s-%s-01", parentTrace, parentSpan),
			"TRACESTATE=ci=pipeline-42",
		)
		spans := settleSpans(t, c, everyLevelSpanCount)
		checkEveryLevel(t, spans, traceWant{
			service: "chaostoolkit", svc: svc, run: run,
			parentTrace: parentTrace, parentSpan: parentSpan, traceState: "ci=pipeline-42",
		})
	})

	t.Run("unsampled-TRACEPARENT", func(t *testing.T) {
		t.Parallel()
		c := testenv.StartCollector(t)
		svc := startService(t)
		parentTrace := randomHex(32)
		run := runTraced(t, svc, abs(t, everyLevel), nil,
			"OTEL_EXPORTER_OTLP_ENDPOINT="+c.OTLPHTTP,
			fmt.Sprintf("TRACEPARENT=00-%s-%s-00", parentTrace, randomHex(16)),
		)
		if run.code != 0 || len(warnings(run.stderr)) > 0 {
			t.Errorf("exit %d\n%s", run.code, run.stderr)
		}
		// The decision not to sample travels on: the process and the
		// service see the parent's trace, flagged unsampled.
		got := printedTraceparent(t, run.journal)
		if m := traceparentPattern.FindStringSubmatch(got); m == nil || m[1] != parentTrace || m[3] != "00" {
			t.Errorf("process probe printed $TRACEPARENT %q, want trace %s unsampled (flags 00)", got, parentTrace)
		}
		if got := svc.traceparents(); len(got) != 1 || !strings.HasPrefix(got[0], "00-"+parentTrace+"-") || !strings.HasSuffix(got[0], "-00") {
			t.Errorf("HTTP probe sent traceparent %q, want trace %s unsampled", got, parentTrace)
		}
		time.Sleep(300 * time.Millisecond)
		if spans := c.Spans(t); len(spans) > 0 {
			t.Errorf("%d spans exported under an unsampled parent:\n%s", len(spans), dumpSpans(spans))
		}
	})
}

// randomHex returns n random lowercase hex digits, not all zero.
func randomHex(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[rand.IntN(16)]
	}
	b[0] = digits[1+rand.IntN(15)]
	return string(b)
}
