package functional

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chaostracing/chaostracing/internal/testenv"
	"github.com/chaostracing/chaostracing/report"
)

// With nothing configured, a run keeps its trace in a local file beside
// the journal, readable by `chaostracing report`, and uses no network.
func TestEveryRunKeepsItsTraceLocally(t *testing.T) {
	res := chaostracing(t, invocation{
		args: []string{"run", "--no-log-file", abs(t, "../../examples/quickstart.json")},
		env:  []string{"QUICKSTART_DIR=" + t.TempDir(), "OTEL_EXPORTER_OTLP_ENDPOINT=", "OTEL_TRACES_EXPORTER="},
	})
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	path := filepath.Join(res.dir, "chaostracing-trace.jsonl")
	traces, err := report.ReadOTLPFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(traces) != 1 {
		t.Fatalf("%d traces in %s", len(traces), path)
	}
	names := map[string]bool{}
	tl := traces[0].Timeline()
	for _, a := range tl.Activities() {
		names[a.Name] = true
	}
	for _, want := range []string{"health-marker-writable", "fill-disk", "disk-usage", "remove-ballast"} {
		if !names[want] {
			t.Errorf("activity %s missing from the trace file (have %v)", want, names)
		}
	}
	for _, line := range []string{"Trace written to chaostracing-trace.jsonl", "Journal written to", "✓ Experiment completed (exit code 0)", "WARNING"} {
		has := strings.Contains(res.stderr, line)
		if (line == "WARNING") == has {
			t.Errorf("log has %q: %v\n%s", line, has, res.stderr)
		}
	}
}

func TestNoTraceLeavesNoTrace(t *testing.T) {
	res := chaostracing(t, invocation{
		args: []string{"run", "--no-log-file", "--no-trace", abs(t, "../../examples/quickstart.json")},
		env:  []string{"QUICKSTART_DIR=" + t.TempDir()},
	})
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	if _, err := os.Stat(filepath.Join(res.dir, "chaostracing-trace.jsonl")); !os.IsNotExist(err) {
		t.Errorf("--no-trace wrote a trace file: %v", err)
	}
}

// --trace-endpoint sends the trace to a collector as well as to the file.
func TestTraceEndpointFlag(t *testing.T) {
	c := testenv.StartCollector(t)
	res := chaostracing(t, invocation{
		args: []string{"run", "--no-log-file", "--trace-endpoint", c.OTLPHTTP, "--trace-header", "x-team=sre", abs(t, "../../examples/quickstart.json")},
		env:  []string{"QUICKSTART_DIR=" + t.TempDir()},
	})
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	spans := c.WaitForSpans(t, 12, 10*time.Second)
	if got := testenv.SpansNamed(spans, "activity: fill-disk"); len(got) != 1 {
		t.Errorf("fill-disk spans at the collector: %d of %d spans", len(got), len(spans))
	}
	if _, err := os.Stat(filepath.Join(res.dir, "chaostracing-trace.jsonl")); err != nil {
		t.Errorf("no local trace file beside the exported trace: %v", err)
	}
	bad := chaostracing(t, invocation{args: []string{"run", "--trace-protocol", "carrier-pigeon", abs(t, "../../examples/quickstart.json")}})
	if bad.code != 2 {
		t.Errorf("bad --trace-protocol: exit %d", bad.code)
	}
}
