package python

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/chaostracing/chaostracing/provider"
)

func TestRunNative(t *testing.T) {
	funcs := provider.NewFuncs()
	funcs.Register("gomod", "echo", func(_ context.Context, a provider.Args) (any, error) {
		var secrets any // nil when the provider has no secrets key
		if a.Secrets != nil {
			secrets = a.Secrets
		}
		return map[string]any{"args": a.Arguments, "config": a.Configuration, "secrets": secrets}, nil
	}, provider.FuncInfo{})
	funcs.Register("gomod", "struct", func(context.Context, provider.Args) (any, error) {
		return struct {
			B int    `json:"b"`
			A string `json:"a"`
		}{1, "x"}, nil
	}, provider.FuncInfo{})
	funcs.Register("gomod", "fails", func(context.Context, provider.Args) (any, error) {
		return "ignored", errors.New("it went wrong")
	}, provider.FuncInfo{})
	funcs.Register("gomod", "panics", func(context.Context, provider.Args) (any, error) {
		panic("boom")
	}, provider.FuncInfo{})
	funcs.Register("gomod", "nilmap", func(context.Context, provider.Args) (any, error) {
		var m map[string]int
		return m["x"] / len(m), nil // divide by zero
	}, provider.FuncInfo{})
	funcs.Register("os", "getcwd", func(context.Context, provider.Args) (any, error) {
		return "shadowed by Go", nil
	}, provider.FuncInfo{})
	tests := []struct {
		name    string
		spec    string
		want    string
		wantErr string
		failure bool
	}{
		{
			name: "arguments, configuration, secrets",
			spec: `{"module":"gomod","func":"echo","arguments":{"b":1,"a":2},"secrets":["one","two"]}`,
			want: `{"args":{"b":1,"a":2},"config":{"k":"v"},"secrets":{"token":"t2","user":"u"}}`,
		},
		{name: "no secrets key", spec: `{"module":"gomod","func":"echo"}`, want: `{"args":{},"config":{"k":"v"},"secrets":null}`},
		{name: "struct output", spec: `{"module":"gomod","func":"struct"}`, want: `{"b":1,"a":"x"}`},
		{name: "shadows python", spec: `{"module":"os","func":"getcwd"}`, want: `"shadowed by Go"`},
		{name: "error", spec: `{"module":"gomod","func":"fails"}`, wantErr: "it went wrong"},
		{name: "panic", spec: `{"module":"gomod","func":"panics"}`, wantErr: "panic: boom", failure: true},
		{name: "runtime panic", spec: `{"module":"gomod","func":"nilmap"}`, wantErr: "panic: runtime error: integer divide by zero", failure: true},
	}
	p := &Provider{Funcs: funcs, Python: "/nonexistent/python3"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			call := newCall(t, "act", tt.spec)
			call.Configuration = parse(t, `{"k":"v"}`)
			call.Secrets = parse(t, `{"one":{"token":"t1","user":"u"},"two":{"token":"t2"}}`)
			out, err := p.Run(bg, call)
			if tt.wantErr == "" {
				if err != nil || encode(t, out) != tt.want {
					t.Errorf("Run = %s, %v; want %s", encode(t, out), err, tt.want)
				}
				return
			}
			if err == nil || err.Error() != tt.wantErr {
				t.Fatalf("error = %v, want %s", err, tt.wantErr)
			}
			var f *Failure
			if errors.As(err, &f) != tt.failure {
				t.Errorf("error %T: *Failure is %v, want %v", err, !tt.failure, tt.failure)
			}
			if tt.failure && (len(f.Traceback) == 0 || !strings.HasPrefix(f.Traceback[0], "goroutine ")) {
				t.Errorf("traceback = %q, want a stack", f.Traceback)
			}
		})
	}
}

func TestRunNativeGetsCopies(t *testing.T) {
	funcs := provider.NewFuncs()
	funcs.Register("gomod", "mutate", func(_ context.Context, a provider.Args) (any, error) {
		a.Configuration.Set("k", "changed")
		a.Arguments.Object("nested").Set("k", "changed")
		a.Secrets.Set("token", "changed")
		return nil, nil
	}, provider.FuncInfo{})
	call := newCall(t, "act", `{"module":"gomod","func":"mutate","arguments":{"nested":{"k":"v"}},"secrets":["s"]}`)
	call.Configuration = parse(t, `{"k":"v"}`)
	call.Secrets = parse(t, `{"s":{"token":"v"}}`)
	if _, err := (&Provider{Funcs: funcs}).Run(bg, call); err != nil {
		t.Fatal(err)
	}
	if got := encode(t, []any{call.Configuration, call.Spec, call.Secrets}); strings.Contains(got, "changed") {
		t.Errorf("the function changed the call: %s", got)
	}
}

func TestRunNativeCancel(t *testing.T) {
	release := make(chan struct{})
	funcs := provider.NewFuncs()
	funcs.Register("gomod", "stuck", func(context.Context, provider.Args) (any, error) {
		<-release // ignores its context
		return nil, nil
	}, provider.FuncInfo{})
	defer close(release)
	ctx, cancel := context.WithTimeout(bg, 100*time.Millisecond)
	defer cancel()
	_, err := (&Provider{Funcs: funcs}).Run(ctx, newCall(t, "stuck", `{"module":"gomod","func":"stuck"}`))
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "activity 'stuck' interrupted") {
		t.Errorf("error = %v, want an interruption", err)
	}
}
