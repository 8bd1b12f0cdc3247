package functional

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chaostracing/chaostracing/internal/testenv"
	"github.com/chaostracing/chaostracing/journal"
	"github.com/chaostracing/chaostracing/tracing"
)

const basicJournal = "../../../shared/ctk/reference/runs/basic/journal.json"

// TestExportJournalToCollectorTwice exports a Python Chaos Toolkit journal
// to a real Collector twice: the spans arrive with the journal's
// timestamps, in the control's tree, with the same ids both times.
func TestExportJournalToCollectorTwice(t *testing.T) {
	c := testenv.StartCollector(t)
	path := abs(t, basicJournal)
	j, err := journal.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tid := tracing.ReplayTraceID(j).String()
	env := []string{"OTEL_EXPORTER_OTLP_ENDPOINT=" + c.OTLPHTTP}
	for i := range 2 {
		res := chaostracing(t, invocation{args: []string{"export", path}, env: env})
		if res.code != 0 || !strings.Contains(res.stderr, "Exported 10 spans of "+path+" as trace "+tid) {
			t.Fatalf("export %d: exit %d\n%s", i+1, res.code, res.stderr)
		}
	}
	spans := c.WaitForSpans(t, 20, 30*time.Second)
	if len(spans) != 20 {
		t.Fatalf("%d spans arrived, want 20", len(spans))
	}
	// Both exports carry the same spans: same ids, names, parents, times.
	count := map[string]int{}
	byID := map[string]testenv.Span{}
	for _, s := range spans {
		if s.TraceID != tid {
			t.Errorf("span %s in trace %s, want %s", s.Name, s.TraceID, tid)
		}
		count[s.SpanID+" "+s.ParentSpanID+" "+s.Name]++
		byID[s.SpanID] = s
	}
	if len(count) != 10 {
		t.Errorf("%d distinct spans, want 10: %v", len(count), count)
	}
	for k, n := range count {
		if n != 2 {
			t.Errorf("span %s arrived %d times, want 2", k, n)
		}
	}
	// The tree.
	var tree []string
	for _, s := range byID {
		p := s.Name
		for parent := s.ParentSpanID; parent != ""; parent = byID[parent].ParentSpanID {
			ps, ok := byID[parent]
			if !ok {
				t.Fatalf("span %s has an unknown parent %s", s.Name, parent)
			}
			p = ps.Name + " > " + p
		}
		tree = append(tree, p)
	}
	sort.Strings(tree)
	want := []string{
		"experiment", "experiment > hypothesis", "experiment > hypothesis",
		"experiment > hypothesis > activity: " + j.SteadyStates.After.Probes[0].Activity.String("name"),
		"experiment > hypothesis > activity: " + j.SteadyStates.Before.Probes[0].Activity.String("name"),
		"experiment > method", "experiment > method > activity: echo-hello", "experiment > method > activity: true-with-pause",
		"experiment > rollbacks", "experiment > rollbacks > activity: " + j.Rollbacks[0].Activity.String("name"),
	}
	sort.Strings(want)
	if strings.Join(tree, "\n") != strings.Join(want, "\n") {
		t.Errorf("tree:\n%s\nwant:\n%s", strings.Join(tree, "\n"), strings.Join(want, "\n"))
	}
	// The journal's timestamps.
	at := func(tm time.Time) uint64 { return uint64(tm.UnixNano()) }
	for _, s := range byID {
		switch s.Name {
		case "experiment":
			if s.StartUnixNano != at(j.Start) || s.EndUnixNano != at(j.End) {
				t.Errorf("experiment %d..%d, journal %v..%v", s.StartUnixNano, s.EndUnixNano, j.Start, j.End)
			}
			if s.Attributes["chaostoolkit.experiment.status"] != "completed" || s.Resource["service.name"] != "chaostoolkit" {
				t.Errorf("experiment attributes %v, resource %v", s.Attributes, s.Resource)
			}
		case "activity: echo-hello", "activity: true-with-pause":
			r := j.Run[0]
			if s.Name == "activity: true-with-pause" {
				r = j.Run[1]
			}
			if s.StartUnixNano != at(r.Start) || s.EndUnixNano != at(r.End) {
				t.Errorf("%s %d..%d, journal %v..%v", s.Name, s.StartUnixNano, s.EndUnixNano, r.Start, r.End)
			}
			if s.Attributes["chaostoolkit.activity.status"] != "succeeded" {
				t.Errorf("%s attributes %v", s.Name, s.Attributes)
			}
		}
	}
}

func TestExportErrors(t *testing.T) {
	path := abs(t, basicJournal)
	// Nothing says where the spans go.
	res := chaostracing(t, invocation{args: []string{"export", path}, env: []string{
		"OTEL_EXPORTER_OTLP_ENDPOINT=", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=", "OTEL_TRACES_EXPORTER=",
	}})
	if res.code != 2 || !strings.Contains(res.stderr, "no exporter configured") || !strings.Contains(res.stderr, "OTEL_EXPORTER_OTLP_ENDPOINT") {
		t.Errorf("no exporter: exit %d\n%s", res.code, res.stderr)
	}
	// An unreadable journal.
	res = chaostracing(t, invocation{args: []string{"export", "--dry-run", "/nonexistent/journal.json"}})
	if res.code != 1 || !strings.Contains(res.stderr, "cannot read journal") {
		t.Errorf("missing journal: exit %d\n%s", res.code, res.stderr)
	}
	// A dry run counts; --trace-file alone writes the file.
	res = chaostracing(t, invocation{args: []string{"export", "--dry-run", path}})
	if res.code != 0 || !strings.Contains(res.stderr, "Would export 10 spans") {
		t.Errorf("dry run: exit %d\n%s", res.code, res.stderr)
	}
	file := filepath.Join(t.TempDir(), "trace.jsonl")
	res = chaostracing(t, invocation{args: []string{"export", "--trace-file", file, path}, env: []string{"OTEL_EXPORTER_OTLP_ENDPOINT="}})
	if res.code != 0 || !strings.Contains(res.stderr, "Exported 10 spans") {
		t.Errorf("trace file: exit %d\n%s", res.code, res.stderr)
	}
	data, err := os.ReadFile(file)
	if err != nil || strings.Count(string(data), `"spanId"`) != 10 || !strings.Contains(string(data), tracing.ReplayTraceID(mustRead(t, path)).String()) {
		t.Errorf("trace file: %v\n%s", err, data)
	}
}

func mustRead(t *testing.T, path string) *journal.Journal {
	t.Helper()
	j, err := journal.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return j
}
