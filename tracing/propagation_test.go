package tracing

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/chaostracing/chaostracing/provider"
	httpprovider "github.com/chaostracing/chaostracing/provider/http"
	"github.com/chaostracing/chaostracing/value"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/trace"
)

// echoEnv is a process activity printing environment variables.
func echoEnv(name string, vars ...string) string {
	script := ""
	for _, v := range vars {
		script += fmt.Sprintf(`printf '%%s;' "$%s";`, v)
	}
	return fmt.Sprintf(`{"type": "action", "name": %q, "provider": {"type": "process", "path": "sh", "arguments": ["-c", %q]}}`, name, script)
}

func stdout(t *testing.T, out any) string {
	t.Helper()
	o, ok := out.(*value.Object)
	if !ok {
		t.Fatalf("output %#v", out)
	}
	return o.String("stdout")
}

func TestProcessGetsTheActivitySpanAsTraceparent(t *testing.T) {
	e := doc{method: []string{echoEnv("echo-traceparent", "TRACEPARENT")}}.load(t)
	res := runTraced(t, e, setup{})
	span := one(t, res.spans, "activity: echo-traceparent")
	sc := span.SpanContext
	want := fmt.Sprintf("00-%s-%s-01;", sc.TraceID(), sc.SpanID())
	if got := stdout(t, res.j.Run[0].Output); got != want {
		t.Errorf("TRACEPARENT %q, want %q", got, want)
	}
	wantAttrs(t, span, map[string]any{
		"process.executable.name": "sh",
		"process.executable.path": nil,
		"process.exit.code":       0,
	})
	for _, k := range []string{"process.command_args", "process.command_line"} {
		if _, ok := attrs(span.Attributes)[k]; ok {
			t.Errorf("%s recorded: arguments may hold secrets", k)
		}
	}
}

func TestHTTPRequestGetsTraceparentAndSemanticAttributes(t *testing.T) {
	var mu sync.Mutex
	var got http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = r.Header.Clone()
		mu.Unlock()
		w.Header().Set("Connection", "close")
		w.WriteHeader(http.StatusTeapot)
	}))
	defer srv.Close()
	url := strings.Replace(srv.URL, "http://", "http://user:pw@", 1) + "/path?token=abc&x=1#frag"
	a := fmt.Sprintf(`{"type": "probe", "name": "get", "provider": {"type": "http", "url": %q, "headers": {"Authorization": "Bearer s3cr3t"}}}`, url)
	e := doc{method: []string{a}}.load(t)
	hp := httpprovider.New()
	res := runTraced(t, e, setup{providers: func(r *provider.Registry) { r.Register("http", hp) }})
	span := one(t, res.spans, "activity: get")
	mu.Lock()
	tp := got.Get("Traceparent")
	mu.Unlock()
	sc := span.SpanContext
	if want := fmt.Sprintf("00-%s-%s-01", sc.TraceID(), sc.SpanID()); tp != want {
		t.Errorf("traceparent %q, want %q", tp, want)
	}
	host := strings.TrimPrefix(srv.URL, "http://")
	wantAttrs(t, span, map[string]any{
		"http.request.method":       "GET",
		"url.full":                  "http://" + host + "/path?token=REDACTED&x=REDACTED",
		"server.address":            "127.0.0.1",
		"server.port":               srv.Listener.Addr().(*net.TCPAddr).Port,
		"http.response.status_code": 418,
	})
	if span.SpanKind != trace.SpanKindClient {
		t.Errorf("kind %v", span.SpanKind)
	}
	for _, s := range res.spans {
		for _, kv := range s.Attributes {
			if strings.Contains(kv.Value.String(), "s3cr3t") || strings.Contains(kv.Value.String(), "pw@") {
				t.Errorf("%s: %s leaks a credential: %s", s.Name, kv.Key, kv.Value.String())
			}
		}
	}
}

func TestExperimentJoinsTheTraceparentOfItsEnvironment(t *testing.T) {
	env := map[string]string{
		"TRACEPARENT": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
		"TRACESTATE":  "congo=t61rcWkgMzE",
	}
	e := doc{hypothesis: []string{okProbe}, method: []string{echoEnv("echo", "TRACEPARENT", "TRACESTATE")}}.load(t)
	res := runTraced(t, e, setup{env: env})
	checkTrace(t, res.spans)
	root := one(t, res.spans, "experiment")
	if root.Parent.TraceID().String() != "0af7651916cd43dd8448eb211c80319c" || root.Parent.SpanID().String() != "b7ad6b7169203331" || !root.Parent.IsRemote() {
		t.Errorf("parent %v", root.Parent)
	}
	if root.SpanContext.TraceID().String() != "0af7651916cd43dd8448eb211c80319c" {
		t.Errorf("trace id %s", root.SpanContext.TraceID())
	}
	if ts := root.SpanContext.TraceState().String(); ts != "congo=t61rcWkgMzE" {
		t.Errorf("tracestate %q", ts)
	}
	echo := one(t, res.spans, "activity: echo")
	want := fmt.Sprintf("00-0af7651916cd43dd8448eb211c80319c-%s-01;congo=t61rcWkgMzE;", echo.SpanContext.SpanID())
	if got := stdout(t, res.j.Run[0].Output); got != want {
		t.Errorf("child environment %q, want %q", got, want)
	}
}

func TestB3FromThePropagationSetting(t *testing.T) {
	e := doc{
		controls: tracingControl("chaostracing.control", `{"propagation": "b3"}`, ""),
		method:   []string{echoEnv("echo", "B3", "TRACEPARENT")},
	}.load(t)
	res := runTraced(t, e, setup{})
	span := one(t, res.spans, "activity: echo")
	sc := span.SpanContext
	want := fmt.Sprintf("%s-%s-1;;", sc.TraceID(), sc.SpanID())
	if got := stdout(t, res.j.Run[0].Output); got != want {
		t.Errorf("B3 environment %q, want %q", got, want)
	}
}

func TestTracingOff(t *testing.T) {
	inspect := func(ctx context.Context, name string) {
		for level, s := range map[string]trace.Span{
			"experiment": ExperimentSpan(ctx), "hypothesis": HypothesisSpan(ctx), "method": MethodSpan(ctx),
			"rollbacks": RollbackSpan(ctx), "activity": ActivitySpan(ctx), "context": trace.SpanFromContext(ctx),
		} {
			if s.IsRecording() || s.SpanContext().IsValid() {
				t.Errorf("%s: the %s span is a real one", name, level)
			}
			s.AddEvent("ignored") // must not panic
		}
		_, s := Tracer().Start(ctx, "child")
		if s.IsRecording() {
			t.Errorf("%s: Tracer() records", name)
		}
		s.End()
	}
	look := act("action", "inspect", "inspect", "", "")
	for _, tt := range []struct {
		name     string
		controls string
		env      map[string]string
	}{
		{"no control", "-", nil},
		{"noop provider", tracingControl("chaostracing.control", `{"provider": "noop"}`, ""), nil},
		{"OTEL_TRACES_EXPORTER none", "", map[string]string{"OTEL_TRACES_EXPORTER": "none"}},
		{"OTEL_SDK_DISABLED", tracingControl("chaostracing.oltp", `{"provider": "otlp"}`, ""), map[string]string{"OTEL_SDK_DISABLED": "true"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := doc{controls: tt.controls, hypothesis: []string{probe("look", "inspect", "", "true")}, method: []string{look, echoEnv("echo", "TRACEPARENT")}}.load(t)
			res := runTraced(t, e, setup{inspect: inspect, env: tt.env})
			if len(res.spans) != 0 {
				t.Errorf("spans exported:\n%s", tree(res.spans))
			}
			if got := stdout(t, res.j.Run[1].Output); got != ";" {
				t.Errorf("TRACEPARENT %q with tracing off", got)
			}
			if fields := otel.GetTextMapPropagator().Fields(); len(fields) != 0 {
				t.Errorf("global propagator left with fields %v", fields)
			}
		})
	}
}

func TestGoCodeSeesTheSpansOfEachLevel(t *testing.T) {
	type seen struct{ experiment, hypothesis, method, rollbacks, activity, current trace.SpanID }
	var mu sync.Mutex
	got := map[string]seen{}
	var child trace.SpanContext
	inspect := func(ctx context.Context, name string) {
		mu.Lock()
		defer mu.Unlock()
		got[name] = seen{
			ExperimentSpan(ctx).SpanContext().SpanID(), HypothesisSpan(ctx).SpanContext().SpanID(),
			MethodSpan(ctx).SpanContext().SpanID(), RollbackSpan(ctx).SpanContext().SpanID(),
			ActivitySpan(ctx).SpanContext().SpanID(), trace.SpanFromContext(ctx).SpanContext().SpanID(),
		}
		if name == "in-method" {
			_, s := Tracer().Start(ctx, "extension work")
			child = s.SpanContext()
			s.End()
			_, g := otel.Tracer("an extension").Start(ctx, "global tracer work")
			g.End()
		}
	}
	e := doc{
		hypothesis: []string{act("probe", "in-hypothesis", "inspect", "", `, "tolerance": true`)},
		method:     []string{act("action", "in-method", "inspect", "", "")},
		rollbacks:  []string{act("action", "in-rollbacks", "inspect", "", "")},
	}.load(t)
	res := runTraced(t, e, setup{inspect: inspect})
	checkTrace(t, res.spans)
	id := func(name string, i int) trace.SpanID { return named(res.spans, name)[i].SpanContext.SpanID() }
	var none trace.SpanID
	want := map[string]seen{
		// The hypothesis runs twice; the second run is the last one seen.
		"in-hypothesis": {id("experiment", 0), id("hypothesis", 1), none, none, id("activity: in-hypothesis", 1), id("activity: in-hypothesis", 1)},
		"in-method":     {id("experiment", 0), none, id("method", 0), none, id("activity: in-method", 0), id("activity: in-method", 0)},
		"in-rollbacks":  {id("experiment", 0), none, none, id("rollbacks", 0), id("activity: in-rollbacks", 0), id("activity: in-rollbacks", 0)},
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("%s saw %+v, want %+v", name, got[name], w)
		}
	}
	ext := one(t, res.spans, "extension work")
	if ext.Parent.SpanID() != id("activity: in-method", 0) || ext.SpanContext.SpanID() != child.SpanID() {
		t.Errorf("the extension's span is not a child of its activity")
	}
	if g := one(t, res.spans, "global tracer work"); g.Parent.SpanID() != id("activity: in-method", 0) {
		t.Errorf("a span of the global tracer provider is not a child of its activity")
	}
	if Tracer() != noopTracer {
		t.Error("Tracer() still returns the run's tracer after the cleanup")
	}
}
