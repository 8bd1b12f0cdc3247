package tracing

import (
	"github.com/chaostracing/chaostracing/experiment"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/chaostracing/chaostracing/value"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

const canary = "canary-Zx81-s3cret"

// everyString returns every string a set of spans carries: names,
// attributes, events, status descriptions.
func everyString(spans tracetest.SpanStubs) []string {
	var out []string
	for _, s := range spans {
		out = append(out, s.Name, s.Status.Description)
		for _, kv := range s.Attributes {
			out = append(out, kv.Value.String())
		}
		for _, e := range s.Events {
			out = append(out, e.Name)
			for _, kv := range e.Attributes {
				out = append(out, kv.Value.String())
			}
		}
	}
	return out
}

func TestSecretsNeverReachTheSpans(t *testing.T) {
	secrets := `, "secrets": {"vault": {"token": "` + canary + `", "short": "abc"}, "other": {"nested": {"key": "second-secret-value"}}}`
	e := doc{
		title:      "title with ${token}",
		extra:      secrets,
		hypothesis: []string{probe("p", "value", `{"value": "${token}"}`, `"${token}"`)},
		method: []string{
			act("action", "leak", "value", `{"value": {"msg": "token is ${token}", "n": "${nested}", "short": "abc", "quoted": "say \"${token}\""}}`, ""),
			act("action", "leak-fail", "fail", `{"message": "cannot use ${token}"}`, ""),
			`{"type": "probe", "name": "url", "provider": {"type": "http", "url": "http://127.0.0.1:1/api/${token}/x"}}`,
		},
	}.load(t)
	res := runTraced(t, e, setup{})
	checkTrace(t, res.spans)
	for _, s := range everyString(res.spans) {
		if strings.Contains(s, canary) || strings.Contains(s, "second-secret-value") {
			t.Errorf("a secret reached the spans: %s", s)
		}
	}
	wantAttrs(t, one(t, res.spans, "experiment"), map[string]any{"chaostoolkit.experiment.title": "title with ***"})
	wantAttrs(t, one(t, res.spans, "activity: leak"), map[string]any{
		"chaostoolkit.activity.output": `{"msg": "token is ***", "n": {"key": "***"}, "short": "abc", "quoted": "say \"***\""}`,
	})
	fail := one(t, res.spans, "activity: leak-fail")
	if fail.Status.Description != "cannot use ***" {
		t.Errorf("status %q", fail.Status.Description)
	}
	wantAttrs(t, one(t, res.spans, "activity: url"), map[string]any{"url.full": "http://127.0.0.1:1/api/***/x"})
	// The journal masks them too (the run redacts outputs it records).
	if msg := res.j.Run[0].Output.(*value.Object).String("msg"); msg != "token is ***" {
		t.Errorf("journal output %q", msg)
	}
}

func TestOutputIsTruncated(t *testing.T) {
	big := strings.Repeat("x", 10000)
	e := doc{method: []string{act("action", "big", "value", `{"value": "`+big+`"}`, "")}}.load(t)
	res := runTraced(t, e, setup{})
	out := attrs(one(t, res.spans, "activity: big").Attributes)["chaostoolkit.activity.output"].(string)
	if len(out) != DefaultOutputMax || !strings.HasSuffix(out, truncatedMarker) || !strings.HasPrefix(out, `"xxx`) {
		t.Errorf("output of %d bytes: %.40s…%s", len(out), out, out[len(out)-20:])
	}

	e = doc{
		controls: tracingControl("chaostracing.oltp", `{"output_max": 100}`, ""),
		method:   []string{act("action", "big", "value", `{"value": "`+big+`"}`, "")},
	}.load(t)
	res = runTraced(t, e, setup{})
	out = attrs(one(t, res.spans, "activity: big").Attributes)["chaostoolkit.activity.output"].(string)
	if len(out) != 100 || !strings.HasSuffix(out, truncatedMarker) {
		t.Errorf("output_max 100: %d bytes %q", len(out), out)
	}

	e = doc{
		config:   `{"tracing_output_max": 0}`,
		method:   []string{act("action", "big", "value", `{"value": "x"}`, "")},
		controls: tracingControl("chaostracing.oltp", "", ""),
	}.load(t)
	res = runTraced(t, e, setup{})
	wantAttrs(t, one(t, res.spans, "activity: big"), map[string]any{"chaostoolkit.activity.output": nil, "chaostoolkit.activity.status": "succeeded"})
}

func TestRenderOutputLikePythonJSONDumps(t *testing.T) {
	obj := value.NewObject("status", int64(0), "stdout", "hello\n", "stderr", "", "f", 1.0, "e", 1e-05,
		"list", []any{true, nil, "é\"\\\t\x01"}, "empty", &value.Object{}, "go", map[string]any{"b": 1, "a": []int{2}})
	got := renderOutput(obj, 4096, nil)
	want := `{"status": 0, "stdout": "hello\n", "stderr": "", "f": 1.0, "e": 1e-05, "list": [true, null, "é\"\\\t\u0001"], "empty": {}, "go": {"a": [2], "b": 1}}`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	for _, tt := range []struct {
		v    any
		want string
	}{{nil, "null"}, {"s", `"s"`}, {int64(-3), "-3"}, {[]any{}, "[]"}, {"\xff", `"\ufffd"`}} {
		if got := renderOutput(tt.v, 4096, nil); got != tt.want {
			t.Errorf("%#v: %s, want %s", tt.v, got, tt.want)
		}
	}
}

func TestRenderOutputCutsOnCharacterBoundaries(t *testing.T) {
	for limit := len(truncatedMarker); limit < 40; limit++ {
		got := renderOutput(strings.Repeat("é", 50), limit, nil)
		if len(got) > limit || !utf8.ValidString(got) || !strings.HasSuffix(got, truncatedMarker) {
			t.Errorf("limit %d: %q (%d bytes)", limit, got, len(got))
		}
	}
	if got := renderOutput(strings.Repeat("x", 100), 5, nil); got != `"xxxx` {
		t.Errorf("a cap below the marker: %q", got)
	}
}

func TestRedactionBeforeTruncation(t *testing.T) {
	red := newRedactor(experiment.Scope{Secrets: value.NewObject("s", value.NewObject("k", "0123456789abcdef"))})
	// The secret straddles the cut: no part of it may show.
	out := renderOutput(strings.Repeat("a", 90)+"0123456789abcdef"+strings.Repeat("b", 100), 100, red)
	if strings.Contains(out, "0123") {
		t.Errorf("part of a secret shows: %q", out)
	}
	// A big output is only encoded as far as needed, secrets included.
	big := []any{strings.Repeat("z", 95) + "0123456789abcdef", strings.Repeat("y", 1<<20)}
	out = renderOutput(big, 120, red)
	if strings.Contains(out, "0123") || len(out) > 120 || !strings.HasSuffix(out, truncatedMarker) {
		t.Errorf("%q", out)
	}
}

func TestRedactor(t *testing.T) {
	red := newRedactor(experiment.Scope{
		Secrets: value.NewObject(
			"a", value.NewObject("long", "password-123", "inner", "pass", "short", "abc", "num", int64(123456)),
			"b", value.NewObject("list", []any{"list-secret"}, "quoted", `q"uo\te`),
		),
		Configuration: value.NewObject("vault_token", "hvs.t0ken", "region", "eu-west-1"),
	})
	for in, want := range map[string]string{
		"password-123 and pass":        "*** and ***",
		"abc 123456":                   "abc ***",
		"token hvs.t0ken in eu-west-1": "token *** in eu-west-1",
		"list-secret":                  "***",
		`q"uo\te`:                      "***",
		`"q\"uo\\te"`:                  `"***"`,
		"nothing secret in here at":    "nothing secret in here at",
	} {
		if got := red.String(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
	var none *redactor
	if none.String("x") != "x" || newRedactor(experiment.Scope{}).String("password") != "password" {
		t.Error("a redactor without secrets changed text")
	}
}
