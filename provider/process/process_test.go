package process

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/goleak"

	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/provider"
	"github.com/chaostracing/chaostracing/value"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// call builds a provider call for a process spec given as key, value pairs.
func call(pairs ...any) provider.Call {
	spec := value.NewObject(append([]any{"type", "process"}, pairs...)...)
	return provider.Call{Activity: &experiment.Activity{Name: "act", Provider: spec}, Spec: spec}
}

// run runs c and returns the output object.
func run(t *testing.T, c provider.Call) *value.Object {
	t.Helper()
	out, err := Provider{}.Run(context.Background(), c)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return out.(*value.Object)
}

func field(o *value.Object, key string) any {
	v, _ := o.Get(key)
	return v
}

func TestArguments(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"b.txt", "a.txt", "c.log"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("CT_TEST_VAR", "v a")
	t.Setenv("HOME", "/home/tester")
	tests := []struct {
		name string
		args any
		want string
	}{
		{"list", []any{"[%s]", "a b", int64(3), 1.5, true, false, nil, "", 1e-05}, "[a b][3][1.5][True][False][1e-05]"},
		{"list of containers", []any{"[%s]", []any{"a", int64(1)}, value.NewObject("k", nil)}, "[['a', 1]][{'k': None}]"},
		{"object", value.NewObject("[%s]", "x", "-n", nil, "k", int64(2)), "[x][-n][k][2]"},
		{"plain string", "[%s] a  b\tc", "[a][b][c]"},
		{"quoting", `'[%s]' 'b c' "d e" f\ g "it's" 'say "hi"'`, `[b c][d e][f g][it's][say "hi"]`},
		{"empty quotes kept", `'[%s]' '' x`, "[][x]"},
		{"variable split", `'[%s]' $CT_TEST_VAR`, "[v][a]"},
		{"variable quoted", `'[%s]' "$CT_TEST_VAR" "${CT_TEST_VAR}!"`, "[v a][v a!]"},
		{"single quotes stop expansion", `'[%s]' '$CT_TEST_VAR'`, "[$CT_TEST_VAR]"},
		{"unset variable", `'[%s]' x$CT_TEST_UNSET y`, "[x][y]"},
		{"default", `'[%s]' ${CT_TEST_UNSET:-def}`, "[def]"},
		{"tilde", `'[%s]' ~/x`, "[/home/tester/x]"},
		{"arithmetic", `'[%s]' $((1+2))`, "[3]"},
		{"glob", `'[%s]' ` + dir + `/*.txt`, "[" + dir + "/a.txt][" + dir + "/b.txt]"},
		{"glob without match", `'[%s]' ` + dir + `/*.none`, "[" + dir + "/*.none]"},
		{"quoted glob", `'[%s]' '` + dir + `/*.txt'`, "[" + dir + "/*.txt]"},
		{"comment", `'[%s]' a # b`, "[a]"},
		{"keyword first", `'[%s]' if then`, "[if][then]"},
		{"assignment-like", `'[%s]' a=b`, "[a=b]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := run(t, call("path", "printf", "arguments", tt.args))
			if got := field(out, "stdout"); got != tt.want {
				t.Errorf("stdout = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestShellStyleString(t *testing.T) {
	out := run(t, call("path", "sh", "arguments", `-c 'echo a; echo "$0" >&2' zero`))
	if got := field(out, "stdout"); got != "a\n" {
		t.Errorf("stdout = %q", got)
	}
	if got := field(out, "stderr"); got != "zero\n" {
		t.Errorf("stderr = %q", got)
	}
}

func TestOutputShape(t *testing.T) {
	out := run(t, call("path", "echo", "arguments", "hello"))
	want := `{"status":0,"stdout":"hello\n","stderr":""}`
	if got, _ := out.MarshalJSON(); string(got) != want {
		t.Errorf("output = %s, want %s", got, want)
	}
}

func TestSplitRefusesShellSyntax(t *testing.T) {
	tests := []struct{ args, what string }{
		{"a | b", "a pipe"},
		{"a; b", "several commands"},
		{"a\nb", "several commands"},
		{"a && b", "&&"},
		{"a || b", "||"},
		{"a > out", "a redirection"},
		{"a < in", "a redirection"},
		{"a 2>&1", "a redirection"},
		{"a &", "a background &"},
		{"$(id)", "a command substitution"},
		{"x`id`", "a command substitution"},
		{`"$(id)"`, "a command substitution"},
		{"'unterminated", "cannot split"},
		{"a (b)", "cannot split"},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			_, err := splitArgs(tt.args)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.what) {
				t.Errorf("error %q does not mention %q", err, tt.what)
			}
			if strings.Contains(err.Error(), tt.args) {
				t.Errorf("error %q quotes the arguments, which may hold secrets", err)
			}
			if tt.what != "cannot split" && !strings.Contains(err.Error(), `"path": "sh", "arguments": ["-c", "..."]`) {
				t.Errorf("error %q does not suggest sh -c", err)
			}
		})
	}
}

func TestRefusedStringDoesNotRun(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "ran")
	_, err := Provider{}.Run(context.Background(), call("path", "echo", "arguments", "x; touch "+marker))
	if err == nil || !strings.Contains(err.Error(), "needs a shell") {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("the command after ; was run")
	}
}

func TestPlainMatchesParser(t *testing.T) {
	for _, s := range []string{"", "a", " a  b ", "--flag=1 -x 10.0.0.1:80 a,b user@host 50% +1"} {
		parsed, err := parseArgs(s)
		if err != nil {
			t.Fatal(err)
		}
		var words []string
		for _, w := range parsed.Args[1:] {
			words = append(words, w.Lit())
		}
		if got := strings.Fields(s); !plain(s) || fmt.Sprint(got) != fmt.Sprint(words) {
			t.Errorf("%q: fields %q, parser %q, plain %v", s, got, words, plain(s))
		}
	}
}

func TestExitStatus(t *testing.T) {
	tests := []struct {
		name      string
		script    string
		tolerance bool
		status    int64
		stderr    string
		warned    bool
	}{
		{"success", "exit 0", false, 0, "", false},
		{"failure warns", "echo oops >&2; exit 3", false, 3, "oops\n", true},
		{"failure with tolerance", "exit 3", true, 3, "", false},
		{"signal", "kill -TERM $$", false, -int64(syscall.SIGTERM), "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			c := call("path", "sh", "arguments", []any{"-c", tt.script})
			c.Activity.HasTolerance = tt.tolerance
			c.Log = slog.New(slog.NewTextHandler(&logs, nil))
			out := run(t, c)
			if got := field(out, "status"); got != tt.status {
				t.Errorf("status = %v, want %d", got, tt.status)
			}
			if got := field(out, "stderr"); got != tt.stderr {
				t.Errorf("stderr = %q, want %q", got, tt.stderr)
			}
			if warned := strings.Contains(logs.String(), "This process returned a non-zero exit code."); warned != tt.warned {
				t.Errorf("warned = %v, want %v (logs %q)", warned, tt.warned, logs.String())
			}
		})
	}
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	notExec := filepath.Join(dir, "script")
	if err := os.WriteFile(notExec, []byte("#!/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		spec []any
		want string
	}{
		{"missing binary", []any{"path", "/nonexistent/binary"}, "path '/nonexistent/binary' cannot be found, in activity 'act'"},
		{"not on PATH", []any{"path", "no-such-program-ct"}, "path 'no-such-program-ct' cannot be found, in activity 'act'"},
		{"not executable", []any{"path", notExec}, "path '" + notExec + "' cannot be found, in activity 'act'"},
		{"no path", []any{}, "a process activity must have a path"},
		{"bad timeout", []any{"path", "true", "timeout", "5"}, "process timeout must be a number of seconds, not string"},
		{"bad arguments", []any{"path", "true", "arguments", true}, "process arguments must be a list or a string, not boolean"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Provider{}.Run(context.Background(), call(tt.spec...))
			if err == nil || err.Error() != tt.want {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestRemovedBinaryIsForgotten(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "tool")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\necho tool\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got := field(run(t, call("path", bin)), "stdout"); got != "tool\n" {
		t.Fatalf("stdout = %q", got)
	}
	if err := os.Remove(bin); err != nil {
		t.Fatal(err)
	}
	_, err := Provider{}.Run(context.Background(), call("path", bin))
	if err == nil || !strings.Contains(err.Error(), "cannot be found") {
		t.Fatalf("err = %v", err)
	}
	if _, cached := lookups.Load(bin); cached {
		t.Error("the removed binary is still cached")
	}
}

func TestPathChangeIsSeen(t *testing.T) {
	for _, name := range []string{"one", "two"} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "ct-tool"), []byte("#!/bin/sh\necho "+name+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		t.Setenv("PATH", dir+":"+os.Getenv("PATH"))
		if got := field(run(t, call("path", "ct-tool")), "stdout"); got != name+"\n" {
			t.Errorf("stdout = %q, want %q", got, name+"\n")
		}
	}
}

func TestTildePath(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	if err := os.Mkdir(filepath.Join(home, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, "bin", "tool"), []byte("#!/bin/sh\necho \"$0\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got, want := field(run(t, call("path", "~/bin/tool")), "stdout"), home+"/bin/tool\n"; got != want {
		t.Errorf("stdout = %q, want %q", got, want)
	}
}

// gone reports whether pid has exited (a zombie counts as exited).
func gone(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return syscall.Kill(pid, 0) == syscall.ESRCH
	}
	fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	return len(fields) > 0 && (fields[0] == "Z" || fields[0] == "X")
}

func waitGone(t *testing.T, pids []int) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for _, pid := range pids {
		for !gone(pid) {
			if time.Now().After(deadline) {
				t.Errorf("process %d is still running", pid)
				syscall.Kill(pid, syscall.SIGKILL)
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

func readPids(t *testing.T, file string) []int {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var pids []int
	for _, f := range strings.Fields(string(data)) {
		pid, err := strconv.Atoi(f)
		if err != nil {
			t.Fatal(err)
		}
		pids = append(pids, pid)
	}
	if len(pids) != 2 {
		t.Fatalf("pids = %v", pids)
	}
	return pids
}

// groupScript starts a background sleep and becomes a foreground one,
// writing both pids to the file given as $0.
const groupScript = `sleep 30 & echo $! > "$0"; echo $$ >> "$0"; exec sleep 30`

func TestTimeoutKillsGroup(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pids")
	start := time.Now()
	_, err := Provider{}.Run(context.Background(), call("path", "sh", "arguments", []any{"-c", groupScript, pidFile}, "timeout", 0.5))
	elapsed := time.Since(start)
	if err == nil || err.Error() != "process activity took too long to complete" {
		t.Fatalf("err = %v", err)
	}
	if elapsed > 1500*time.Millisecond {
		t.Errorf("returned after %v", elapsed)
	}
	waitGone(t, readPids(t, pidFile))
}

func TestCancelKillsGroup(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pids")
	ctx, cancel := context.WithCancel(context.Background())
	timer := time.AfterFunc(300*time.Millisecond, cancel)
	defer timer.Stop()
	start := time.Now()
	_, err := Provider{}.Run(ctx, call("path", "sh", "arguments", []any{"-c", groupScript, pidFile}))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if elapsed := time.Since(start); elapsed > 1500*time.Millisecond {
		t.Errorf("returned after %v", elapsed)
	}
	waitGone(t, readPids(t, pidFile))
}

func TestOrphanHoldingStdoutDoesNotHang(t *testing.T) {
	start := time.Now()
	out := run(t, call("path", "sh", "arguments", []any{"-c", "echo $$; sleep 30 &"}))
	if elapsed := time.Since(start); elapsed > waitDelay+time.Second {
		t.Errorf("returned after %v", elapsed)
	}
	pgid, err := strconv.Atoi(strings.TrimSpace(field(out, "stdout").(string)))
	if err != nil {
		t.Fatalf("stdout = %q", field(out, "stdout"))
	}
	syscall.Kill(-pgid, syscall.SIGKILL)
	if got := field(out, "status"); got != int64(0) {
		t.Errorf("status = %v", got)
	}
}

func TestOutputCap(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	c := call("path", "head", "arguments", []any{"-c", int64(50_000_000), "/dev/zero"})
	c.MaxOutput = 1000
	out := run(t, c)
	runtime.ReadMemStats(&after)
	want := strings.Repeat("\x00", 1000) + "\n... [truncated 49999000 bytes]"
	if got := field(out, "stdout"); got != want {
		t.Errorf("stdout has %d bytes, ends %q", len(got.(string)), got.(string)[max(0, len(got.(string))-40):])
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
		t.Errorf("allocated %d bytes for a 1000-byte cap", alloc)
	}
}

func TestDecoding(t *testing.T) {
	tests := []struct {
		name  string
		print string
		limit int
		want  string
	}{
		{"utf-8", `h\303\251`, 0, "hé"},
		{"invalid bytes", `a\377\376b`, 0, "a\uFFFD\uFFFDb"},
		{"cap inside a character", `a\303\251bc`, 2, "a\n... [truncated 4 bytes]"},
		{"cap after a character", `a\303\251bc`, 3, "aé\n... [truncated 2 bytes]"},
		{"exactly the cap", `abc`, 3, "abc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := call("path", "printf", "arguments", []any{tt.print})
			c.MaxOutput = tt.limit
			if got := field(run(t, c), "stdout"); got != tt.want {
				t.Errorf("stdout = %q, want %q", got, tt.want)
			}
		})
	}
}

// testSpanContext is the span context of the W3C trace-context example.
var testSpanContext = trace.NewSpanContext(trace.SpanContextConfig{
	TraceID:    trace.TraceID{0x0a, 0xf7, 0x65, 0x19, 0x16, 0xcd, 0x43, 0xdd, 0x84, 0x48, 0xeb, 0x21, 0x1c, 0x80, 0x31, 0x9c},
	SpanID:     trace.SpanID{0xb7, 0xad, 0x6b, 0x71, 0x69, 0x20, 0x33, 0x31},
	TraceFlags: trace.FlagsSampled,
})

func TestTraceContextInEnvironment(t *testing.T) {
	t.Setenv("TRACEPARENT", "inherited")
	script := []any{"-c", `printf '%s' "$TRACEPARENT"`}
	t.Run("no propagator", func(t *testing.T) {
		if got := field(run(t, call("path", "sh", "arguments", script)), "stdout"); got != "inherited" {
			t.Errorf("TRACEPARENT = %q", got)
		}
	})
	t.Run("w3c propagator", func(t *testing.T) {
		prev := otel.GetTextMapPropagator()
		otel.SetTextMapPropagator(propagation.TraceContext{})
		defer otel.SetTextMapPropagator(prev)
		ctx := trace.ContextWithSpanContext(context.Background(), testSpanContext)
		out, err := Provider{}.Run(ctx, call("path", "sh", "arguments", script))
		if err != nil {
			t.Fatal(err)
		}
		want := "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
		if got := field(out.(*value.Object), "stdout"); got != want {
			t.Errorf("TRACEPARENT = %q, want %q", got, want)
		}
	})
}

func TestMergeEnv(t *testing.T) {
	got := mergeEnv([]string{"A=1", "TRACEPARENT=old", "traceparent=lower"}, propagation.MapCarrier{"traceparent": "new", "baggage": "k=v"})
	want := []string{"A=1", "traceparent=lower", "BAGGAGE=k=v", "TRACEPARENT=new"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("env = %q, want %q", got, want)
	}
}

func TestCheck(t *testing.T) {
	proc := func(name string, pairs ...any) *experiment.Activity {
		return &experiment.Activity{Name: name, Path: "$.method[0]", Provider: value.NewObject(append([]any{"type", "process"}, pairs...)...)}
	}
	activities := []*experiment.Activity{
		proc("ok", "path", "true", "arguments", "-c 'echo a'"),
		proc("missing", "path", "/nonexistent/binary"),
		proc("shell", "path", "echo", "arguments", "a | b"),
		proc("unterminated", "path", "echo", "arguments", "'a"),
		proc("no path"),
		{Name: "ref", Ref: "missing"},
		{Name: "web", Path: "$.method[9]", Provider: value.NewObject("type", "http", "url", "http://x")},
	}
	got := Provider{}.Check(context.Background(), activities)
	want := []experiment.Problem{
		{Path: "$.method[0].provider.path", Msg: "path '/nonexistent/binary' cannot be found, in activity 'missing'"},
		{Path: "$.method[0].provider.arguments"},
		{Path: "$.method[0].provider.arguments"},
	}
	if len(got) != len(want) {
		t.Fatalf("problems = %v", got)
	}
	for i := range want {
		if got[i].Path != want[i].Path || (want[i].Msg != "" && got[i].Msg != want[i].Msg) {
			t.Errorf("problem %d = %v, want %v", i, got[i], want[i])
		}
	}
	if !strings.Contains(got[1].Msg, `a pipe`) || !strings.Contains(got[1].Msg, `(arguments: "a | b")`) || !strings.Contains(got[2].Msg, "cannot split") {
		t.Errorf("argument problems = %q, %q", got[1].Msg, got[2].Msg)
	}
}

// BenchmarkRunTrue runs /bin/true through the provider, to compare with
// BenchmarkExecTrue.
func BenchmarkRunTrue(b *testing.B) {
	c := call("path", "true")
	c.Activity.HasTolerance = true
	for b.Loop() {
		if _, err := (Provider{}).Run(context.Background(), c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRunTrueTraced is BenchmarkRunTrue with a W3C propagator and a
// span in the context, so the environment is copied to add TRACEPARENT.
func BenchmarkRunTrueTraced(b *testing.B) {
	prev := otel.GetTextMapPropagator()
	otel.SetTextMapPropagator(propagation.TraceContext{})
	defer otel.SetTextMapPropagator(prev)
	ctx := trace.ContextWithSpanContext(context.Background(), testSpanContext)
	c := call("path", "true")
	for b.Loop() {
		if _, err := (Provider{}).Run(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExecTrue is a bare fork/exec of true, the floor for
// BenchmarkRunTrue.
func BenchmarkExecTrue(b *testing.B) {
	for b.Loop() {
		if err := exec.Command("true").Run(); err != nil {
			b.Fatal(err)
		}
	}
}
