package python

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/chaostracing/chaostracing/experiment"
)

func TestRun(t *testing.T) {
	needPython(t)
	cwd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		spec      string
		config    string
		secrets   string
		maxOutput int
		want      string // output as compact JSON, when no error
		wantErr   string // the error's message
		wantKind  string // "failure", "load" or "" for any other error
	}{
		{name: "exists", spec: `{"module":"os.path","func":"exists","arguments":{"path":"/tmp"}}`, want: `true`},
		{name: "does not exist", spec: `{"module":"os.path","func":"exists","arguments":{"path":"/nonexistent"}}`, want: `false`},
		{
			name: "nested ordered objects",
			spec: `{"module":"json","func":"loads","arguments":{"s":"{\"items\": [{\"name\": \"b\", \"v\": 2}, {\"v\": 1.5, \"name\": \"a\"}], \"z\": null, \"a\": {}}"}}`,
			want: `{"items":[{"name":"b","v":2},{"v":1.5,"name":"a"}],"z":null,"a":{}}`,
		},
		{name: "getcwd", spec: `{"module":"os","func":"getcwd"}`, want: `"` + cwd + `"`},
		{name: "no arguments key", spec: `{"module":"os","func":"cpu_count"}`, want: ""},
		{
			name:     "raises",
			spec:     `{"module":"os","func":"listdir","arguments":{"path":"/nonexistent-dir"}}`,
			wantErr:  "FileNotFoundError: [Errno 2] No such file or directory: '/nonexistent-dir'",
			wantKind: "failure",
		},
		{name: "user exception", spec: `{"module":"ctfix","func":"raises"}`, wantErr: "ValueError: bad value", wantKind: "failure"},
		{name: "sys.exit", spec: `{"module":"ctfix","func":"exits"}`, wantErr: "SystemExit: 3", wantKind: "failure"},
		{name: "not callable", spec: `{"module":"ctfix","func":"not_callable"}`, wantErr: "TypeError: 'int' object is not callable", wantKind: "failure"},
		{name: "bad argument", spec: `{"module":"ctfix","func":"needs","arguments":{"a":1}}`, wantErr: "TypeError: needs() missing 1 required positional argument: 'b'", wantKind: "failure"},
		{
			name:   "configuration",
			spec:   `{"module":"ctfix","func":"with_config","arguments":{"x":2}}`,
			config: `{"b":1,"a":{"nested":[true]}}`,
			want:   `{"config":{"b":1,"a":{"nested":[true]}},"x":2}`,
		},
		{name: "configuration when none", spec: `{"module":"ctfix","func":"with_config"}`, want: `{"config":{},"x":1}`},
		{
			name:    "secrets merged in order",
			spec:    `{"module":"ctfix","func":"with_secrets","secrets":["one","two"]}`,
			secrets: `{"one":{"token":"t1","user":"u"},"two":{"token":"t2"},"three":{"x":1}}`,
			want:    `{"secrets":{"token":"t2","user":"u"}}`,
		},
		{
			name:    "no secrets key, no secrets",
			spec:    `{"module":"ctfix","func":"secrets_default"}`,
			secrets: `{"one":{"token":"t1"}}`,
			want:    `"not passed"`,
		},
		{name: "secrets key with no scopes", spec: `{"module":"ctfix","func":"secrets_default","secrets":[]}`, want: `{}`},
		{name: "kwargs", spec: `{"module":"ctfix","func":"echo","arguments":{"z":1,"a":"é"}}`, want: `{"z":1,"a":"é"}`},
		{name: "a set becomes its str", spec: `{"module":"ctfix","func":"a_set"}`, want: `"{1}"`},
		{
			name: "values JSON cannot hold",
			spec: `{"module":"ctfix","func":"odd_values"}`,
			want: `{"bytes":"b'x'","tuple":[1,2],"nan":null,"1":"int key","date":"2024-01-02","obj":"a thing"}`,
		},
		{
			name:     "missing module",
			spec:     `{"module":"ctfix_nope","func":"f"}`,
			wantErr:  "python module 'ctfix_nope' could not be imported: ModuleNotFoundError: No module named 'ctfix_nope'",
			wantKind: "load",
		},
		{
			name:     "missing function",
			spec:     `{"module":"os","func":"nofunc"}`,
			wantErr:  "The python module 'os' does not expose a function called 'nofunc'",
			wantKind: "load",
		},
		{
			name:     "module failing to import",
			spec:     `{"module":"brokendep","func":"f"}`,
			wantErr:  "python module 'brokendep' could not be imported: ModuleNotFoundError: No module named 'ctfix_missing_dependency'",
			wantKind: "load",
		},
		{name: "process dies", spec: `{"module":"ctfix","func":"dies"}`, wantErr: "python3 stopped without answering (exit status 7): dying"},
		{name: "output too large", spec: `{"module":"ctfix","func":"big","arguments":{"n":5000}}`, maxOutput: 1000, wantErr: "larger than 1000 bytes"},
		{name: "arguments not an object", spec: `{"module":"os","func":"getcwd","arguments":[1]}`, wantErr: "must be an object, not array"},
		{name: "no func", spec: `{"module":"os"}`, wantErr: "needs a module and a func"},
	}
	p := testProvider(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			call := newCall(t, "act", tt.spec)
			call.Configuration, call.Secrets, call.MaxOutput = parse(t, tt.config), parse(t, tt.secrets), tt.maxOutput
			out, err := p.Run(bg, call)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Run: %v", err)
				}
				if got := encode(t, out); tt.want != "" && got != tt.want {
					t.Errorf("output = %s, want %s", got, tt.want)
				}
				return
			}
			checkError(t, err, tt.wantErr, tt.wantKind)
		})
	}
}

// checkError checks an error's message (a prefix or substring of it is
// enough) and type.
func checkError(t *testing.T, err error, want, kind string) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("error = %v, want %q", err, want)
	}
	var f *Failure
	var l *LoadError
	switch {
	case kind == "failure" && !errors.As(err, &f):
		t.Errorf("error %T is not a *Failure", err)
	case kind == "load" && !errors.As(err, &l):
		t.Errorf("error %T is not a *LoadError", err)
	case kind == "" && (errors.As(err, &f) || errors.As(err, &l)):
		t.Errorf("error %T should be a plain error", err)
	}
}

func TestRunTraceback(t *testing.T) {
	needPython(t)
	_, err := testProvider(t).Run(bg, newCall(t, "python-raises", `{"module":"os","func":"listdir","arguments":{"path":"/nonexistent-dir"}}`))
	var f *Failure
	if !errors.As(err, &f) {
		t.Fatalf("error = %v, want a *Failure", err)
	}
	tb := f.Traceback
	if len(tb) < 3 || tb[0] != "Traceback (most recent call last):\n" {
		t.Fatalf("traceback = %q", tb)
	}
	if !strings.Contains(tb[1], "in run_python_activity\n    return func(**arguments)\n") {
		t.Errorf("frame = %q, want chaoslib's", tb[1])
	}
	if last := tb[len(tb)-1]; last != f.Msg+"\n" {
		t.Errorf("last line = %q, want %q", last, f.Msg+"\n")
	}
	// The reference journal's "exception" (runs/errors), but for the
	// frame's file and line and its closing ActivityFailed line.
	want := []string{
		"Traceback (most recent call last):\n",
		"FRAME",
		"FileNotFoundError: [Errno 2] No such file or directory: '/nonexistent-dir'\n",
		"\nDuring handling of the above exception, another exception occurred:\n\n",
	}
	got := append([]string(nil), f.TracebackLines()...)
	if len(got) == len(want) {
		got[1] = "FRAME"
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("TracebackLines = %q, want %q", got, want)
	}
}

func TestRunStdoutGoesToLog(t *testing.T) {
	needPython(t)
	var logs logBuffer
	call := newCall(t, "noisy", `{"module":"ctfix","func":"noisy"}`)
	call.Log = logs.Logger()
	out, err := testProvider(t).Run(bg, call)
	if err != nil || out != "done" {
		t.Fatalf("Run = %v, %v; want done", out, err)
	}
	for _, want := range []string{`line="hello from stdout"`, `line="from a child process"`, `line="to stderr"`, "activity=noisy", "level=DEBUG"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("logs lack %s:\n%s", want, logs.String())
		}
	}
}

func TestRunCancel(t *testing.T) {
	needPython(t)
	tests := []struct {
		name string
		fn   string
	}{
		{"sleeping function", "sleepy"},
		// The sleep child holds the stderr pipe: only killing the whole
		// process group ends the call before waitDelay.
		{"sleeping grandchild", "sleepy_child"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithCancel(bg)
			time.AfterFunc(500*time.Millisecond, cancel)
			start := time.Now()
			_, err := testProvider(t).Run(ctx, newCall(t, "nap", `{"module":"ctfix","func":"`+tt.fn+`","arguments":{"seconds":30}}`))
			elapsed := time.Since(start)
			if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "activity 'nap' interrupted") {
				t.Errorf("error = %v, want an interruption", err)
			}
			if elapsed > 500*time.Millisecond+waitDelay*8/10 {
				t.Errorf("Run took %v after cancellation", elapsed-500*time.Millisecond)
			}
		})
	}
}

func TestRunTimeout(t *testing.T) {
	needPython(t)
	ctx, cancel := context.WithTimeout(bg, 300*time.Millisecond)
	defer cancel()
	_, err := testProvider(t).Run(ctx, newCall(t, "nap", `{"module":"ctfix","func":"sleepy","arguments":{"seconds":30}}`))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error = %v, want a deadline", err)
	}
}

func TestRunTraceContext(t *testing.T) {
	needPython(t)
	prev := otel.GetTextMapPropagator()
	otel.SetTextMapPropagator(propagation.TraceContext{})
	defer otel.SetTextMapPropagator(prev)
	t.Setenv("TRACEPARENT", "00-ffffffffffffffffffffffffffffffff-ffffffffffffffff-00")

	sc := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID:    trace.TraceID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16},
		SpanID:     trace.SpanID{1, 2, 3, 4, 5, 6, 7, 8},
		TraceFlags: trace.FlagsSampled,
	})
	tests := []struct {
		name string
		ctx  context.Context
		want string
	}{
		{"span in context", trace.ContextWithSpanContext(bg, sc), "00-0102030405060708090a0b0c0d0e0f10-0102030405060708-01"},
		{"no span: environment inherited", bg, "00-ffffffffffffffffffffffffffffffff-ffffffffffffffff-00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := testProvider(t).Run(tt.ctx, newCall(t, "tp", `{"module":"ctfix","func":"traceparent"}`))
			if err != nil || out != tt.want {
				t.Errorf("TRACEPARENT = %v (%v), want %s", out, err, tt.want)
			}
		})
	}
}

func TestPythonMissing(t *testing.T) {
	want := "/nonexistent/python3 is not installed or not on PATH: activity 'act' needs it for module 'os' (install Python 3, or set PYTHON)"
	tests := []struct {
		name   string
		python string
		env    string
	}{
		{"Python field", "/nonexistent/python3", ""},
		{"PYTHON variable", "", "/nonexistent/python3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("PYTHON", tt.env)
			p := &Provider{Python: tt.python}
			_, err := p.Run(bg, newCall(t, "act", `{"module":"os","func":"getcwd"}`))
			if err == nil || err.Error() != want {
				t.Errorf("Run error = %v, want %s", err, want)
			}
			problems := p.Check(bg, []*experiment.Activity{
				activity(t, "$.method[0]", "act", `{"type":"python","module":"os","func":"getcwd"}`),
				activity(t, "$.method[1]", "other", `{"type":"python","module":"json","func":"loads"}`),
			})
			wantProblems := []string{
				"$.method[0].provider: " + want,
				"$.method[1].provider: /nonexistent/python3 is not installed or not on PATH: activity 'other' needs it for module 'json' (install Python 3, or set PYTHON)",
			}
			checkProblems(t, problems, wantProblems)
		})
	}
}

func TestDefaultPythonName(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	t.Setenv("PYTHON", "")
	_, err := (&Provider{}).Run(bg, newCall(t, "act", `{"module":"os","func":"getcwd"}`))
	want := "python3 is not installed or not on PATH: activity 'act' needs it for module 'os' (install Python 3, or set PYTHON)"
	if err == nil || err.Error() != want {
		t.Errorf("Run error = %v, want %s", err, want)
	}
}
