package functional

// Helpers of the backends_*_test.go files, which run the chaostracing binary
// on examples/tracing/every-level.json against a real OpenTelemetry
// Collector (internal/testenv) and check what arrives, and what a broken
// backend does to a run.

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chaostracing/chaostracing/internal/testenv"
	"github.com/chaostracing/chaostracing/journal"
	"github.com/chaostracing/chaostracing/value"
)

// everyLevel is the shared experiment, relative to this package.
const everyLevel = "../../examples/tracing/every-level.json"

// everyLevelSpans are the span names a run of everyLevel makes, with how
// many of each.
var everyLevelSpans = map[string]int{
	"experiment":                  1,
	"hypothesis":                  2, // before and after
	"method":                      1,
	"rollbacks":                   1,
	"activity: system-is-up":      2, // one in each hypothesis
	"activity: print-traceparent": 1,
	"activity: background-load":   1,
	"activity: too-slow":          1,
	"activity: call-service":      1,
	"activity: restore":           1,
}

// everyLevelSpanCount is the number of spans of a run of everyLevel.
var everyLevelSpanCount = func() int {
	n := 0
	for _, c := range everyLevelSpans {
		n += c
	}
	return n
}()

// everyLevelTitle is the experiment's title.
const everyLevelTitle = "Tracing: every level of a run in one trace"

// Attribute and status values of the OTLP numbering (testenv).
const (
	kindInternal = testenv.SpanKindInternal
	kindClient   = testenv.SpanKindClient
)

// traceparentPattern matches a W3C traceparent; its groups are the trace
// id, the span id and the flags.
var traceparentPattern = regexp.MustCompile(`00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})`)

// probeService is the HTTP server the experiment's call-service probe calls
// (${service_url}/chaos): it answers 200 "ok" without a Date header (so
// that two runs' journals are equal), records the traceparent header of
// every request, and runs onChaos, when set, as a request arrives.
type probeService struct {
	URL     string
	mu      sync.Mutex
	parents []string // the traceparent of each request to /chaos, "" when none
	onChaos atomic.Pointer[func()]
}

// startService starts a probeService for t.
func startService(t *testing.T) *probeService {
	t.Helper()
	s := &probeService{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/chaos" {
			s.mu.Lock()
			s.parents = append(s.parents, r.Header.Get("traceparent"))
			s.mu.Unlock()
			if f := s.onChaos.Load(); f != nil {
				(*f)()
			}
		}
		w.Header()["Date"] = nil
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, "ok\n")
	}))
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

// traceparents returns the traceparent headers /chaos received so far.
func (s *probeService) traceparents() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.parents)
}

// cleanEnv returns the environment entries that blank out, for the child,
// the OTEL_* and trace context variables of the test's own environment
// (a CI job may set them), so that only what a test sets counts. The
// harness appends a test's entries after these, and the last one wins.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(k, "OTEL_"), k == "TRACEPARENT", k == "TRACESTATE", k == "BAGGAGE", k == "CHAOS_SERVICE_URL":
			out = append(out, k+"=")
		}
	}
	return out
}

// backendRun is one run of the binary against a backend.
type backendRun struct {
	result
	wall time.Duration
}

// runTraced runs the binary on experiment (a path) with the service's URL,
// extra arguments (before the experiment) and environment entries.
func runTraced(t *testing.T, svc *probeService, experiment string, args []string, env ...string) backendRun {
	t.Helper()
	full := append([]string{"run", "--no-log-file"}, args...)
	full = append(full, experiment)
	e := append(cleanEnv(), "CHAOS_SERVICE_URL="+svc.URL)
	e = append(e, env...)
	start := time.Now()
	res := chaostracing(t, invocation{args: full, env: e, timeout: 60 * time.Second})
	r := backendRun{result: res, wall: time.Since(start)}
	if r.journal == nil {
		t.Fatalf("no journal: exit %d\n%s", r.code, r.stderr)
	}
	return r
}

// writeVariant writes a copy of the experiment at src changed by edit to a
// temporary file, and returns its path. Key order is kept.
func writeVariant(t *testing.T, src string, edit func(exp *value.Object)) string {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	v, _, err := value.ParseJSON(data)
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	exp, ok := v.(*value.Object)
	if !ok {
		t.Fatalf("%s: not an object", src)
	}
	edit(exp)
	var b strings.Builder
	if err := value.Encode(&b, exp, "  "); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), filepath.Base(src))
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// seedForm turns an experiment into the form the Python
// chaostracing.control users wrote: the legacy control declared, and the
// tracing_* keys in its configuration.
func seedForm(settings ...any) func(*value.Object) {
	return func(exp *value.Object) {
		exp.Set("controls", []any{value.NewObject(
			"name", "tracing",
			"provider", value.NewObject("type", "python", "module", "chaostracing.control"),
		)})
		cfg := exp.Object("configuration")
		if cfg == nil {
			cfg = &value.Object{}
			exp.Set("configuration", cfg)
		}
		for i := 0; i+1 < len(settings); i += 2 {
			cfg.Set(settings[i].(string), settings[i+1])
		}
	}
}

// hostPort splits a "host:port" address, the port as a JSON number.
func hostPort(t *testing.T, addr string) (string, int64) {
	t.Helper()
	host, port, err := net.SplitHostPort(strings.TrimPrefix(addr, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.ParseInt(port, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return host, n
}

// forwardFixedPort listens on the fixed port at a random loopback address
// (127.x.y.z: Linux routes all of 127/8 to the loopback interface, so a
// well-known port such as Jaeger's 14268 is free there even when the
// machine uses it on 127.0.0.1) and forwards every TCP connection to
// target. It returns the address listened on. The listener and the
// connections are closed at the end of the test.
func forwardFixedPort(t *testing.T, port int, target string) string {
	t.Helper()
	var l net.Listener
	var err error
	for range 20 {
		host := fmt.Sprintf("127.%d.%d.%d", 1+rand.IntN(254), rand.IntN(256), 1+rand.IntN(254))
		if l, err = net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port))); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("no loopback address with port %d free: %v", port, err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	closed := false
	// track remembers a connection to close at the end, or closes it at
	// once when the end has come.
	track := func(c net.Conn) {
		mu.Lock()
		defer mu.Unlock()
		if closed {
			_ = c.Close()
			return
		}
		conns = append(conns, c)
	}
	t.Cleanup(func() {
		_ = l.Close()
		mu.Lock()
		closed = true
		for _, c := range conns {
			_ = c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			in, err := l.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", target)
			if err != nil {
				_ = in.Close()
				continue
			}
			track(in)
			track(out)
			wg.Add(2)
			pipe := func(dst, src net.Conn) {
				defer wg.Done()
				_, _ = io.Copy(dst, src)
				_ = dst.Close()
				_ = src.Close()
			}
			go pipe(out, in)
			go pipe(in, out)
		}
	}()
	return l.Addr().String()
}

// freeAddr returns a loopback address with nothing listening on it.
func freeAddr(t *testing.T, network string) string {
	t.Helper()
	if network == "udp" {
		c, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := c.LocalAddr().String()
		_ = c.Close()
		return addr
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return addr
}

// erroring starts an HTTP server that answers every request with status
// 503, as an overloaded collector does, and returns its URL and a function
// counting the requests it got.
func erroring(t *testing.T) (string, func() int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		http.Error(w, "overloaded", http.StatusServiceUnavailable)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, n.Load
}

// logLine matches a log line, its timestamp aside: "[date time LEVEL] msg".
var logLine = regexp.MustCompile(`^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ([A-Z]+)\] (.*)$`)

// logLines returns the log lines of stderr as "LEVEL message", timestamps
// removed, trace contexts blanked, sorted (background activities log
// concurrently, so the order of some lines varies between runs). Other
// output (a summary printed after the run) is left out.
func logLines(stderr string) []string {
	var out []string
	for _, line := range strings.Split(stderr, "\n") {
		if m := logLine.FindStringSubmatch(line); m != nil {
			out = append(out, m[1]+" "+traceparentPattern.ReplaceAllString(m[2], ""))
		}
	}
	sort.Strings(out)
	return out
}

// warnings returns the WARNING lines of stderr.
func warnings(stderr string) []string {
	var out []string
	for _, l := range logLines(stderr) {
		if strings.HasPrefix(l, "WARNING ") {
			out = append(out, l)
		}
	}
	return out
}

// diffLines returns the lines of got missing from want and those of want
// missing from got, both sorted multisets.
func diffLines(got, want []string) (extra, missing []string) {
	i, j := 0, 0
	for i < len(got) || j < len(want) {
		switch {
		case j == len(want) || (i < len(got) && got[i] < want[j]):
			extra = append(extra, got[i])
			i++
		case i == len(got) || want[j] < got[i]:
			missing = append(missing, want[j])
			j++
		default:
			i++
			j++
		}
	}
	return extra, missing
}

// comparableJournal returns a journal as a document without what differs
// between two runs of the same experiment by nature: timestamps and
// durations, and the trace context a traced run passes on (the
// print-traceparent action prints it; an untraced run prints nothing).
func comparableJournal(j *journal.Journal) any {
	return scrub(j.Value())
}

func scrub(v any) any {
	switch t := v.(type) {
	case *value.Object:
		out := &value.Object{}
		for _, k := range t.Keys() {
			if k == "start" || k == "end" || k == "duration" {
				continue
			}
			x, _ := t.Get(k)
			out.Set(k, scrub(x))
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = scrub(x)
		}
		return out
	case string:
		return traceparentPattern.ReplaceAllString(t, "")
	}
	return v
}

// assertSameRun checks that a run against a broken backend (or with any
// tracing) did what the untraced run did: the same exit code, the same
// journal (timestamps and trace contexts aside) and the same log lines,
// except at most maxWarnings WARNING lines about the trace, which it
// returns.
func assertSameRun(t *testing.T, got, untraced backendRun, maxWarnings int) []string {
	t.Helper()
	if got.code != untraced.code {
		t.Errorf("exit code %d, untraced run %d\n%s", got.code, untraced.code, got.stderr)
	}
	if a, b := comparableJournal(got.journal), comparableJournal(untraced.journal); !value.Equal(a, b) {
		t.Errorf("journal differs from the untraced run's:\n traced   %s\n untraced %s", encode(a), encode(b))
	}
	extra, missing := diffLines(logLines(got.stderr), logLines(untraced.stderr))
	if len(missing) > 0 {
		t.Errorf("log lines of the untraced run missing: %q\n%s", missing, got.stderr)
	}
	var warned []string
	for _, l := range extra {
		if !strings.HasPrefix(l, "WARNING ") {
			t.Errorf("log line the untraced run did not write: %q", l)
			continue
		}
		warned = append(warned, l)
	}
	if len(warned) > maxWarnings {
		t.Errorf("%d warnings, want at most %d: %q", len(warned), maxWarnings, warned)
	}
	return warned
}

// spanTree is the spans of one run, indexed.
type spanTree struct {
	spans  []testenv.Span
	byName map[string][]testenv.Span
	byID   map[string]testenv.Span
}

func newSpanTree(spans []testenv.Span) spanTree {
	tr := spanTree{spans: spans, byName: map[string][]testenv.Span{}, byID: map[string]testenv.Span{}}
	for _, s := range spans {
		tr.byName[s.Name] = append(tr.byName[s.Name], s)
		tr.byID[s.SpanID] = s
	}
	return tr
}

// one returns the only span named name, failing the test if there is not
// exactly one.
func (tr spanTree) one(t *testing.T, name string) testenv.Span {
	t.Helper()
	list := tr.byName[name]
	if len(list) != 1 {
		t.Fatalf("%d spans %q, want 1", len(list), name)
	}
	return list[0]
}

// hypothesis returns the hypothesis span of the phase.
func (tr spanTree) hypothesis(t *testing.T, phase string) testenv.Span {
	t.Helper()
	for _, s := range tr.byName["hypothesis"] {
		if s.Attributes["chaostoolkit.hypothesis.phase"] == phase {
			return s
		}
	}
	t.Fatalf("no hypothesis span of phase %q", phase)
	return testenv.Span{}
}

// names returns the span names, sorted.
func (tr spanTree) names() []string {
	out := make([]string, len(tr.spans))
	for i, s := range tr.spans {
		out[i] = s.Name
	}
	sort.Strings(out)
	return out
}

// attrText renders an attribute value as text, for backends whose
// protocol keeps every tag as a string (Zipkin): true, 200, 0.2, or JSON
// for a list.
func attrText(v any) string {
	switch t := v.(type) {
	case nil:
		return "<nil>"
	case string:
		return t
	case bool:
		return strconv.FormatBool(t)
	case int64:
		return strconv.FormatInt(t, 10)
	case float64:
		return strconv.FormatFloat(t, 'g', -1, 64)
	}
	return fmt.Sprint(v)
}

// checkAttr checks one attribute: of the given Go type and value, or, when
// typed is false (a backend that keeps strings only), of the same text.
func checkAttr(t *testing.T, s testenv.Span, key string, want any, typed bool) {
	t.Helper()
	got, ok := s.Attributes[key]
	switch {
	case !ok:
		t.Errorf("span %q has no attribute %s (has %v)", s.Name, key, sortedKeys(s.Attributes))
	case typed && got != want:
		t.Errorf("span %q: %s = %#v, want %#v", s.Name, key, got, want)
	case !typed && attrText(got) != attrText(want):
		t.Errorf("span %q: %s = %#v, want %q", s.Name, key, got, attrText(want))
	}
}

func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// firstEvent returns the span's first event named name.
func firstEvent(s testenv.Span, name string) (testenv.Event, bool) {
	for _, e := range s.Events {
		if e.Name == name {
			return e, true
		}
	}
	return testenv.Event{}, false
}

// eventNames returns the names of a span's events.
func eventNames(s testenv.Span) []string {
	out := make([]string, len(s.Events))
	for i, e := range s.Events {
		out[i] = e.Name
	}
	return out
}
