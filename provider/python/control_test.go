package python

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/chaostracing/chaostracing/internal/testutil"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

func TestInspectControls(t *testing.T) {
	needPython(t)
	python, count := testutil.CountingPython(t)
	p := &Provider{Python: python, Path: []string{modules(t)}}
	got, err := p.InspectControls(bg, []string{"ctcontrol", "ctfix_nope", "brokendep", "os"})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		hooks   string
		err     string
		missing bool
	}{
		{hooks: "configure_control,before_experiment_control,before_hypothesis_control,before_method_control,after_method_control,before_activity_control,after_activity_control,cleanup_control"},
		{err: "python module 'ctfix_nope' could not be imported: ModuleNotFoundError: No module named 'ctfix_nope'", missing: true},
		{err: "python module 'brokendep' could not be imported: ModuleNotFoundError: No module named 'ctfix_missing_dependency'"},
		{},
	}
	for i, w := range want {
		g := got[i]
		gotErr := ""
		if g.Err != nil {
			gotErr = g.Err.Error()
		}
		if strings.Join(g.Hooks, ",") != w.hooks || gotErr != w.err || g.Missing != w.missing {
			t.Errorf("%s: hooks %v err %q missing %v, want %s %q %v", g.Module, g.Hooks, gotErr, g.Missing, w.hooks, w.err, w.missing)
		}
	}
	if n := testutil.PythonRuns(t, count); n != 1 {
		t.Errorf("python ran %d times, want once", n)
	}
	if got, err := p.InspectControls(bg, nil); got != nil || err != nil || testutil.PythonRuns(t, count) != 1 {
		t.Errorf("no modules: %v, %v, python started anyway", got, err)
	}
}

func TestCallControl(t *testing.T) {
	needPython(t)
	p := testProvider(t)
	inject := `{"context":{"name":"a1"},"state":{"status":"succeeded"},"experiment":{"title":"t"},` +
		`"configuration":{"c":1},"secrets":{"s":{"k":"v"}},"settings":null,"extensions":[{"name":"e"}]}`
	tests := []struct {
		name, hook, args, inject string
		want                     string
		wantErr                  string
	}{
		{name: "configure gets named values and its arguments", hook: "configure_control", args: `{"level":"debug","other":1}`,
			inject: `{"experiment":{"title":"t"},"configuration":{},"secrets":{},"settings":null}`,
			want:   `{"title":"t","level":"debug","kwargs":["other"]}`},
		{name: "context and named arguments; **kwargs gets the provider arguments only", hook: "before_activity_control",
			args: `{"target":"x","extra":true}`, inject: inject,
			want: `{"context":{"name":"a1"},"target":"x","kwargs":["extra"]}`},
		{name: "state, configuration, secrets when named", hook: "after_activity_control", inject: inject,
			want: `{"status":"succeeded","configuration":{"c":1},"secrets":{"s":{"k":"v"}},"x":1}`},
		{name: "bare **kwargs receives context and arguments", hook: "before_method_control", args: `{"a":1}`, inject: inject,
			want: `["a","context"]`},
		{name: "keyword-only extensions and settings", hook: "after_method_control", inject: inject,
			want: `{"extensions":[{"name":"e"}],"settings":null,"state":{"status":"succeeded"}}`},
		{name: "no arguments", hook: "cleanup_control", want: `"cleaned"`},
		{name: "absent hook", hook: "before_rollback_control", inject: inject, want: `null`},
		{name: "not callable is absent", hook: "after_rollback_control", inject: inject, want: `null`},
		{name: "raises", hook: "before_hypothesis_control", inject: inject, wantErr: "ValueError: no hypothesis today"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := p.CallControl(bg, ControlCall{Module: "ctcontrol", Hook: tt.hook, Arguments: parse(t, tt.args), Inject: parse(t, tt.inject)})
			if tt.wantErr != "" {
				var f *Failure
				if !errors.As(err, &f) || f.Msg != tt.wantErr || len(f.Traceback) == 0 {
					t.Fatalf("err = %v, want failure %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := encode(t, out); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestCallControlTraceContext(t *testing.T) {
	needPython(t)
	prev := otel.GetTextMapPropagator()
	otel.SetTextMapPropagator(propagation.TraceContext{})
	defer otel.SetTextMapPropagator(prev)
	sc := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID:    trace.TraceID{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16},
		SpanID:     trace.SpanID{1, 2, 3, 4, 5, 6, 7, 8},
		TraceFlags: trace.FlagsSampled,
	})
	out, err := testProvider(t).CallControl(trace.ContextWithSpanContext(bg, sc), ControlCall{
		Module: "ctcontrol", Hook: "before_experiment_control", Inject: parse(t, `{"context":{}}`)})
	if want := "00-0102030405060708090a0b0c0d0e0f10-0102030405060708-01"; err != nil || out != want {
		t.Errorf("TRACEPARENT = %v (%v), want %s", out, err, want)
	}
}

func TestCallControlErrors(t *testing.T) {
	needPython(t)
	_, err := testProvider(t).CallControl(bg, ControlCall{Module: "ctfix_nope", Hook: "cleanup_control"})
	var le *LoadError
	if !errors.As(err, &le) || !strings.Contains(le.Msg, "No module named 'ctfix_nope'") {
		t.Errorf("missing module: %v", err)
	}
	missing := &Provider{Python: "/nonexistent/python3"}
	if _, err := missing.CallControl(bg, ControlCall{Module: "m", Hook: "cleanup_control"}); err == nil || !strings.Contains(err.Error(), "is not installed") {
		t.Errorf("no python: %v", err)
	}
	if _, err := missing.InspectControls(bg, []string{"m"}); err == nil || !strings.Contains(err.Error(), "/nonexistent/python3 is not installed") {
		t.Errorf("no python: %v", err)
	}
	ctx, cancel := context.WithCancel(bg)
	cancel()
	if _, err := testProvider(t).CallControl(ctx, ControlCall{Module: "ctcontrol", Hook: "cleanup_control"}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}
