package functional

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chaostracing/chaostracing/internal/testenv"
	"github.com/chaostracing/chaostracing/value"
)

// volumeActivities is how many activities the volume experiment has.
const volumeActivities = 2000

// writeVolumeExperiment writes an experiment whose method is n `true`
// process probes, traced by the chaostracing.oltp control.
func writeVolumeExperiment(t *testing.T, n int) string {
	t.Helper()
	method := make([]any, n)
	for i := range method {
		method[i] = value.NewObject(
			"type", "probe",
			"name", fmt.Sprintf("probe-%04d", i),
			"provider", value.NewObject("type", "process", "path", "true"),
		)
	}
	exp := value.NewObject(
		"version", "1.0.0",
		"title", fmt.Sprintf("%d activities in one trace", n),
		"description", "volume: every span must arrive",
		"controls", []any{value.NewObject(
			"name", "tracing",
			"provider", value.NewObject("type", "python", "module", "chaostracing.oltp"),
		)},
		"method", method,
	)
	var b strings.Builder
	if err := value.Encode(&b, exp, ""); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "volume.json")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestBackendVolume runs an experiment of 2,000 activities over OTLP/gRPC
// at the default batch settings and checks that every span arrives, once,
// in one trace under the method span; it reports the export throughput.
func TestBackendVolume(t *testing.T) {
	c := testenv.StartCollector(t)
	svc := startService(t)
	exp := writeVolumeExperiment(t, volumeActivities)
	want := volumeActivities + 3 // the activities, experiment, method, rollbacks (empty, as in Python)

	untraced := runTraced(t, svc, exp, nil, "OTEL_TRACES_EXPORTER=none")

	start := time.Now()
	run := runTraced(t, svc, exp, nil,
		"OTEL_EXPORTER_OTLP_PROTOCOL=grpc",
		"OTEL_EXPORTER_OTLP_ENDPOINT=http://"+c.OTLPGRPC,
	)
	if run.code != 0 || run.journal.Status != "completed" || len(run.journal.Run) != volumeActivities {
		t.Fatalf("exit %d, status %s, %d records\n%s", run.code, run.journal.Status, len(run.journal.Run), run.stderr)
	}
	if w := warnings(run.stderr); len(w) > 0 {
		t.Errorf("warnings: %q", w)
	}
	spans := settleSpans(t, c, want)

	// Every span, once, in one trace, under its level.
	tr := newSpanTree(spans)
	if len(spans) != want {
		var other []string
		for _, s := range spans {
			if !strings.HasPrefix(s.Name, "activity: probe-") {
				other = append(other, s.Name)
			}
		}
		t.Errorf("%d spans, want %d; besides the activities: %q", len(spans), want, other)
	}
	root, method := tr.one(t, "experiment"), tr.one(t, "method")
	if method.ParentSpanID != root.SpanID || root.ParentSpanID != "" {
		t.Errorf("method's parent %s, experiment %s (parent %q)", method.ParentSpanID, root.SpanID, root.ParentSpanID)
	}
	if len(tr.byID) != len(spans) {
		t.Errorf("%d distinct span ids for %d spans", len(tr.byID), len(spans))
	}
	var missing []string
	for i := range volumeActivities {
		name := fmt.Sprintf("activity: probe-%04d", i)
		list := tr.byName[name]
		if len(list) != 1 {
			missing = append(missing, fmt.Sprintf("%s×%d", name, len(list)))
			continue
		}
		if s := list[0]; s.ParentSpanID != method.SpanID || s.TraceID != root.TraceID {
			t.Errorf("%s: trace %s parent %s, want trace %s parent %s", name, s.TraceID, s.ParentSpanID, root.TraceID, method.SpanID)
		} else if s.Attributes["chaostoolkit.activity.status"] != "succeeded" {
			t.Errorf("%s: chaostoolkit.activity.status %#v", name, s.Attributes["chaostoolkit.activity.status"])
		}
	}
	if len(missing) > 0 {
		t.Errorf("%d activity spans missing or duplicated, e.g. %q", len(missing), missing[:min(len(missing), 10)])
	}

	// Throughput, from the collector's log of each batch it received: the
	// run exports while it goes (a batch as soon as 512 spans are ended)
	// and flushes the rest when it ends.
	runEnd := run.journal.End
	batches := receivedBatches(t, c)
	var tail, tailSpans int
	var lastArrival time.Time
	var timeline []string
	for _, b := range batches {
		timeline = append(timeline, fmt.Sprintf("%d@%v", b.spans, b.at.Sub(start).Round(time.Millisecond)))
		if b.at.After(runEnd) {
			tail++
			tailSpans += b.spans
		}
		lastArrival = b.at
	}
	t.Logf("run: %v wall (untraced %v), experiment %v; %d spans in %d batches, received at (since the run started) %s",
		run.wall.Round(time.Millisecond), untraced.wall.Round(time.Millisecond), runEnd.Sub(run.journal.Start).Round(time.Millisecond),
		len(spans), len(batches), strings.Join(timeline, ", "))
	if d := lastArrival.Sub(runEnd); tailSpans > 0 && d > 0 {
		t.Logf("export throughput after the run's end: %d spans in %d batch(es) received %v after the last activity ended: %.0f spans/s",
			tailSpans, tail, d.Round(time.Millisecond), float64(tailSpans)/d.Seconds())
	}
	if d := lastArrival.Sub(batches[0].at); len(batches) > 1 && d > 0 {
		t.Logf("export rate during the run (paced by the activities, ~1.6 ms of fork/exec each): %.0f spans/s between the first batch and the last",
			float64(len(spans)-batches[0].spans)/d.Seconds())
	}
	if total := lastArrival.Sub(start); total > 0 {
		t.Logf("end to end: last batch received %v after the run started: %.0f spans/s", total.Round(time.Millisecond), float64(len(spans))/total.Seconds())
	}
	if d := run.wall - untraced.wall; d > 5*time.Second {
		t.Errorf("tracing 2,000 activities added %v to the run", d.Round(time.Millisecond))
	}
}

// receivedBatch is one export request the collector received.
type receivedBatch struct {
	at    time.Time
	spans int
}

// debugTraces matches the line the collector's debug exporter logs for each
// batch of spans it passes on (verbosity basic): its time, and the count.
var debugTraces = regexp.MustCompile(`^(\S+)\tinfo\tTraces\t.*"spans": (\d+)`)

// receivedBatches reads the batches the collector received from its log.
func receivedBatches(t *testing.T, c *testenv.Collector) []receivedBatch {
	t.Helper()
	data, err := os.ReadFile(c.LogFile())
	if err != nil {
		t.Fatal(err)
	}
	var out []receivedBatch
	for _, line := range strings.Split(string(data), "\n") {
		m := debugTraces.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		at, err := time.Parse(time.RFC3339Nano, m[1])
		if err != nil {
			t.Fatalf("collector log time %q: %v", m[1], err)
		}
		n, _ := strconv.Atoi(m[2])
		out = append(out, receivedBatch{at: at, spans: n})
	}
	if len(out) == 0 {
		t.Fatalf("no batch logged by the collector's debug exporter in %s", c.LogFile())
	}
	return out
}
