package report

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chaostracing/chaostracing/journal"
	"github.com/chaostracing/chaostracing/value"
)

// refRuns is where the Python Chaos Toolkit's reference runs are kept.
const refRuns = "../../shared/ctk/reference/runs"

// referenceJournals returns the reference runs that have a journal, by
// run name, plus this package's continuous-hypothesis run.
func referenceJournals(t *testing.T) map[string]string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(refRuns, "*", "journal.json"))
	if len(files) == 0 {
		t.Fatalf("no reference journals in %s", refRuns)
	}
	out := map[string]string{"continuous": "testdata/continuous-journal.json"}
	for _, f := range files {
		out[filepath.Base(filepath.Dir(f))] = f
	}
	return out
}

func readJournal(t *testing.T, path string) *journal.Journal {
	t.Helper()
	j, err := journal.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// records lists a journal's records as FromJournal orders its phases.
func records(j *journal.Journal) []*journal.Record {
	var out []*journal.Record
	if h := j.SteadyStates.Before; h != nil {
		out = append(out, h.Probes...)
	}
	out = append(out, j.Run...)
	for _, h := range j.SteadyStates.During {
		out = append(out, h.Probes...)
	}
	if h := j.SteadyStates.After; h != nil {
		out = append(out, h.Probes...)
	}
	return append(out, j.Rollbacks...)
}

func names(rows []*Row) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.Name
	}
	return out
}

func TestReportFromJournalEveryReferenceRun(t *testing.T) {
	for run, path := range referenceJournals(t) {
		t.Run(run, func(t *testing.T) {
			j := readJournal(t, path)
			tl := FromJournal(j)
			recs := records(j)
			acts := tl.Activities()
			if len(acts) != len(recs) {
				t.Fatalf("%d activity rows, journal has %d records", len(acts), len(recs))
			}
			want := make([]string, len(recs))
			for i, r := range recs {
				want[i] = r.Activity.String("name")
			}
			got := names(acts)
			slices.Sort(want)
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("activities %v, want %v", got, want)
			}
			if tl.Status != j.Status || tl.Deviated != j.Deviated || tl.Title != j.Experiment.String("title") {
				t.Errorf("header %q %v %q", tl.Status, tl.Deviated, tl.Title)
			}
			rc, err := os.ReadFile(filepath.Join(filepath.Dir(path), "rc"))
			if err == nil {
				if code := tl.Verdict().ExitCode; strings.TrimSpace(string(rc)) != string(rune('0'+code)) {
					t.Errorf("verdict %+v, the reference run exited %s", tl.Verdict(), rc)
				}
			}
			tl.Walk(func(r *Row, depth int) bool {
				if r.Status == StatusSkipped {
					if !r.Start.IsZero() || len(r.Children) > 0 || depth != 0 {
						t.Errorf("skipped row %s has times or children", r.Name)
					}
					return true
				}
				if r.Start.IsZero() || r.End.Before(r.Start) {
					t.Errorf("row %s: start %v end %v", r.Name, r.Start, r.End)
				}
				if r.Start.Before(tl.Start) || r.End.After(tl.End) {
					t.Errorf("row %s outside the run", r.Name)
				}
				for _, c := range r.Children {
					if c.Start.Before(r.Start) || c.End.After(r.End) {
						t.Errorf("%s sticks out of %s", c.Name, r.Name)
					}
				}
				return true
			})
			byName := map[string][]*journal.Record{}
			for _, r := range recs {
				byName[r.Activity.String("name")] = append(byName[r.Activity.String("name")], r)
			}
			for _, a := range acts {
				rec := byName[a.Name][0]
				byName[a.Name] = byName[a.Name][1:]
				checkActivity(t, a, rec)
			}
		})
	}
}

// checkActivity compares an activity row with its journal record.
func checkActivity(t *testing.T, a *Row, rec *journal.Record) {
	t.Helper()
	if a.Type != rec.Activity.String("type") {
		t.Errorf("%s: type %q", a.Name, a.Type)
	}
	switch {
	case rec.Status == journal.ActivityFailed:
		if a.Status != StatusFailed || a.Reason == "" || strings.Contains(a.Reason, "chaoslib.exceptions") {
			t.Errorf("%s: status %q reason %q", a.Name, a.Status, a.Reason)
		}
		last := rec.Exception[len(rec.Exception)-1]
		if !strings.HasSuffix(strings.TrimSpace(last), a.Reason) {
			t.Errorf("%s: reason %q is not the end of %q", a.Name, a.Reason, last)
		}
	case rec.Status == "":
		if a.Status != StatusInterrupted {
			t.Errorf("%s: status %q, want interrupted", a.Name, a.Status)
		}
	case rec.ToleranceMet != nil && !*rec.ToleranceMet:
		if a.Status != StatusMissed || a.Reason != "tolerance not met" {
			t.Errorf("%s: status %q reason %q", a.Name, a.Status, a.Reason)
		}
	default:
		if a.Status != StatusOK || a.Reason != "" {
			t.Errorf("%s: status %q reason %q", a.Name, a.Status, a.Reason)
		}
	}
	if rec.Output != nil && a.Output == "" {
		t.Errorf("%s: output lost", a.Name)
	}
	if a.Definition == "" || !strings.Contains(a.Definition, `"provider"`) {
		t.Errorf("%s: definition %q", a.Name, a.Definition)
	}
}

func TestReportFromJournalPhases(t *testing.T) {
	runs := referenceJournals(t)
	phases := func(tl *Timeline) []string {
		var out []string
		for _, r := range tl.Rows {
			out = append(out, r.Name+":"+string(r.Status))
		}
		return out
	}
	for _, tc := range []struct {
		run  string
		want []string
	}{
		{"basic", []string{"hypothesis before:ok", "method:ok", "hypothesis after:ok", "rollbacks:ok"}},
		{"errors", []string{"hypothesis before:ok", "method:ok", "hypothesis after:ok"}},
		{"deviated", []string{"hypothesis before:ok", "method:ok", "hypothesis after:missed", "rollbacks:ok"}},
		{"failing-before", []string{"hypothesis before:missed", "method:skipped", "hypothesis after:skipped", "rollbacks:ok"}},
		{"failing-error", []string{"hypothesis before:failed", "method:skipped", "hypothesis after:skipped", "rollbacks:skipped"}},
		{"long-sigINT", []string{"hypothesis before:ok", "method:interrupted", "hypothesis after:skipped", "rollbacks:skipped"}},
		{"many200", []string{"method:ok"}},
		{"continuous", []string{"hypothesis before:ok", "method:ok", "hypothesis during method:missed", "hypothesis after:ok", "rollbacks:ok"}},
	} {
		tl := FromJournal(readJournal(t, runs[tc.run]))
		if got := phases(tl); !slices.Equal(got, tc.want) {
			t.Errorf("%s: phases %v, want %v", tc.run, got, tc.want)
		}
	}
}

func TestReportFromJournalFailures(t *testing.T) {
	tl := FromJournal(readJournal(t, referenceJournals(t)["errors"]))
	reasons := map[string]string{}
	for _, a := range tl.Activities() {
		reasons[a.Name] = a.Reason
	}
	want := map[string]string{
		"run-true":        "",
		"exit-3":          "",
		"python-raises":   "FileNotFoundError: [Errno 2] No such file or directory: '/nonexistent-dir'",
		"process-timeout": "process activity took too long to complete",
	}
	for name, reason := range want {
		if reasons[name] != reason {
			t.Errorf("%s: reason %q, want %q", name, reasons[name], reason)
		}
	}
	for _, a := range tl.Activities() {
		if a.Name == "python-raises" && !strings.Contains(a.Exception, "Traceback (most recent call last)") {
			t.Errorf("exception text lost: %q", a.Exception)
		}
	}
	v := tl.Verdict()
	if v.Word != VerdictCompleted || v.ExitCode != 0 {
		t.Errorf("verdict %+v", v)
	}
}

func TestReportFromJournalContinuousAndBackground(t *testing.T) {
	tl := FromJournal(readJournal(t, "testdata/continuous-journal.json"))
	cont := tl.phase(KindHypothesis, PhaseContinuous)
	if cont == nil || len(cont.Children) != 4 {
		t.Fatalf("continuous hypothesis %+v", cont)
	}
	missed := 0
	for i, it := range cont.Children {
		if it.Iteration != i+1 || it.Phase != PhaseContinuous || it.Name != "iteration "+string(rune('1'+i)) {
			t.Errorf("iteration %d: %+v", i, it)
		}
		if it.Status == StatusMissed {
			missed++
		}
	}
	if missed != 3 || cont.Status != StatusMissed {
		t.Errorf("%d iterations missed, status %q", missed, cont.Status)
	}
	method := tl.phase(KindMethod, "")
	var bg *Row
	for _, a := range method.Children {
		if a.Name == "background-traffic" {
			bg = a
		}
	}
	if bg == nil || !bg.Background || bg.Type != "action" {
		t.Fatalf("background activity %+v", bg)
	}
	if !method.End.Equal(bg.End) {
		t.Errorf("method ends %v, before its background activity %v", method.End, bg.End)
	}
	// The background activity overlaps the activities after it.
	overlaps := 0
	for _, a := range method.Children {
		if a != bg && a.Start.Before(bg.End) && a.End.After(bg.Start) {
			overlaps++
		}
	}
	if overlaps < 2 {
		t.Errorf("background activity overlaps %d others", overlaps)
	}
	if !cont.Start.Before(method.End) || !cont.End.After(method.Start) {
		t.Error("the continuous hypothesis does not overlap the method")
	}
	v := tl.Verdict()
	if v.Word != VerdictCompleted || !strings.Contains(v.Meaning, "3 of 4") {
		t.Errorf("verdict %+v", v)
	}
}

func TestReportFromJournalNil(t *testing.T) {
	tl := FromJournal(nil)
	if len(tl.Rows) != 0 || tl.Verdict().Word != VerdictUnknown || tl.Verdict().ExitCode != -1 {
		t.Errorf("%+v %+v", tl, tl.Verdict())
	}
	var buf strings.Builder
	if err := Summary(&buf, nil, SummaryOptions{}); err != nil || !strings.HasPrefix(buf.String(), "• Experiment unknown\n") {
		t.Errorf("%v %q", err, buf.String())
	}
}

func TestReportFailureReason(t *testing.T) {
	for _, tc := range []struct {
		lines []string
		want  string
	}{
		{journal.ExceptionLines("boom"), "boom"},
		{[]string{"Traceback\n", "ValueError: x\n", "chaoslib.exceptions.ActivityFailed: ValueError: x\n"}, "ValueError: x"},
		{[]string{"chaoslib.exceptions.InterruptExecution: stop now\n", "\n"}, "stop now"},
		{[]string{"plain message"}, "plain message"},
		{nil, "failed"},
	} {
		if got := FailureReason(tc.lines); got != tc.want {
			t.Errorf("FailureReason(%q) = %q, want %q", tc.lines, got, tc.want)
		}
	}
}

func TestReportOutputsMaskedAndCut(t *testing.T) {
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	big := strings.Repeat("é", MaxOutput)
	act := value.NewObject("type", "probe", "name", "get", "provider", value.NewObject(
		"type", "http", "url", "${base}/x", "headers", value.NewObject("Authorization", "Bearer t0ken-value", "Accept", "*/*"),
		"secrets", []any{"creds"}))
	rec := &journal.Record{
		Activity: act, Start: start, End: start.Add(time.Second), Status: journal.Succeeded,
		Output: value.NewObject("status", int64(200), "headers", value.NewObject("Set-Cookie", "sid=abcdef"), "body", big),
	}
	j := &journal.Journal{Status: journal.Completed, Start: start, End: start.Add(2 * time.Second), Run: []*journal.Record{rec},
		Experiment: value.NewObject("title", "t", "method", []any{act})}
	a := FromJournal(j).Activities()[0]
	for _, s := range []string{"t0ken-value", "sid=abcdef", `"secrets"`, "creds"} {
		if strings.Contains(a.Output+a.Definition, s) {
			t.Errorf("%q shown", s)
		}
	}
	if !strings.Contains(a.Definition, `"Authorization": "***"`) || !strings.Contains(a.Definition, `"Accept": "*/*"`) {
		t.Errorf("definition %s", a.Definition)
	}
	if len(a.Output) > MaxOutput+64 || !strings.Contains(a.Output, "more bytes not shown") {
		t.Errorf("output of %d bytes not cut", len(a.Output))
	}
	if !strings.Contains(a.Output, `"status": 200`) {
		t.Errorf("output %.100s", a.Output)
	}
}

func TestReportSecretsRedactor(t *testing.T) {
	exp := value.NewObject("secrets", value.NewObject(
		"db", value.NewObject("password", "s3cr3t-pa55", "user", "app", "token", value.NewObject("type", "env", "key", "TOKEN_VAR")),
		"nested", value.NewObject("k", value.NewObject("deep", `quo"te-secret`)),
		"vault", value.NewObject("v", value.NewObject("type", "vault", "path", "secret/data/app")),
	))
	red := SecretsRedactor(exp, func(k string) (string, bool) {
		if k == "TOKEN_VAR" {
			return "from-the-env", true
		}
		return "", false
	})
	in := `password s3cr3t-pa55, user app, env from-the-env, escaped quo\"te-secret, raw quo"te-secret`
	got := red(in)
	for _, s := range []string{"s3cr3t-pa55", "from-the-env", "te-secret"} {
		if strings.Contains(got, s) {
			t.Errorf("%q left in %q", s, got)
		}
	}
	if !strings.Contains(got, "user app") {
		t.Errorf("short values must stay: %q", got)
	}
	if got := red("vault secret/data/app"); got != "vault secret/data/app" {
		t.Errorf("a vault secret's spec is not its value: %q", got)
	}
	if id := SecretsRedactor(value.NewObject("title", "x"), nil); id("anything") != "anything" {
		t.Error("no secrets should change nothing")
	}
}
