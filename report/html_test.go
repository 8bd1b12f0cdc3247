package report

import (
	"bytes"
	"encoding/json"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chaostracing/chaostracing/journal"
)

func render(t *testing.T, tl *Timeline, opts HTMLOptions) string {
	t.Helper()
	var buf bytes.Buffer
	if err := HTML(&buf, tl, opts); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// reportData decodes the run the page's script reads.
func reportData(t *testing.T, page string) view {
	t.Helper()
	m := regexp.MustCompile(`(?s)<script type="application/json" id="report-data">(.*?)</script>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no report data in the page")
	}
	var v view
	if err := json.Unmarshal([]byte(m[1]), &v); err != nil {
		t.Fatalf("report data: %v", err)
	}
	return v
}

// withoutData is the page without the run's data and the table's cells,
// which hold the run's text, not the page's.
func withoutData(page string) string {
	page = regexp.MustCompile(`(?s)<script type="application/json" id="report-data">.*?</script>`).ReplaceAllString(page, "")
	return regexp.MustCompile(`(?s)<td[^>]*>.*?</td>`).ReplaceAllString(page, "")
}

// timelines are every timeline the tests have: each reference journal,
// and the collector's trace.
func timelines(t *testing.T) map[string]*Timeline {
	t.Helper()
	out := map[string]*Timeline{}
	for run, path := range referenceJournals(t) {
		out[run] = FromJournal(readJournal(t, path))
	}
	traces, err := ReadOTLPFile("testdata/collector-file-exporter.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	out["collector-trace"] = traces[0].Timeline()
	return out
}

// external finds what would make a page load something: tags that fetch,
// attributes and CSS that point elsewhere.
var external = regexp.MustCompile(`(?i)<link[\s>]|<img[\s>]|<iframe|<object|<embed|<base[\s>]|<[a-z][^>]*\s(href|src|srcset|action|formaction|poster|background)\s*=|url\(|@import`)

func TestReportHTMLSelfContained(t *testing.T) {
	for _, asset := range []string{pageTemplate, pageCSS, pageJS, errorsJS} {
		if strings.Contains(asset, "http://") || strings.Contains(asset, "https://") || external.MatchString(asset) {
			t.Errorf("an asset refers to something outside the page: %.80q", asset)
		}
	}
	for name, tl := range timelines(t) {
		page := render(t, tl, HTMLOptions{})
		if m := external.FindString(withoutData(page)); m != "" {
			t.Errorf("%s: %q in the page", name, m)
		}
		if m := regexp.MustCompile(`(?i)<[a-z][^>]*\s(href|src)\s*=`).FindString(page); m != "" {
			t.Errorf("%s: %q in the page", name, m)
		}
		// The run's data may hold URLs (an http probe's, an http
		// response's body): in the script's data they are escaped, and
		// in the table they are text of its cells, nothing else.
		for _, m := range regexp.MustCompile(`https?://`).FindAllStringIndex(page, -1) {
			open := strings.LastIndex(page[:m[0]], "<")
			if !strings.HasPrefix(page[open:], "<td") {
				t.Errorf("%s: a URL outside the run's data: %q", name, page[max(0, m[0]-60):m[1]+20])
			}
		}
		if strings.Count(page, "<script") != 3 || !strings.Contains(page, "<style>") {
			t.Errorf("%s: want the errors script, the data and the timeline's script, inline", name)
		}
	}
}

func TestReportHTMLURLsInDataStayData(t *testing.T) {
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	rec := &journal.Record{
		Activity: mustObject(`{"type":"probe","name":"get https://example.test/health","provider":{"type":"http","url":"http://example.test/health"}}`),
		Output:   mustObject(`{"status":200,"body":"<a href=\"http://example.test/x\">x</a><script src=\"https://evil.test/x.js\"></script>"}`),
		Start:    start, End: start.Add(time.Second), Status: journal.ActivityFailed,
		Exception: journal.ExceptionLines("connection refused by http://example.test/health"),
	}
	j := &journal.Journal{Status: journal.Completed, Start: start, End: start.Add(time.Second), Run: []*journal.Record{rec}, Experiment: mustObject(`{"title":"</script><script>alert(1)</script>"}`)}
	page := render(t, FromJournal(j), HTMLOptions{})
	if m := regexp.MustCompile(`(?i)<[a-z][^>]*\s(href|src)\s*=`).FindString(page); m != "" {
		t.Errorf("%q in the page", m)
	}
	if strings.Contains(page, "<script>alert(1)") || strings.Count(page, "<script") != 3 {
		t.Error("the title is not escaped")
	}
	for _, m := range regexp.MustCompile(`https?://`).FindAllStringIndex(page, -1) {
		open := strings.LastIndex(page[:m[0]], "<")
		if !strings.HasPrefix(page[open:], "<td") {
			t.Errorf("a URL outside the table's cells: %q", page[max(0, m[0]-60):m[1]+20])
		}
	}
	v := reportData(t, page)
	if !strings.Contains(v.Rows[1].Output, `<a href=\"http://example.test/x\">`) || v.Title != "</script><script>alert(1)</script>" {
		t.Errorf("the data does not round-trip: %q %q", v.Rows[1].Output, v.Title)
	}
}

func TestReportHTMLShowsEverything(t *testing.T) {
	for name, tl := range timelines(t) {
		page := render(t, tl, HTMLOptions{})
		v := reportData(t, page)
		names, reasons := cells(page, "name"), cells(page, "reason")
		n := 0
		tl.Walk(func(r *Row, depth int) bool {
			vr := v.Rows[n]
			if vr.Name != r.Name || vr.Depth != depth || vr.Status != r.Status || vr.Kind != r.Kind {
				t.Errorf("%s: row %d is %+v, want %s", name, n, vr, r.Name)
			}
			if (vr.Start == nil) != (r.Status == StatusSkipped) {
				t.Errorf("%s: %s start %v", name, r.Name, vr.Start)
			}
			// The table under the chart has every row, without script.
			if !names[r.Name] {
				t.Errorf("%s: %s not in the table", name, r.Name)
			}
			if r.Reason != "" && !reasons[r.Reason] {
				t.Errorf("%s: reason %q of %s not in the table", name, r.Reason, r.Name)
			}
			n++
			return true
		})
		if n != len(v.Rows) {
			t.Errorf("%s: %d rows in the data, %d in the timeline", name, len(v.Rows), n)
		}
		verdict := tl.Verdict()
		if !strings.Contains(page, `class="verdict verdict-`+verdict.Word+`"`) || v.Verdict != verdict.Word {
			t.Errorf("%s: verdict %q missing", name, verdict.Word)
		}
		if !strings.Contains(page, "<h1 id=\"title\">"+html.EscapeString(tl.Title)+"</h1>") {
			t.Errorf("%s: title missing", name)
		}
	}
}

// cells returns the text of the table's cells of a class.
func cells(page, class string) map[string]bool {
	out := map[string]bool{}
	for _, m := range regexp.MustCompile(`<td class="`+class+`"[^>]*>(.*?)</td>`).FindAllStringSubmatch(page, -1) {
		out[html.UnescapeString(m[1])] = true
	}
	return out
}

func TestReportHTMLHeader(t *testing.T) {
	tl := FromJournal(readJournal(t, referenceJournals(t)["deviated"]))
	page := render(t, tl, HTMLOptions{Title: "Nightly run", Generated: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)})
	for _, want := range []string{
		"<title>Nightly run · chaostracing report</title>",
		`<span class="verdict verdict-deviated" id="verdict">✗ deviated · exit code 1</span>`,
		"The steady state was not met after the method: a weakness may have been found (probe marker-absent: tolerance not met).",
		"<dt>Started</dt><dd>2026-11-25 22:17:28.408 UTC</dd>",
		"<dt>Deviated</dt><dd>true</dd>",
		"<dt>Activities</dt><dd>4, 1 failed</dd>",
		"<li>reference</li>",
		"Made by chaostracing report on 2026-03-04 05:06:07 UTC",
		`<span class="pill st-missed">out of tolerance</span>`,
		`<span class="pill st-missed">not met</span>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("%q missing", want)
		}
	}
}

func TestReportHTMLRedacts(t *testing.T) {
	j := readJournal(t, "testdata/continuous-journal.json")
	const password, configValue = "s3cr3t-pa55word", "should-not-appear-in-report"
	plain := render(t, FromJournal(j), HTMLOptions{})
	if !strings.Contains(plain, password) {
		t.Fatal("the fixture's output should hold the secret")
	}
	if strings.Contains(plain, configValue) || strings.Contains(plain, `"secrets"`) || strings.Contains(plain, `"configuration"`) {
		t.Error("the experiment's configuration or secrets block is shown")
	}
	page := render(t, FromJournal(j), HTMLOptions{Redact: SecretsRedactor(j.Experiment, nil)})
	if strings.Contains(page, password) || strings.Contains(page, configValue) {
		t.Error("a secret is shown")
	}
	if !strings.Contains(page, "auth app:***") {
		t.Error("the redacted output is missing")
	}
	every := render(t, FromJournal(j), HTMLOptions{Redact: func(s string) string {
		if s == "" {
			return s
		}
		return "R"
	}})
	for _, s := range []string{"checkout-health", "Checkout survives", "failover", "path '/nonexistent", "tolerance not met"} {
		if strings.Contains(every, s) {
			t.Errorf("%q shown without going through Redact", s)
		}
	}
	traces, _ := ReadOTLPFile("testdata/collector-file-exporter.jsonl")
	if page := render(t, traces[0].Timeline(), HTMLOptions{}); strings.Contains(page, "abc.def.ghi") || !strings.Contains(page, `"http.request.header.authorization","***"`) {
		t.Error("a credential in a span attribute is shown")
	}
}
