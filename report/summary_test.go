package report

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/chaostracing/chaostracing/journal"
	"github.com/chaostracing/chaostracing/value"
)

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

func summaryOf(t *testing.T, j *journal.Journal, opts SummaryOptions) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Summary(&buf, j, opts); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestReportSummaryEveryReferenceRun(t *testing.T) {
	for run, path := range referenceJournals(t) {
		j := readJournal(t, path)
		tl := FromJournal(j)
		v := tl.Verdict()
		for _, width := range []int{0, 40, 60, 80, 120} {
			out := summaryOf(t, j, SummaryOptions{Width: width})
			limit := width
			if limit == 0 {
				limit = 80
			}
			if strings.Contains(out, "\x1b") {
				t.Errorf("%s: escape codes without Color", run)
			}
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			for _, l := range lines {
				if n := utf8.RuneCountInString(l); n > limit {
					t.Errorf("%s width %d: line of %d columns: %q", run, width, n, l)
				}
			}
			head := lines[0]
			if !strings.Contains(head, "Experiment "+v.Word) || !strings.Contains(head, "exit code") {
				t.Errorf("%s: verdict line %q", run, head)
			}
			flat := strings.Join(strings.Fields(out), " ")
			if !strings.Contains(flat, strings.Join(strings.Fields(capitalize(v.Meaning)), " ")) {
				t.Errorf("%s: meaning %q missing from\n%s", run, v.Meaning, out)
			}
			if width != 80 {
				continue
			}
			shown := 0
			for _, a := range tl.Activities() {
				if strings.Contains(out, " "+a.Name+" ") || strings.Contains(out, " "+prefix(a.Name, 15)) && strings.Contains(out, "…") {
					shown++
				} else if a.Phase != PhaseContinuous {
					t.Errorf("%s: activity %s missing", run, a.Name)
				}
				if a.Failed() && a.Phase != PhaseContinuous {
					reason := strings.Join(strings.Fields(a.Reason), " ")
					if !strings.Contains(flat, prefix(reason, 60)) {
						t.Errorf("%s: reason %q of %s missing", run, a.Reason, a.Name)
					}
				}
			}
			if shown == 0 {
				t.Errorf("%s: no activity shown", run)
			}
		}
	}
}

func TestReportSummaryErrorsRun(t *testing.T) {
	out := summaryOf(t, readJournal(t, referenceJournals(t)["errors"]), SummaryOptions{})
	want := []string{
		"✓ Experiment completed (exit code 0)",
		"  The steady state held.",
		"  method activities that error",
		"  started 2026-11-25 22:17:36 UTC · took 1.02 s · 5 activities, 2 failed",
		"",
	}
	lines := strings.Split(out, "\n")
	for i, w := range want {
		if lines[i] != w {
			t.Errorf("line %d: %q, want %q", i, lines[i], w)
		}
	}
	for _, re := range []string{
		`(?m)^hypothesis before +━ +1\.7 ms ✓$`,
		`(?m)^  run-true +█ +1\.7 ms ✓$`,
		`(?m)^method +━{40,} +1\.01 s ✓$`,
		`(?m)^  python-raises +█ +1\.7 ms ✗\n      FileNotFoundError: \[Errno 2\] No such file or directory: '/nonexistent-dir'$`,
		`(?m)^  process-timeout +█{40,}  1\.01 s ✗\n      process activity took too long to complete$`,
		`(?m)^hypothesis after +━  5\.2 ms ✓$`,
	} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("no match for %s in\n%s", re, out)
		}
	}
}

func TestReportSummaryVerdicts(t *testing.T) {
	runs := referenceJournals(t)
	for run, want := range map[string][]string{
		"deviated":       {"✗ Experiment deviated (exit code 1)", "not met after the method", "tolerance not met"},
		"failing-before": {"✓ Experiment completed (exit code 0)", "not met before the method", "not run: the steady state was not met before the method"},
		"failing-error":  {"✗ Experiment failed (exit code 1)", "probe listdir-missing failed: FileNotFoundError", "not run: the run failed"},
		"long-sigINT":    {"• Experiment interrupted (exit code 1)", "sleep-3", "interrupted before it ended", "not run: the run was interrupted"},
		"many200":        {"✓ Experiment completed (exit code 0)", "true-000", "true-199", "200 activities, 0 failed"},
		"continuous":     {"was not met in 3 of 4 checks", "4 iterations, 3 not met:", "iteration 3", "▒▒▒", "'restart-payment-worker'"},
	} {
		out := summaryOf(t, readJournal(t, runs[run]), SummaryOptions{Width: 80})
		flat := strings.Join(strings.Fields(out), " ")
		for _, w := range want {
			if !strings.Contains(flat, strings.Join(strings.Fields(w), " ")) {
				t.Errorf("%s: %q missing from\n%s", run, w, out)
			}
		}
	}
}

func TestReportSummaryColor(t *testing.T) {
	runs := referenceJournals(t)
	for run, colors := range map[string][]string{
		"errors":      {ansiGreen, ansiRed},
		"long-sigINT": {ansiYellow, ansiGreen},
		"deviated":    {ansiRed},
	} {
		j := readJournal(t, runs[run])
		plain := summaryOf(t, j, SummaryOptions{})
		colored := summaryOf(t, j, SummaryOptions{Color: true})
		for _, c := range colors {
			if !strings.Contains(colored, c) {
				t.Errorf("%s: no %q", run, c)
			}
		}
		for _, code := range ansi.FindAllString(colored, -1) {
			switch code {
			case ansiGreen, ansiRed, ansiYellow, ansiReset, ansiBold:
			default:
				t.Errorf("%s: colour %q", run, code)
			}
		}
		if got := ansi.ReplaceAllString(colored, ""); got != plain {
			t.Errorf("%s: colours change the text:\n%s\n---\n%s", run, got, plain)
		}
	}
}

func TestReportSummaryLongNamesAndReasons(t *testing.T) {
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	long := strings.Repeat("very-long-activity-name-", 5)
	rec := &journal.Record{
		Activity: mustObject(`{"type":"action","name":"` + long + `"}`), Start: start, Status: journal.ActivityFailed,
		End:       start.Add(90 * time.Minute),
		Exception: journal.ExceptionLines(strings.Repeat("a reason that goes on and on ", 20)),
	}
	j := &journal.Journal{Status: journal.Completed, Start: start, End: start.Add(2 * time.Hour), Run: []*journal.Record{rec}}
	out := summaryOf(t, j, SummaryOptions{Width: 50})
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if utf8.RuneCountInString(l) > 50 {
			t.Errorf("line of %d columns: %q", utf8.RuneCountInString(l), l)
		}
	}
	if !strings.Contains(out, "  very-long-act… █") || !strings.Contains(out, "1h30m ✗") || !strings.Contains(out, "…") {
		t.Errorf("summary:\n%s", out)
	}
	if n := strings.Count(out, "a reason that"); n < 2 || n > 12 {
		t.Errorf("reason shown %d times:\n%s", n, out)
	}
}

func TestReportFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		50 * time.Microsecond:   "<0.1 ms",
		1700 * time.Microsecond: "1.7 ms",
		523 * time.Millisecond:  "523 ms",
		1023 * time.Millisecond: "1.02 s",
		42 * time.Second:        "42.0 s",
		125 * time.Second:       "2m05s",
		26 * time.Hour:          "26h00m",
	} {
		if got := formatDuration(d); got != want || utf8.RuneCountInString(got) > 7 {
			t.Errorf("formatDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func mustObject(s string) *value.Object {
	v, _, err := value.ParseJSON([]byte(s))
	if err != nil {
		panic(err)
	}
	return v.(*value.Object)
}

// prefix is the first n runes of s.
func prefix(s string, n int) string {
	r := []rune(s)
	return string(r[:min(n, len(r))])
}
