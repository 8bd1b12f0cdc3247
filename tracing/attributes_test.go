package tracing

import (
	"net/url"
	"reflect"
	"testing"

	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/value"
	"go.opentelemetry.io/otel/trace"
)

func TestFailureOf(t *testing.T) {
	for _, tt := range []struct {
		lines []string
		want  failure
	}{
		{nil, failure{typ: activityFailed, msg: "activity failed"}},
		{[]string{"chaoslib.exceptions.ActivityFailed: process activity took too long to complete\n"},
			failure{typ: activityFailed, msg: "process activity took too long to complete"}},
		{[]string{"Traceback (most recent call last):\n", "  File \"x.py\", line 1\n", "chaoslib.exceptions.ActivityFailed: FileNotFoundError: [Errno 2] nope\n"},
			failure{typ: "FileNotFoundError", msg: "FileNotFoundError: [Errno 2] nope", stack: "Traceback (most recent call last):\n  File \"x.py\", line 1\n"}},
		{[]string{"chaoslib.exceptions.ActivityFailed: subprocess.TimeoutExpired: Command 'x' timed out\n"},
			failure{typ: "subprocess.TimeoutExpired", msg: "subprocess.TimeoutExpired: Command 'x' timed out"}},
		{[]string{"chaoslib.exceptions.ActivityFailed: failed to connect to GET http://h/: connection refused\n"},
			failure{typ: activityFailed, msg: "failed to connect to GET http://h/: connection refused"}},
	} {
		if got := failureOf(tt.lines); got != tt.want {
			t.Errorf("%q:\n got %+v\nwant %+v", tt.lines, got, tt.want)
		}
	}
	for s, want := range map[string]bool{
		"ValueError": true, "a.b.KeyError": true, "KeyboardInterrupt": true, "value": false, "HTTP": false,
		"GET http": false, "": false, "1Error": false, "a..B": false, "Err-or": false,
	} {
		if got := isClassName(s); got != want {
			t.Errorf("isClassName(%q) = %v", s, got)
		}
	}
}

func TestSafeURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://user:pw@h:8443/p?a=1&b=x&b=y#f": "https://h:8443/p?a=REDACTED&b=REDACTED",
		"http://h/p":                             "http://h/p",
	} {
		u, _ := url.Parse(in)
		if got := safeURL(u); got != want {
			t.Errorf("%s: %s, want %s", in, got, want)
		}
	}
}

func TestProviderAttributes(t *testing.T) {
	scope := experiment.Scope{Configuration: value.NewObject("base", "https://api.example.com")}
	for _, tt := range []struct {
		provider string
		want     map[string]any
		kind     trace.SpanKind
	}{
		{`{"type": "process", "path": "/usr/bin/kubectl", "arguments": ["--token", "x"]}`,
			map[string]any{"process.executable.name": "kubectl", "process.executable.path": "/usr/bin/kubectl"}, trace.SpanKindInternal},
		{`{"type": "http", "url": "${base}/v1?key=k", "method": "post", "headers": {"Authorization": "x"}}`,
			map[string]any{"http.request.method": "POST", "url.full": "https://api.example.com/v1?key=REDACTED", "server.address": "api.example.com", "server.port": int64(443)},
			trace.SpanKindClient},
		{`{"type": "http", "url": "not a url"}`, map[string]any{"http.request.method": "GET"}, trace.SpanKindClient},
		{`{"type": "python", "module": "chaosk8s.pod.actions", "func": "terminate_pods", "arguments": {"ns": "x"}}`,
			map[string]any{"code.namespace": "chaosk8s.pod.actions", "code.function": "terminate_pods"}, trace.SpanKindInternal},
		{`{"type": "other"}`, map[string]any{}, trace.SpanKindInternal},
	} {
		a := &experiment.Activity{Provider: obj(t, tt.provider)}
		got, kind := appendProviderAttributes(nil, a, scope, nil)
		if m := attrs(got); !reflect.DeepEqual(m, tt.want) || kind != tt.kind {
			t.Errorf("%s:\n got %v %v\nwant %v %v", tt.provider, m, kind, tt.want, tt.kind)
		}
	}
}

func TestResultAttributes(t *testing.T) {
	for _, tt := range []struct {
		typ    string
		output any
		want   map[string]any
	}{
		{"process", value.NewObject("status", int64(3)), map[string]any{"process.exit.code": int64(3)}},
		{"http", value.NewObject("status", 503.0), map[string]any{"http.response.status_code": int64(503)}},
		{"http", value.NewObject("status", "x"), map[string]any{}},
		{"python", value.NewObject("status", int64(1)), map[string]any{}},
		{"process", "text", map[string]any{}},
	} {
		a := &experiment.Activity{Provider: value.NewObject("type", tt.typ)}
		if got := attrs(appendResultAttributes(nil, a, tt.output)); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s %v: %v, want %v", tt.typ, tt.output, got, tt.want)
		}
	}
}
