package tracing

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chaostracing/chaostracing/journal"
	"github.com/chaostracing/chaostracing/value"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

const runs = "../../shared/ctk/reference/runs/"

func load(t *testing.T, run string) *journal.Journal {
	t.Helper()
	j, err := journal.ReadFile(filepath.Join(runs, run, "journal.json"))
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// replay records j with a deterministic provider and returns the spans.
func replay(t *testing.T, j *journal.Journal, opts ReplayOptions) (ReplayResult, []sdktrace.ReadOnlySpan) {
	t.Helper()
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithIDGenerator(ReplayIDGenerator{}), sdktrace.WithSpanProcessor(rec))
	defer func() { _ = tp.Shutdown(context.Background()) }()
	res := ReplaySpans(context.Background(), j, tp.Tracer("test"), opts)
	spans := rec.Ended()
	if res.Spans != len(spans) {
		t.Fatalf("ReplayResult.Spans = %d, %d spans ended", res.Spans, len(spans))
	}
	return res, spans
}

// tree renders the spans as "parent > child" lines, sorted.
func replayTree(spans []sdktrace.ReadOnlySpan) []string {
	byID := map[trace.SpanID]sdktrace.ReadOnlySpan{}
	for _, s := range spans {
		byID[s.SpanContext().SpanID()] = s
	}
	var lines []string
	for _, s := range spans {
		path := s.Name()
		for p := s.Parent(); p.IsValid(); {
			ps, ok := byID[p.SpanID()]
			if !ok {
				path = "?? > " + path
				break
			}
			path = ps.Name() + " > " + path
			p = ps.Parent()
		}
		lines = append(lines, path)
	}
	sort.Strings(lines)
	return lines
}

func replayAttrs(s sdktrace.ReadOnlySpan) map[attribute.Key]attribute.Value {
	m := map[attribute.Key]attribute.Value{}
	for _, kv := range s.Attributes() {
		m[kv.Key] = kv.Value
	}
	return m
}

func replayNamed(t *testing.T, spans []sdktrace.ReadOnlySpan, name string) sdktrace.ReadOnlySpan {
	t.Helper()
	for _, s := range spans {
		if s.Name() == name {
			return s
		}
	}
	t.Fatalf("no span %q", name)
	return nil
}

func TestReplayBasicJournalTreeAttributesAndTimes(t *testing.T) {
	j := load(t, "basic")
	res, spans := replay(t, j, ReplayOptions{})
	want := []string{
		"experiment",
		"experiment > hypothesis",
		"experiment > hypothesis",
		"experiment > hypothesis > activity: " + j.SteadyStates.After.Probes[0].Activity.String("name"),
		"experiment > hypothesis > activity: " + j.SteadyStates.Before.Probes[0].Activity.String("name"),
		"experiment > method",
		"experiment > method > activity: echo-hello",
		"experiment > method > activity: true-with-pause",
		"experiment > rollbacks",
		"experiment > rollbacks > activity: " + j.Rollbacks[0].Activity.String("name"),
	}
	sort.Strings(want)
	if got := replayTree(spans); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("tree:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	exp := replayNamed(t, spans, "experiment")
	if !exp.StartTime().Equal(j.Start) || !exp.EndTime().Equal(j.End) {
		t.Errorf("experiment %v..%v, journal %v..%v", exp.StartTime(), exp.EndTime(), j.Start, j.End)
	}
	a := replayAttrs(exp)
	if a[keyExperimentTitle].AsString() != "basic reference experiment" || a[keyPlatformFull].AsString() != j.Platform ||
		a[keyExperimentStatus].AsString() != "completed" || a[keyExperimentDeviated].AsBool() {
		t.Errorf("experiment attributes %v", a)
	}
	if exp.Status().Code != codes.Unset || exp.Parent().IsValid() {
		t.Errorf("experiment status %v, parent %v", exp.Status(), exp.Parent())
	}
	echo := replayNamed(t, spans, "activity: echo-hello")
	r := j.Run[0]
	if !echo.StartTime().Equal(r.Start) || !echo.EndTime().Equal(r.End) {
		t.Errorf("echo-hello %v..%v, journal %v..%v", echo.StartTime(), echo.EndTime(), r.Start, r.End)
	}
	a = replayAttrs(echo)
	if a[keyActivityName].AsString() != "echo-hello" || a[keyActivityType].AsString() != "action" ||
		a[keyActivityStatus].AsString() != "succeeded" || a[keyActivityBackground].AsBool() {
		t.Errorf("echo-hello attributes %v", a)
	}
	if out := a[keyActivityOutput].AsString(); !strings.HasPrefix(out, `{"status": 0, "stdout": "hello`) {
		t.Errorf("output %q", out)
	}
	method := replayNamed(t, spans, "method")
	if !method.StartTime().Equal(j.Run[0].Start) || !method.EndTime().Equal(j.Run[1].End) {
		t.Errorf("method %v..%v", method.StartTime(), method.EndTime())
	}
	for _, s := range spans {
		if s.Name() != "hypothesis" {
			continue
		}
		a := replayAttrs(s)
		if ph := a[keyHypothesisPhase].AsString(); (ph != "before" && ph != "after") || !a[keyHypothesisMet].AsBool() {
			t.Errorf("hypothesis attributes %v", a)
		}
	}
	probe := replayNamed(t, spans, "activity: "+j.SteadyStates.Before.Probes[0].Activity.String("name"))
	if a := replayAttrs(probe); !a[keyActivityToleranceMet].AsBool() || len(probe.Events()) != 1 || probe.Events()[0].Name != "tolerance" {
		t.Errorf("probe attributes %v, events %v", a, probe.Events())
	}
	// Ids: the trace's from the journal, each span's from its path.
	if exp.SpanContext().TraceID() != res.TraceID || res.TraceID != ReplayTraceID(j) {
		t.Errorf("trace id %v, want %v", exp.SpanContext().TraceID(), ReplayTraceID(j))
	}
	if exp.SpanContext().SpanID() != ReplaySpanID(res.TraceID, "experiment") {
		t.Error("experiment span id is not derived from its path")
	}
	if echo.SpanContext().SpanID() != ReplaySpanID(res.TraceID, "method/0/activity:echo-hello") {
		t.Error("activity span id is not derived from its path")
	}
}

func TestReplaySameIDsEveryTime(t *testing.T) {
	j := load(t, "basic")
	replayIDs := func() []string {
		_, spans := replay(t, j, ReplayOptions{})
		var out []string
		for _, s := range spans {
			out = append(out, s.Name()+" "+s.SpanContext().TraceID().String()+" "+s.SpanContext().SpanID().String()+" "+s.Parent().SpanID().String())
		}
		sort.Strings(out)
		return out
	}
	first, second := replayIDs(), replayIDs()
	if strings.Join(first, "\n") != strings.Join(second, "\n") {
		t.Errorf("replayIDs differ:\n%v\n%v", first, second)
	}
	seen := map[string]bool{}
	for _, line := range first {
		id := strings.Fields(line)[len(strings.Fields(line))-2]
		if seen[id] {
			t.Errorf("span id %s used twice", id)
		}
		seen[id] = true
	}
	// Another run of the same experiment is another trace.
	other := load(t, "deviated")
	if ReplayTraceID(other) == ReplayTraceID(j) {
		t.Error("two runs share a trace id")
	}
	j2 := *j
	j2.Start = j.Start.Add(time.Microsecond)
	if ReplayTraceID(&j2) == ReplayTraceID(j) {
		t.Error("the start time is not part of the trace id")
	}
}

func TestReplayInterruptedRun(t *testing.T) {
	j := load(t, "long-sigINT")
	_, spans := replay(t, j, ReplayOptions{})
	exp := replayNamed(t, spans, "experiment")
	a := replayAttrs(exp)
	if !a[keyExperimentInterrupted].AsBool() || a[keyExperimentStatus].AsString() != "interrupted" ||
		exp.Status().Code != codes.Error || exp.Status().Description != "experiment interrupted" {
		t.Errorf("experiment %v %v", a, exp.Status())
	}
	act := replayNamed(t, spans, "activity: sleep-3")
	if act.Status().Code != codes.Error || act.Status().Description != "activity interrupted" {
		t.Errorf("activity status %v", act.Status())
	}
	if _, ok := replayAttrs(act)[keyActivityStatus]; ok {
		t.Error("interrupted activity has a status attribute")
	}
	// The Python tool ends the record of an interrupted activity.
	if !act.StartTime().Equal(j.Run[0].Start) || !act.EndTime().Equal(j.Run[0].End) {
		t.Errorf("interrupted activity %v..%v, journal %v..%v", act.StartTime(), act.EndTime(), j.Run[0].Start, j.Run[0].End)
	}
	if got := len(spans); got != 5 { // experiment, hypothesis before + probe, method + activity
		t.Errorf("tree: %v", replayTree(spans))
	}
	// One that the journal leaves open ends with the run.
	j.Run[0].End = time.Time{}
	_, spans = replay(t, j, ReplayOptions{})
	if act := replayNamed(t, spans, "activity: sleep-3"); !act.EndTime().Equal(j.End) {
		t.Errorf("open activity ends at %v, want the run's end %v", act.EndTime(), j.End)
	}
	for _, s := range spans {
		if s.EndTime().Before(s.StartTime()) {
			t.Errorf("%s ends before it starts", s.Name())
		}
	}
}

func TestReplayDeviatedPythonJournal(t *testing.T) {
	j := load(t, "deviated")
	_, spans := replay(t, j, ReplayOptions{})
	exp := replayNamed(t, spans, "experiment")
	if exp.Status().Code != codes.Error || !strings.HasPrefix(exp.Status().Description, "experiment deviated") || !replayAttrs(exp)[keyExperimentDeviated].AsBool() {
		t.Errorf("experiment %v %v", replayAttrs(exp), exp.Status())
	}
	var after sdktrace.ReadOnlySpan
	for _, s := range spans {
		if s.Name() == "hypothesis" && replayAttrs(s)[keyHypothesisPhase].AsString() == "after" {
			after = s
		}
	}
	if after == nil {
		t.Fatal("no after hypothesis")
	}
	if replayAttrs(after)[keyHypothesisMet].AsBool() || after.Status().Code != codes.Error ||
		after.Status().Description != "steady state hypothesis not met: probe marker-absent" {
		t.Errorf("after hypothesis %v %v", replayAttrs(after), after.Status())
	}
	var probe sdktrace.ReadOnlySpan
	for _, s := range spans {
		if s.Name() == "activity: marker-absent" && s.Parent().SpanID() == after.SpanContext().SpanID() {
			probe = s
		}
	}
	if probe == nil {
		t.Fatal("no probe under the after hypothesis")
	}
	if replayAttrs(probe)[keyActivityToleranceMet].AsBool() || probe.Status().Code != codes.Unset {
		t.Errorf("probe out of tolerance: %v %v", replayAttrs(probe), probe.Status())
	}
}

func TestReplayFailedActivities(t *testing.T) {
	j := load(t, "errors")
	_, spans := replay(t, j, ReplayOptions{})
	py := replayNamed(t, spans, "activity: python-raises")
	a := replayAttrs(py)
	if a[keyErrorType].AsString() != "FileNotFoundError" || len(a[keyActivityError].AsStringSlice()) != 5 ||
		py.Status().Code != codes.Error || !strings.HasPrefix(py.Status().Description, "FileNotFoundError: [Errno 2]") {
		t.Errorf("python-raises %v %v", a, py.Status())
	}
	if ev := py.Events(); len(ev) != 1 || ev[0].Name != "exception" || !ev[0].Time.Equal(py.EndTime()) {
		t.Errorf("events %v", ev)
	}
	if a[keyActivityOutput].AsString() != "null" {
		t.Errorf("output of a failed activity %q", a[keyActivityOutput].AsString())
	}
}

func TestReplayContinuousHypothesisAndOptions(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	probe := func(name string, at time.Duration, met bool) *journal.Record {
		r := &journal.Record{Activity: value.NewObject("name", name, "type", "probe"), Output: strings.Repeat("x", 100),
			Start: t0.Add(at), Status: journal.Succeeded, ToleranceMet: &met}
		r.Finish(t0.Add(at + time.Second))
		return r
	}
	j := &journal.Journal{
		Experiment: value.NewObject("title", "continuous", "secrets", value.NewObject("s", value.NewObject("k", "xxxxxxxx"))),
		Start:      t0, End: t0.Add(10 * time.Second), Status: journal.Completed,
		SteadyStates: journal.SteadyStates{During: []*journal.Hypothesis{
			{Met: true, Probes: []*journal.Record{probe("p", 1*time.Second, true)}},
			{Met: false, Probes: []*journal.Record{probe("p", 3*time.Second, false)}},
		}},
	}
	_, spans := replay(t, j, ReplayOptions{OutputMax: 20, Redact: func(s string) string { return strings.ReplaceAll(s, "xxxxxxxx", "***") }})
	var parent sdktrace.ReadOnlySpan
	iterations := 0
	for _, s := range spans {
		if s.Name() != "hypothesis" {
			continue
		}
		if _, ok := replayAttrs(s)[keyHypothesisIteration]; ok {
			iterations++
			continue
		}
		parent = s
	}
	if parent == nil || iterations != 2 {
		t.Fatalf("continuous parent %v, iterations %d; tree %v", parent, iterations, replayTree(spans))
	}
	a := replayAttrs(parent)
	if a[keyHypothesisIterations].AsInt64() != 2 || a[keyHypothesisDeviations].AsInt64() != 1 ||
		parent.Status().Description != "steady state hypothesis not met in 1 of 2 iterations" ||
		!parent.StartTime().Equal(t0.Add(time.Second)) || !parent.EndTime().Equal(t0.Add(4*time.Second)) {
		t.Errorf("continuous %v %v %v..%v", a, parent.Status(), parent.StartTime(), parent.EndTime())
	}
	out := replayAttrs(replayNamed(t, spans, "activity: p"))[keyActivityOutput].AsString()
	if len(out) > 20 || !strings.HasSuffix(out, "…[truncated]") || !strings.HasPrefix(out, `"***`) {
		t.Errorf("output %q", out)
	}
	_, spans = replay(t, j, ReplayOptions{OutputMax: -1})
	if _, ok := replayAttrs(replayNamed(t, spans, "activity: p"))[keyActivityOutput]; ok {
		t.Error("output recorded with a negative OutputMax")
	}
}

func TestReplayIDGeneratorFallsBackToRandom(t *testing.T) {
	g := ReplayIDGenerator{}
	t1, s1 := g.NewIDs(context.Background())
	t2, s2 := g.NewIDs(context.Background())
	if !t1.IsValid() || !s1.IsValid() || t1 == t2 || s1 == s2 {
		t.Errorf("random replayIDs %v %v %v %v", t1, s1, t2, s2)
	}
	if a, b := g.NewSpanID(context.Background(), t1), g.NewSpanID(context.Background(), t1); a == b {
		t.Error("random span replayIDs repeat")
	}
	tid, sid := ReplayTraceID(&journal.Journal{}), ReplaySpanID(t1, "x")
	ctx := WithReplayIDs(context.Background(), tid, sid)
	if gt, gs := g.NewIDs(ctx); gt != tid || gs != sid {
		t.Error("NewIDs ignores the context's replayIDs")
	}
	if g.NewSpanID(ctx, t1) != sid {
		t.Error("NewSpanID ignores the context's replayIDs")
	}
}

func TestReplayExporterWritesTheTraceFileTwiceTheSame(t *testing.T) {
	j := load(t, "python")
	var files []string
	for i := range 2 {
		path := filepath.Join(t.TempDir(), "trace.jsonl")
		e, err := NewReplayer(context.Background(), Config{File: path})
		if err != nil {
			t.Fatal(err)
		}
		if got := e.Targets(); len(got) != 1 || got[0] != path {
			t.Errorf("targets %v", got)
		}
		res, err := e.Export(context.Background(), j, nil)
		if err != nil || res.Spans != 1+2*4+1+2 || res.TraceID != ReplayTraceID(j) {
			t.Errorf("export %d: %+v %v", i, res, err)
		}
		if err := e.Shutdown(context.Background()); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, string(data))
	}
	if files[0] != files[1] || !strings.Contains(files[0], ReplayTraceID(j).String()) {
		t.Errorf("trace files differ or miss the trace id:\n%s\n%s", files[0], files[1])
	}
}

func TestReplayExporterWithNoneOnlyCounts(t *testing.T) {
	e, err := NewReplayer(context.Background(), Config{Exporter: ExporterNone})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = e.Shutdown(context.Background()) }()
	if len(e.Targets()) != 0 {
		t.Errorf("targets %v", e.Targets())
	}
	res, err := e.Export(context.Background(), load(t, "basic"), nil)
	if err != nil || res.Spans != 10 {
		t.Errorf("%+v %v", res, err)
	}
}
