package functional

// The example experiments of examples/ each show one feature. This file
// runs every one of them (found by walking the directory, so that a new
// example cannot be forgotten) with the real binary, and checks the exit
// code and the journal and trace facts that prove the feature.

import (
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chaostracing/chaostracing/journal"
	"github.com/chaostracing/chaostracing/report"
	"github.com/chaostracing/chaostracing/value"
)

// examplesDir is the examples directory, relative to this package.
const examplesDir = "../../examples"

// exampleChecks maps each example (its path under examples/) to the test
// that runs it and checks what it shows.
var exampleChecks = map[string]func(t *testing.T, path string){
	"quickstart.json":            checkQuickstartExample,
	"tracing/every-level.json":   checkEveryLevelExample,
	"tolerances.json":            checkTolerancesExample,
	"background.yaml":            checkBackgroundExample,
	"rollbacks.json":             checkRollbacksExample,
	"controls.json":              checkControlsExample,
	"propagation.json":           checkPropagationExample,
	"dynamic-configuration.yaml": checkDynamicConfigurationExample,
}

// TestExamples runs every experiment under examples/.
func TestExamples(t *testing.T) {
	root := abs(t, examplesDir)
	var found []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch filepath.Ext(p) {
		case ".json", ".yaml", ".yml":
			rel, err := filepath.Rel(root, p)
			if err != nil {
				return err
			}
			found = append(found, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) < len(exampleChecks) {
		t.Errorf("found %d examples, want at least %d: %v", len(found), len(exampleChecks), found)
	}
	for _, name := range found {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(root, filepath.FromSlash(name))
			checkDescribed(t, path)
			check, ok := exampleChecks[name]
			if !ok {
				t.Fatalf("examples/%s has no test: add it to exampleChecks in examples_test.go", name)
			}
			check(t, path)
		})
	}
	for name := range exampleChecks {
		if !slices.Contains(found, name) {
			t.Errorf("exampleChecks has a test for examples/%s, which does not exist", name)
		}
	}
}

// runElsewhere are the examples whose command is given in the README and
// docs/tracing.md rather than in their description.
var runElsewhere = map[string]bool{"quickstart.json": true, "every-level.json": true}

// checkDescribed checks that an example is valid and that its
// description says how to run it.
func checkDescribed(t *testing.T, path string) {
	t.Helper()
	res := chaostracing(t, invocation{args: []string{"validate", "--no-log-file", path}, env: []string{"CHAOS_SERVICE_URL=http://127.0.0.1:1"}})
	if res.code != 0 {
		t.Fatalf("validate: exit %d\n%s", res.code, res.stderr)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !runElsewhere[filepath.Base(path)] && !strings.Contains(string(data), "chaostracing run") {
		t.Errorf("the description of %s does not say how to run it (no \"chaostracing run\")", filepath.Base(path))
	}
}

// runExample runs the binary on an example, with no log file, the trace
// kept in the local file only (OTEL_* variables of the test's environment
// blanked) and extra arguments before the experiment.
func runExample(t *testing.T, path string, args []string, env ...string) result {
	t.Helper()
	full := append([]string{"run", "--no-log-file"}, args...)
	full = append(full, path)
	res := chaostracing(t, invocation{args: full, env: append(cleanEnv(), env...)})
	if res.journal == nil {
		t.Fatalf("no journal: exit %d\n%s", res.code, res.stderr)
	}
	return res
}

// wantRun checks a run's exit code, status and deviated flag.
func wantRun(t *testing.T, res result, code int, status string, deviated bool) {
	t.Helper()
	if res.code != code || res.journal.Status != status || res.journal.Deviated != deviated {
		t.Fatalf("exit %d, status %s, deviated %v; want exit %d, %s, deviated %v\n%s",
			res.code, res.journal.Status, res.journal.Deviated, code, status, deviated, res.stderr)
	}
}

// name returns the name of a record's activity.
func name(r *journal.Record) string { return r.Activity.String("name") }

// names returns the activity names of records.
func names(records []*journal.Record) []string {
	out := make([]string, len(records))
	for i, r := range records {
		out[i] = name(r)
	}
	return out
}

// record returns the record of the named activity.
func record(t *testing.T, records []*journal.Record, activity string) *journal.Record {
	t.Helper()
	for _, r := range records {
		if name(r) == activity {
			return r
		}
	}
	t.Fatalf("no record of %s among %v", activity, names(records))
	return nil
}

// outputField returns a member of an object output, as JSON text.
func outputField(r *journal.Record, key string) string {
	o, ok := r.Output.(*value.Object)
	if !ok {
		return encode(r.Output)
	}
	v, _ := o.Get(key)
	if s, ok := v.(string); ok {
		return s
	}
	return encode(v)
}

// readTrace reads the one trace of the local trace file a run wrote.
func readTrace(t *testing.T, res result) *report.Trace {
	t.Helper()
	path := filepath.Join(res.dir, "chaostracing-trace.jsonl")
	traces, err := report.ReadOTLPFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(traces) != 1 {
		t.Fatalf("%d traces in %s, want 1", len(traces), path)
	}
	return traces[0]
}

// spansNamed returns a trace's spans of that name.
func spansNamed(tr *report.Trace, name string) []*report.Span {
	var out []*report.Span
	for _, s := range tr.Spans {
		if s.Name == name {
			out = append(out, s)
		}
	}
	return out
}

// spanPaths returns each span of a trace as the path of names from the
// root ("experiment > hypothesis(before) > activity: x"), sorted.
func spanPaths(tr *report.Trace) []string {
	byID := map[string]*report.Span{}
	for _, s := range tr.Spans {
		byID[s.SpanID] = s
	}
	label := func(s *report.Span) string {
		if phase, ok := s.Attr("chaostoolkit.hypothesis.phase"); ok {
			return fmt.Sprintf("%s(%v)", s.Name, phase)
		}
		return s.Name
	}
	var out []string
	for _, s := range tr.Spans {
		path := []string{label(s)}
		for p := byID[s.ParentID]; p != nil; p = byID[p.ParentID] {
			path = append([]string{label(p)}, path...)
		}
		out = append(out, strings.Join(path, " > "))
	}
	sort.Strings(out)
	return out
}

// traceparentOf returns the W3C traceparent naming a span, sampled.
func traceparentOf(s *report.Span) string { return "00-" + s.TraceID + "-" + s.SpanID + "-01" }

// quickstart.json: the hypothesis holds before and after filling the disk,
// and the rollback removes the ballast file.
func checkQuickstartExample(t *testing.T, path string) {
	dir := t.TempDir()
	res := runExample(t, path, nil, "QUICKSTART_DIR="+dir)
	wantRun(t, res, 0, journal.Completed, false)
	j := res.journal
	if !j.SteadyStates.Before.Met || !j.SteadyStates.After.Met {
		t.Errorf("hypothesis not met: before %v, after %v", j.SteadyStates.Before.Met, j.SteadyStates.After.Met)
	}
	if got := names(j.Run); !slices.Equal(got, []string{"fill-disk", "disk-usage"}) {
		t.Errorf("method ran %v", got)
	}
	if got := names(j.Rollbacks); !slices.Equal(got, []string{"remove-ballast"}) || j.Rollbacks[0].Status != journal.Succeeded {
		t.Errorf("rollbacks %v", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "ballast")); !os.IsNotExist(err) {
		t.Errorf("the rollback left the ballast file: %v", err)
	}
}

// tracing/every-level.json: every level of a run is a span of one trace,
// the failing activity included.
func checkEveryLevelExample(t *testing.T, path string) {
	svc := startService(t)
	res := runExample(t, path, nil, "CHAOS_SERVICE_URL="+svc.URL)
	wantRun(t, res, 0, journal.Completed, false)
	if r := record(t, res.journal.Run, "too-slow"); r.Status != journal.ActivityFailed {
		t.Errorf("too-slow: status %s, want failed", r.Status)
	}
	tr := readTrace(t, res)
	counts := map[string]int{}
	for _, s := range tr.Spans {
		counts[s.Name]++
	}
	for n, want := range everyLevelSpans {
		if counts[n] != want {
			t.Errorf("%d spans %q in the trace file, want %d", counts[n], n, want)
		}
	}
	if len(tr.Spans) != everyLevelSpanCount {
		t.Errorf("%d spans, want %d:\n%s", len(tr.Spans), everyLevelSpanCount, strings.Join(spanPaths(tr), "\n"))
	}
	if got := svc.traceparents(); len(got) != 1 || got[0] != traceparentOf(spansNamed(tr, "activity: call-service")[0]) {
		t.Errorf("the service got traceparent %q", got)
	}
}

// tolerances.json: every probe, each with a different tolerance form,
// meets its tolerance before and after the method; changing the expected
// exit status makes the configured one miss, so tolerances do decide.
func checkTolerancesExample(t *testing.T, path string) {
	res := runExample(t, path, nil)
	wantRun(t, res, 0, journal.Completed, false)
	want := []string{
		"int-exit-status", "int-from-configuration", "status-membership-0-or-2",
		"bool-from-python", "str-from-python", "list-membership-from-python", "two-item-list-is-a-range",
		"regex-on-stdout", "jsonpath-count-ready-pods", "jsonpath-expect-leader", "range-on-stdout", "probe-tolerance",
	}
	for phase, h := range map[string]*journal.Hypothesis{"before": res.journal.SteadyStates.Before, "after": res.journal.SteadyStates.After} {
		if h == nil || !h.Met {
			t.Fatalf("hypothesis %s: %+v", phase, h)
		}
		if got := names(h.Probes); !slices.Equal(got, want) {
			t.Errorf("%s: probes %v, want %v", phase, got, want)
		}
		for _, p := range h.Probes {
			if p.Status != journal.Succeeded || p.ToleranceMet == nil || !*p.ToleranceMet {
				t.Errorf("%s: probe %s: status %s, tolerance_met %v", phase, name(p), p.Status, p.ToleranceMet)
			}
		}
	}
	probes := res.journal.SteadyStates.Before.Probes
	// The outputs are what each tolerance form was meant for.
	for _, c := range []struct{ probe, got, want string }{
		{"status-membership-0-or-2", outputField(record(t, probes, "status-membership-0-or-2"), "status"), "2"},
		{"bool-from-python", encode(record(t, probes, "bool-from-python").Output), "true"},
		{"str-from-python", encode(record(t, probes, "str-from-python").Output), `"checkout.log"`},
		{"list-membership-from-python", encode(record(t, probes, "list-membership-from-python").Output), `"/var/log"`},
		{"regex-on-stdout", outputField(record(t, probes, "regex-on-stdout"), "stdout"), "service up\n"},
		{"range-on-stdout", outputField(record(t, probes, "range-on-stdout"), "stdout"), "42\n"},
		{"probe-tolerance", encode(record(t, probes, "probe-tolerance").Output), "204"},
	} {
		if c.got != c.want {
			t.Errorf("%s: output %q, want %q", c.probe, c.got, c.want)
		}
	}
	if _, ok := record(t, probes, "two-item-list-is-a-range").Output.(int64); !ok {
		t.Errorf("two-item-list-is-a-range: output %s, want an integer", encode(record(t, probes, "two-item-list-is-a-range").Output))
	}

	// An expected exit status of 1 misses: the hypothesis is not met
	// before the method, which is skipped (exit 0, as in Chaos Toolkit).
	miss := runExample(t, path, []string{"--var", "expected_exit:int=1"})
	wantRun(t, miss, 0, journal.Completed, false)
	before := miss.journal.SteadyStates.Before
	if before.Met || len(before.Probes) != 2 || *before.Probes[1].ToleranceMet || miss.journal.SteadyStates.After != nil {
		t.Errorf("with expected_exit 1: before %s, after %v", encode(before.Probes), miss.journal.SteadyStates.After)
	}
}

// background.yaml: the two background activities overlap the long
// action, the one with a pause starts its work later, and everything
// ends before the hypothesis is checked again.
func checkBackgroundExample(t *testing.T, path string) {
	dir := filepath.Join(t.TempDir(), "work")
	res := runExample(t, path, nil, "BACKGROUND_DIR="+dir)
	wantRun(t, res, 0, journal.Completed, false)
	j := res.journal
	if got := names(j.Run); !slices.Equal(got, []string{"background-load", "background-watch", "long-action", "after-background"}) {
		t.Fatalf("method records %v", got)
	}
	load, watch, long, after := j.Run[0], j.Run[1], j.Run[2], j.Run[3]
	for _, r := range j.Run {
		if r.Status != journal.Succeeded {
			t.Errorf("%s: %s %v", name(r), r.Status, r.Exception)
		}
	}
	for _, bg := range []*journal.Record{load, watch} {
		if !bg.Start.Before(long.End) || !bg.End.After(long.Start) {
			t.Errorf("%s (%s – %s) does not overlap long-action (%s – %s)", name(bg), bg.Start, bg.End, long.Start, long.End)
		}
		if bg.End.After(after.Start) {
			t.Errorf("%s ended at %s, after after-background started (%s)", name(bg), bg.End, after.Start)
		}
	}
	if d := load.Start.Sub(watch.Start); d < 90*time.Millisecond {
		t.Errorf("background-load started its work %v after background-watch, want its 0.1s pause first", d)
	}
	if d := after.Start.Sub(long.End); d < 190*time.Millisecond {
		t.Errorf("after-background started %v after long-action ended, want its 0.2s pause after first", d)
	}
	if got := outputField(after, "stdout"); !strings.HasPrefix(got, "load 0\n") {
		t.Errorf("after-background read %q, want the background load's lines", got)
	}
	if h := j.SteadyStates.After; h == nil || !h.Met || h.Probes[0].Start.Before(long.End) {
		t.Errorf("hypothesis after: %s", encode(h))
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the rollback did not remove %s: %v", dir, err)
	}
}

// rollbacks.json: the rollbacks restore the config file under "always";
// under "deviated" they are skipped while the steady state holds, and run
// when it deviates.
func checkRollbacksExample(t *testing.T, path string) {
	for _, c := range []struct {
		name      string
		args      []string
		code      int
		deviated  bool
		rollbacks bool
		conf      string
	}{
		{"always", []string{"--rollback-strategy", "always"}, 0, false, true, "max_connections=100\n"},
		{"deviated-not-deviated", []string{"--rollback-strategy", "deviated"}, 0, false, false, "max_connections=10\n"},
		{"deviated-deviated", []string{"--rollback-strategy", "deviated", "--var", "chaos_limit:int=2"}, 1, true, true, "max_connections=100\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			res := runExample(t, path, c.args, "ROLLBACKS_DIR="+dir)
			wantRun(t, res, c.code, journal.Completed, c.deviated)
			j := res.journal
			if r := record(t, j.Run, "lower-max-connections"); r.Status != journal.Succeeded {
				t.Errorf("the method's action %s", r.Status)
			}
			if c.rollbacks {
				if got := names(j.Rollbacks); !slices.Equal(got, []string{"restore-config", "show-restored-config"}) {
					t.Fatalf("rollbacks %v, want restore-config, show-restored-config", got)
				}
				if got := outputField(j.Rollbacks[1], "stdout"); got != "max_connections=100\n" {
					t.Errorf("after the rollbacks the config says %q", got)
				}
			} else if len(j.Rollbacks) != 0 {
				t.Errorf("rollbacks ran: %v", names(j.Rollbacks))
			}
			data, err := os.ReadFile(filepath.Join(dir, "app.conf"))
			if err != nil {
				t.Fatal(err)
			}
			if string(data) != c.conf {
				t.Errorf("app.conf holds %q, want %q", data, c.conf)
			}
		})
	}
}

// controls.json: with the tracing control declared on the experiment
// (automatic: false), the hypothesis and one activity, the trace holds
// exactly the experiment span, both hypothesis checks with their probe,
// and that activity; the rest of the run is not traced.
func checkControlsExample(t *testing.T, path string) {
	res := runExample(t, path, nil)
	wantRun(t, res, 0, journal.Completed, false)
	if got := append(names(res.journal.Run), names(res.journal.Rollbacks)...); !slices.Equal(got, []string{"inject-latency", "untraced-probe", "untraced-rollback"}) {
		t.Errorf("ran %v", got)
	}
	tr := readTrace(t, res)
	want := []string{
		"experiment",
		"experiment > activity: inject-latency",
		"experiment > hypothesis(after)",
		"experiment > hypothesis(after) > activity: service-healthy",
		"experiment > hypothesis(before)",
		"experiment > hypothesis(before) > activity: service-healthy",
	}
	if got := spanPaths(tr); !slices.Equal(got, want) {
		t.Errorf("trace tree:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// echoService is the HTTP service of propagation.json: it answers JSON
// holding the traceparent header it received, as
// examples/propagation_service.py does, and remembers each one.
type echoService struct {
	URL     string
	mu      sync.Mutex
	parents []string
}

func startEchoService(t *testing.T) *echoService {
	t.Helper()
	s := &echoService{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		body := map[string]string{"path": r.URL.Path}
		if tp := r.Header.Get("traceparent"); tp != "" {
			body["traceparent"] = tp
		}
		s.mu.Lock()
		s.parents = append(s.parents, r.Header.Get("traceparent"))
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(body)
	}))
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

func (s *echoService) traceparents() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.parents)
}

// propagation.json: the traceparent the service saw names the span of the
// HTTP probe's own activity, once per hypothesis check, the jsonpath
// tolerance sees it in the body, and the process probe gets its own span
// in $TRACEPARENT. Without tracing no header is sent and the tolerance
// is not met.
func checkPropagationExample(t *testing.T, path string) {
	svc := startEchoService(t)
	res := runExample(t, path, nil, "CHAOS_SERVICE_URL="+svc.URL)
	wantRun(t, res, 0, journal.Completed, false)
	tr := readTrace(t, res)
	probeSpans := spansNamed(tr, "activity: service-sees-traceparent")
	if len(probeSpans) != 2 {
		t.Fatalf("%d spans of the HTTP probe, want 2 (before and after)", len(probeSpans))
	}
	got := svc.traceparents()
	if len(got) != 2 || got[0] != traceparentOf(probeSpans[0]) || got[1] != traceparentOf(probeSpans[1]) {
		t.Errorf("the service saw traceparent %q, want %q and %q", got, traceparentOf(probeSpans[0]), traceparentOf(probeSpans[1]))
	}
	for i, h := range []*journal.Hypothesis{res.journal.SteadyStates.Before, res.journal.SteadyStates.After} {
		p := h.Probes[0]
		if p.ToleranceMet == nil || !*p.ToleranceMet {
			t.Errorf("hypothesis %d: tolerance not met: %s", i, encode(p.Output))
		}
		body, _ := p.Output.(*value.Object).Get("body")
		if b, ok := body.(*value.Object); !ok || b.String("traceparent") != traceparentOf(probeSpans[i]) {
			t.Errorf("hypothesis %d: body %s, want traceparent %s", i, encode(body), traceparentOf(probeSpans[i]))
		}
	}
	printer := spansNamed(tr, "activity: print-traceparent")
	if len(printer) != 1 {
		t.Fatalf("%d print-traceparent spans", len(printer))
	}
	if got := outputField(record(t, res.journal.Run, "print-traceparent"), "stdout"); got != traceparentOf(printer[0])+"\n" {
		t.Errorf("the process printed %q, want %s", got, traceparentOf(printer[0]))
	}

	untraced := runExample(t, path, []string{"--no-trace"}, "CHAOS_SERVICE_URL="+svc.URL)
	wantRun(t, untraced, 0, journal.Completed, false)
	if p := untraced.journal.SteadyStates.Before.Probes[0]; *p.ToleranceMet {
		t.Errorf("without tracing the tolerance is met: %s", encode(p.Output))
	}
	if got := svc.traceparents(); len(got) != 3 || got[2] != "" {
		t.Errorf("without tracing the service saw %q", got)
	}
}

// checkDynamicConfigurationExample: the probes of the configuration ran in
// order (the second used the first's result) and a failing one leaves its
// key unset with a warning.
func checkDynamicConfigurationExample(t *testing.T, path string) {
	dir := t.TempDir()
	res := runExample(t, path, nil, "TMPDIR="+dir)
	wantRun(t, res, 0, journal.Completed, false)
	if got, want := outputField(record(t, res.journal.Run, "show-instance-dir"), "stdout"), dir+"/checkout-42\n"; got != want {
		t.Errorf("the method saw instance_dir %q, want %q", got, want)
	}
	res = runExample(t, path, []string{"--no-validation"}, "PATH=/nonexistent")
	if !strings.Contains(res.stderr, "configuration key 'instance' is left unset") {
		t.Errorf("no warning for a failing configuration probe:\n%s", res.stderr)
	}
}
