package functional

import (
	"bytes"
	"context"
	"html"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chaostracing/chaostracing/journal"
	"github.com/chaostracing/chaostracing/report"
)

// chromiumBinary finds Debian's chromium, which the report's browser test
// needs (.ci/run installs it): without it the test fails, it does not
// skip.
func chromiumBinary(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("chromium is not installed (apt-get install -y chromium): the report's browser test needs it")
	return ""
}

// headless runs chromium headless on a local page, with everything that
// could reach the network off, and returns what it printed.
func headless(t *testing.T, page string, args ...string) (string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir(), "--window-size=1400,900", "--virtual-time-budget=5000",
		"--hide-scrollbars", "--disable-dev-shm-usage", "--enable-logging=stderr", "--v=0",
	}
	cmd := exec.CommandContext(ctx, chromiumBinary(t), append(append(base, args...), "file://"+page)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, stderr.String())
	}
	return stdout.String(), stderr.String()
}

// artifactDir is where the screenshots go: $CHAOSTRACING_ARTIFACTS when
// set (CI keeps it), else the test's artifact directory (kept with
// go test -artifacts).
func artifactDir(t *testing.T) string {
	t.Helper()
	if dir := os.Getenv("CHAOSTRACING_ARTIFACTS"); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	return t.ArtifactDir()
}

var (
	errorsBox  = regexp.MustCompile(`(?s)<pre id="report-errors"[^>]*>(.*?)</pre>`)
	chartNames = regexp.MustCompile(`<span class="nm" title="([^"]*)">`)
)

func TestReportInChromium(t *testing.T) {
	refRuns := abs(t, "../../../shared/ctk/reference/runs")
	testdata := abs(t, "../../report/testdata")
	for _, tc := range []struct {
		name      string
		args      []string
		journal   string // whose activities the page must show
		traceFile string // whose activities the page must show, without a journal
		hidden    []string
		// zoom opens the page on a time range (#view=FROM,TO);
		// zoomed is the range the page then says it shows.
		zoom, zoomed string
	}{
		{name: "errors-journal", args: []string{filepath.Join(refRuns, "errors", "journal.json")}, journal: filepath.Join(refRuns, "errors", "journal.json")},
		{
			name:    "continuous-journal",
			args:    []string{"--journal", filepath.Join(testdata, "continuous-journal.json"), "-o", "continuous.html"},
			journal: filepath.Join(testdata, "continuous-journal.json"),
			hidden:  []string{"s3cr3t-pa55word", "should-not-appear-in-report"},
			zoom:    "#view=100,350&row=5",
			zoomed:  "showing 100 ms – 350 ms of 1.52 s",
		},
		{name: "collector-trace", args: []string{"--trace", filepath.Join(testdata, "collector-file-exporter.jsonl")}, traceFile: filepath.Join(testdata, "collector-file-exporter.jsonl"), hidden: []string{"abc.def.ghi"}},
		{
			name:    "journal-and-trace",
			args:    []string{filepath.Join(testdata, "errors-traced.jsonl"), filepath.Join(refRuns, "errors-traced", "journal.json")},
			journal: filepath.Join(refRuns, "errors-traced", "journal.json"),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := chaostracing(t, invocation{args: append([]string{"report", "--no-log-file"}, tc.args...)})
			if res.code != 0 {
				if strings.Contains(res.stderr, `unknown command "report"`) {
					t.Fatal(`chaostracing has no report command: the root command (internal/cli/root.go) must add app.reportCommand()`)
				}
				t.Fatalf("exit %d\n%s", res.code, res.stderr)
			}
			out := "report.html"
			for i, a := range tc.args {
				if a == "-o" {
					out = tc.args[i+1]
				}
			}
			page := filepath.Join(res.dir, out)
			if !strings.Contains(res.stderr, "Report written to "+page) {
				t.Errorf("the path is not logged:\n%s", res.stderr)
			}
			file, err := os.ReadFile(page)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range tc.hidden {
				if strings.Contains(string(file), s) {
					t.Errorf("the report shows the secret %q", s)
				}
			}

			dom, logs := headless(t, page, "--dump-dom")
			if !strings.Contains(dom, `data-rendered="true"`) {
				t.Fatalf("the timeline was not drawn\n%s", logs)
			}
			if m := errorsBox.FindStringSubmatch(dom); m == nil || strings.TrimSpace(m[1]) != "" {
				t.Errorf("the page recorded errors: %v", m)
			}
			if strings.Contains(logs, "Uncaught") {
				t.Errorf("chromium logged an uncaught error:\n%s", logs)
			}
			text := html.UnescapeString(dom)
			inChart := map[string]bool{}
			for _, m := range chartNames.FindAllStringSubmatch(dom, -1) {
				inChart[html.UnescapeString(m[1])] = true
			}
			for _, name := range activityNames(t, tc.journal, tc.traceFile) {
				if !strings.Contains(text, name) || !inChart[name] {
					t.Errorf("activity %q is not on the page (chart: %v)", name, inChart[name])
				}
			}

			if tc.zoom != "" {
				dom, _ := headless(t, page+tc.zoom, "--dump-dom")
				if !strings.Contains(dom, `<span class="range" id="range">`+tc.zoomed+`</span>`) {
					t.Errorf("zoomed to %s, the page does not say %q", tc.zoom, tc.zoomed)
				}
				if !regexp.MustCompile(`<div class="row [^"]*selected"[^>]*data-row="5"`).MatchString(dom) {
					t.Errorf("row 5 is not selected")
				}
				if m := errorsBox.FindStringSubmatch(dom); m == nil || strings.TrimSpace(m[1]) != "" {
					t.Errorf("the zoomed page recorded errors: %v", m)
				}
			}

			shot := filepath.Join(artifactDir(t), "report-"+tc.name+".png")
			headless(t, page, "--screenshot="+shot)
			f, err := os.Open(shot)
			if err != nil {
				t.Fatalf("no screenshot: %v", err)
			}
			defer f.Close()
			img, err := png.Decode(f)
			if err != nil {
				t.Fatalf("screenshot: %v", err)
			}
			if b := img.Bounds(); b.Dx() != 1400 || b.Dy() != 900 {
				t.Errorf("screenshot of %v", b)
			}
			colors := map[[3]uint32]bool{}
			for y := 0; y < img.Bounds().Dy(); y += 7 {
				for x := 0; x < img.Bounds().Dx(); x += 7 {
					r, g, b, _ := img.At(x, y).RGBA()
					colors[[3]uint32{r >> 8, g >> 8, b >> 8}] = true
				}
			}
			if len(colors) < 20 {
				t.Errorf("the screenshot looks blank (%d colours)", len(colors))
			}
			t.Logf("screenshot: %s", shot)
		})
	}
}

// interactions drives a report loaded in a frame: the zoom buttons, the
// wheel, a drag, a brush over the overview, a click on the table, folding
// a phase and the keys; each line says what the page shows afterwards.
const interactions = `<!DOCTYPE html><html><body><pre id="out"></pre>
<iframe id="f" src="report.html" width="1400" height="900"></iframe>
<script>
var out = [];
function log(s) { out.push(s); document.getElementById("out").textContent = out.join("\n"); }
document.getElementById("f").addEventListener("load", function () {
  try {
    var w = this.contentWindow, d = w.document;
    function range() { return d.getElementById("range").textContent; }
    function mouse(target, type, x, y) { target.dispatchEvent(new w.MouseEvent(type, {clientX: x, clientY: y, button: 0, bubbles: true})); }
    log("initial|" + range());
    d.querySelector("[data-zoom=in]").click(); log("zoom-in|" + range());
    d.querySelector("[data-zoom=fit]").click(); log("fit|" + range());
    var axis = d.querySelector(".axis-ticks").getBoundingClientRect();
    d.querySelector(".axis-ticks").dispatchEvent(new w.WheelEvent("wheel", {deltaY: -500, clientX: axis.left + axis.width / 4, bubbles: true, cancelable: true}));
    var wheeled = range(); log("wheel|" + wheeled);
    var track = d.querySelectorAll(".track")[3], t = track.getBoundingClientRect();
    mouse(track, "mousedown", t.left + 300, t.top + 5); mouse(w, "mousemove", t.left + 100, t.top + 5); mouse(w, "mouseup", t.left + 100, t.top + 5);
    log("drag|" + range());
    var ov = d.getElementById("overview"), l = d.querySelector(".ov-lanes").getBoundingClientRect();
    mouse(ov, "mousedown", l.left + l.width / 2, l.top + 5); mouse(w, "mousemove", l.left + l.width * 0.75, l.top + 5); mouse(w, "mouseup", l.left + l.width * 0.75, l.top + 5);
    log("brush|" + range());
    var rows = d.querySelectorAll("#activities tr[data-row]");
    rows[rows.length - 1].click(); log("table|" + d.querySelector("#details h3").textContent);
    d.querySelectorAll(".row")[0].querySelector(".caret").click();
    log("fold|" + Array.prototype.filter.call(d.querySelectorAll(".row"), function (x) { return x.style.display === "none"; }).length);
    d.dispatchEvent(new w.KeyboardEvent("keydown", {key: "0", bubbles: true})); log("key-0|" + range());
    log("errors|" + d.getElementById("report-errors").textContent);
  } catch (e) { log("harness|" + e); }
});
</script></body></html>`

func TestReportInteractionsInChromium(t *testing.T) {
	res := chaostracing(t, invocation{args: []string{"report", "--no-log-file", abs(t, "../../report/testdata/continuous-journal.json")}})
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	harness := filepath.Join(res.dir, "harness.html")
	if err := os.WriteFile(harness, []byte(interactions), 0o644); err != nil {
		t.Fatal(err)
	}
	dom, _ := headless(t, harness, "--allow-file-access-from-files", "--dump-dom")
	m := regexp.MustCompile(`(?s)<pre id="out">(.*?)</pre>`).FindStringSubmatch(dom)
	if m == nil {
		t.Fatalf("the harness did not run:\n%s", dom)
	}
	got := map[string]string{}
	for _, line := range strings.Split(html.UnescapeString(m[1]), "\n") {
		k, v, _ := strings.Cut(line, "|")
		got[k] = v
	}
	t.Logf("%q", got)
	whole := "showing 0 – 1.52 s of 1.52 s"
	for _, c := range []struct {
		step  string
		check func(string) bool
	}{
		{"initial", func(v string) bool { return v == whole }},
		{"zoom-in", func(v string) bool { return v != whole && strings.HasPrefix(v, "showing ") }},
		{"fit", func(v string) bool { return v == whole }},
		{"wheel", func(v string) bool { return v != whole && strings.HasPrefix(v, "showing ") }},
		{"drag", func(v string) bool { return v != got["wheel"] && strings.HasPrefix(v, "showing ") }},
		{"brush", func(v string) bool { return v != got["drag"] && strings.HasPrefix(v, "showing ") }},
		{"table", func(v string) bool { return v == "fail-back-primary" }},
		{"fold", func(v string) bool { return v == "2" }},
		{"key-0", func(v string) bool { return v == whole }},
		{"errors", func(v string) bool { return v == "" }},
	} {
		if v, ok := got[c.step]; !ok || !c.check(v) {
			t.Errorf("%s: the page shows %q", c.step, v)
		}
	}
	if v, ok := got["harness"]; ok {
		t.Errorf("harness: %s", v)
	}
}

// activityNames lists the activities of a journal, or of a trace.
func activityNames(t *testing.T, journalPath, tracePath string) []string {
	t.Helper()
	var names []string
	if journalPath != "" {
		j, err := journal.ReadFile(journalPath)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range report.FromJournal(j).Activities() {
			names = append(names, a.Name)
		}
		return names
	}
	traces, err := report.ReadOTLPFile(tracePath)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range traces[0].Timeline().Activities() {
		names = append(names, a.Name)
	}
	if len(names) == 0 {
		t.Fatal("no activities to look for")
	}
	return names
}

func TestReportCommandErrors(t *testing.T) {
	refJournal := abs(t, "../../../shared/ctk/reference/runs/errors/journal.json")
	traceFile := abs(t, "../../report/testdata/collector-file-exporter.jsonl")
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"report"}, 2, "give a journal, a trace file, or both"},
		{[]string{"report", "--no-such-flag", refJournal}, 2, "unknown flag"},
		{[]string{"report", refJournal, refJournal}, 2, "two journal files given"},
		{[]string{"report", "a", "b", "c"}, 2, "accepts at most 2 arg(s)"},
		{[]string{"report", "--journal", "/nonexistent/journal.json"}, 1, "cannot read journal"},
		{[]string{"report", "/nonexistent/journal.json"}, 1, "cannot read /nonexistent/journal.json"},
		{[]string{"report", "--trace", refJournal}, 1, "no spans found"},
		{[]string{"report", "--journal", traceFile}, 1, "does not look like a journal"},
		{[]string{"report", "--trace", traceFile, "--trace-id", "0123"}, 1, "no trace 0123 in it"},
		{[]string{"report", "-o", "/nonexistent/dir/report.html", refJournal}, 1, "cannot write the report"},
	} {
		res := chaostracing(t, invocation{args: append(tc.args[:1:1], append([]string{"--no-log-file"}, tc.args[1:]...)...)})
		if res.code != tc.code || !strings.Contains(res.stderr, tc.want) {
			t.Errorf("%v: exit %d, want %d with %q\n%s", tc.args, res.code, tc.code, tc.want, res.stderr)
		}
		if strings.Contains(res.stderr, "goroutine ") || strings.Contains(res.stderr, "panic") {
			t.Errorf("%v: stack trace:\n%s", tc.args, res.stderr)
		}
		if _, err := os.Stat(filepath.Join(res.dir, "report.html")); err == nil {
			t.Errorf("%v: a report was written", tc.args)
		}
	}
}

// TestReportsDocIsTrue keeps docs/reports.md true: its summary example is
// what report.Summary prints for the journal it names, and the screenshot
// it shows exists.
func TestReportsDocIsTrue(t *testing.T) {
	root := repoRoot(t)
	blocks := readBlocks(t, "docs/reports.md")
	found := 0
	for _, b := range blocks {
		if b.directive != "summary" {
			continue
		}
		found++
		j, err := journal.ReadFile(filepath.Join(root, b.arg))
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := report.Summary(&buf, j, report.SummaryOptions{}); err != nil {
			t.Fatal(err)
		}
		if got := buf.String(); got != b.body {
			t.Errorf("docs/reports.md line %d: the summary of %s is now\n%s", b.line, b.arg, got)
		}
	}
	if found == 0 {
		t.Error("docs/reports.md has no summary example")
	}
	page, err := os.ReadFile(filepath.Join(root, "docs", "reports.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`!\[[^\]]*\]\(([^)]+)\)`).FindAllStringSubmatch(string(page), -1) {
		f, err := os.Open(filepath.Join(root, "docs", m[1]))
		if err != nil {
			t.Errorf("docs/reports.md shows %s: %v", m[1], err)
			continue
		}
		if _, err := png.Decode(f); err != nil {
			t.Errorf("%s: %v", m[1], err)
		}
		f.Close()
	}
}
