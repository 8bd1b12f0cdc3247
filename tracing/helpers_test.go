package tracing

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chaostracing/chaostracing/internal/testutil"

	"github.com/chaostracing/chaostracing/control"
	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/journal"
	"github.com/chaostracing/chaostracing/provider"
	"github.com/chaostracing/chaostracing/provider/process"
	"github.com/chaostracing/chaostracing/run"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

var bg = context.Background()

// scripted runs "python" activities by func name (see testutil.Scripted).
type scripted = testutil.Scripted

// act declares a python activity run by scripted; extra adds members.
func act(typ, name, fn, args, extra string) string {
	if args == "" {
		args = "{}"
	}
	return fmt.Sprintf(`{"type": %q, "name": %q, "provider": {"type": "python", "module": "m", "func": %q, "arguments": %s}%s}`, typ, name, fn, args, extra)
}

func probe(name, fn, args, tol string) string {
	return act("probe", name, fn, args, `, "tolerance": `+tol)
}

// tracingControl declares the tracing control with arguments; extra adds
// members.
func tracingControl(module, args, extra string) string {
	if args == "" {
		args = "{}"
	}
	return fmt.Sprintf(`{"name": "tracing", "provider": {"type": "python", "module": %q, "arguments": %s}%s}`, module, args, extra)
}

// doc describes a test experiment.
type doc struct {
	title      string
	hypothesis []string
	hypCtl     string // controls of the hypothesis
	method     []string
	rollbacks  []string
	controls   string // experiment-level controls, "" for the tracing control
	extra      string // more top-level members
	config     string // the configuration object, {"who": "me"} by default
}

func (d doc) load(t testing.TB) *experiment.Experiment {
	t.Helper()
	title := d.title
	if title == "" {
		title = "t ${who}"
	}
	controls := d.controls
	if controls == "" {
		controls = tracingControl("chaostracing.oltp", "", "")
	} else if controls == "-" {
		controls = ""
	}
	config := d.config
	if config == "" {
		config = `{"who": "me"}`
	}
	s := fmt.Sprintf(`{"title": %q, "description": "d", "configuration": %s`, title, config) + d.extra
	if controls != "" {
		s += `, "controls": [` + controls + `]`
	}
	if d.hypothesis != nil {
		s += `, "steady-state-hypothesis": {"title": "h", "probes": [` + strings.Join(d.hypothesis, ",") + `]`
		if d.hypCtl != "" {
			s += `, "controls": [` + d.hypCtl + `]`
		}
		s += `}`
	}
	s += `, "method": [` + strings.Join(d.method, ",") + `]`
	s += `, "rollbacks": [` + strings.Join(d.rollbacks, ",") + `]}`
	e, err := experiment.Load("t.json", []byte(s))
	if err != nil && !allowActivityControls(e) {
		t.Fatalf("%v\n%s", err, s)
	}
	return e
}

// allowActivityControls drops the problems experiment.Decode reports for
// activity-level control declarations it does not know about yet (see
// control/main_test.go); it reports whether no other problem is left.
func allowActivityControls(e *experiment.Experiment) bool {
	if e == nil {
		return false
	}
	kept := e.Problems[:0]
	for _, p := range e.Problems {
		if !strings.Contains(p.Msg, "control") {
			kept = append(kept, p)
		}
	}
	e.Problems = kept
	return len(kept) == 0
}

// memExporter keeps every span it is given, across Shutdown (unlike
// tracetest.InMemoryExporter, which forgets them there).
type memExporter struct {
	mu    sync.Mutex
	spans []sdktrace.ReadOnlySpan
}

func (m *memExporter) ExportSpans(_ context.Context, spans []sdktrace.ReadOnlySpan) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.spans = append(m.spans, spans...)
	return nil
}

func (m *memExporter) Shutdown(context.Context) error { return nil }

func (m *memExporter) stubs() tracetest.SpanStubs {
	m.mu.Lock()
	defer m.mu.Unlock()
	return tracetest.SpanStubsFromReadOnlySpans(m.spans)
}

// logBuffer collects log records written from any goroutine.
type logBuffer = testutil.LogBuffer

// warnings returns the warning lines logged.

// envMap is a hermetic environment for Control.getenv.
func envMap(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// setup says how runTraced runs an experiment.
type setup struct {
	opts run.Options
	env  map[string]string
	// real uses the configured exporter instead of the in-memory one.
	real bool
	// providers adds providers to the registry.
	providers func(*provider.Registry)
	inspect   func(ctx context.Context, name string)
	// interruptAfter interrupts the run after that long, if not 0.
	interruptAfter time.Duration
	// exporter replaces the in-memory exporter.
	exporter sdktrace.SpanExporter
	// beforeClose is called once the run is over, before the cleanup.
	beforeClose func()
}

// traced is what a traced test run leaves.
type traced struct {
	j       *journal.Journal
	spans   tracetest.SpanStubs
	log     *logBuffer
	cleanup time.Duration // how long the controls' cleanup took
}

// runTraced runs e with the tracing control registered under both module
// names, the scripted provider as "python" and the real process provider,
// then closes the dispatcher, which flushes the spans.
func runTraced(t testing.TB, e *experiment.Experiment, su setup) traced {
	t.Helper()
	mem := &memExporter{}
	var exp sdktrace.SpanExporter = mem
	if su.exporter != nil {
		exp = su.exporter
	}
	res := traced{log: &logBuffer{}}
	reg := control.NewRegistry()
	for _, m := range Modules {
		reg.Register(m, func() control.Control {
			c := &Control{getenv: envMap(su.env)}
			if !su.real {
				c.exporter = exp
			}
			return c
		})
	}
	d := control.NewDispatcher(e, nil, reg, control.WithLogger(res.log.Logger()))
	providers := provider.NewRegistry()
	providers.Register("python", &scripted{Inspect: su.inspect})
	providers.Register("process", &process.Provider{})
	if su.providers != nil {
		su.providers(providers)
	}
	ctx := bg
	if su.interruptAfter > 0 {
		var cancel context.CancelCauseFunc
		ctx, cancel = context.WithCancelCause(bg)
		timer := time.AfterFunc(su.interruptAfter, func() { cancel(run.ErrInterrupted) })
		defer timer.Stop()
		defer cancel(nil)
	}
	j, err := (&run.Runner{Providers: providers, Hooks: d}).Run(ctx, nil, e, su.opts)
	if err != nil {
		t.Fatal(err)
	}
	if su.beforeClose != nil {
		su.beforeClose()
	}
	start := time.Now()
	d.Close(bg)
	res.cleanup = time.Since(start)
	res.j = j
	res.spans = mem.stubs()
	return res
}

// tree renders spans as an indented tree of names, children in start
// order, so a test can compare the shape of a trace at a glance.
func tree(spans tracetest.SpanStubs) string {
	children := map[trace.SpanID][]tracetest.SpanStub{}
	ids := map[trace.SpanID]bool{}
	for _, s := range spans {
		ids[s.SpanContext.SpanID()] = true
	}
	var roots []tracetest.SpanStub
	for _, s := range spans {
		if p := s.Parent.SpanID(); s.Parent.IsValid() && ids[p] {
			children[p] = append(children[p], s)
		} else {
			roots = append(roots, s)
		}
	}
	var b strings.Builder
	var walk func(list []tracetest.SpanStub, depth int)
	walk = func(list []tracetest.SpanStub, depth int) {
		sort.SliceStable(list, func(i, j int) bool { return list[i].StartTime.Before(list[j].StartTime) })
		for _, s := range list {
			b.WriteString(strings.Repeat("  ", depth) + s.Name + "\n")
			walk(children[s.SpanContext.SpanID()], depth+1)
		}
	}
	walk(roots, 0)
	return b.String()
}

// lines joins tree lines for expectations.
func lines(l ...string) string { return strings.Join(l, "\n") + "\n" }

// named returns the spans of a name, in start order.
func named(spans tracetest.SpanStubs, name string) []tracetest.SpanStub {
	var out []tracetest.SpanStub
	for _, s := range spans {
		if s.Name == name {
			out = append(out, s)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].StartTime.Before(out[j].StartTime) })
	return out
}

// one returns the only span of a name.
func one(t testing.TB, spans tracetest.SpanStubs, name string) tracetest.SpanStub {
	t.Helper()
	list := named(spans, name)
	if len(list) != 1 {
		t.Fatalf("%d spans named %q, want 1:\n%s", len(list), name, tree(spans))
	}
	return list[0]
}

// attrs returns a span's attributes as Go values.
func attrs(kvs []attribute.KeyValue) map[string]any {
	m := map[string]any{}
	for _, kv := range kvs {
		m[string(kv.Key)] = kv.Value.AsInterface()
	}
	return m
}

// wantAttrs checks some attributes of a span; a nil want value means the
// attribute must be absent.
func wantAttrs(t testing.TB, s tracetest.SpanStub, want map[string]any) {
	t.Helper()
	got := attrs(s.Attributes)
	for k, w := range want {
		g, ok := got[k]
		switch {
		case w == nil && ok:
			t.Errorf("%s: %s = %#v, want none", s.Name, k, g)
		case w != nil && !ok:
			t.Errorf("%s: no %s, want %#v", s.Name, k, w)
		case w != nil && fmt.Sprint(g) != fmt.Sprint(w):
			t.Errorf("%s: %s = %#v, want %#v", s.Name, k, g, w)
		}
	}
}

// event returns a span's events of a name.
func events(s tracetest.SpanStub, name string) []sdktrace.Event {
	var out []sdktrace.Event
	for _, e := range s.Events {
		if e.Name == name {
			out = append(out, e)
		}
	}
	return out
}

// checkTrace checks what every trace of a run must satisfy: one trace id,
// one root (unless parented elsewhere), every child within its parent's
// time, every span ended, the instrumentation scope.
func checkTrace(t testing.TB, spans tracetest.SpanStubs) {
	t.Helper()
	if len(spans) == 0 {
		t.Fatal("no spans")
	}
	byID := map[trace.SpanID]tracetest.SpanStub{}
	for _, s := range spans {
		byID[s.SpanContext.SpanID()] = s
	}
	tid := spans[0].SpanContext.TraceID()
	for _, s := range spans {
		if s.SpanContext.TraceID() != tid {
			t.Errorf("%s is in trace %s, not %s", s.Name, s.SpanContext.TraceID(), tid)
		}
		if s.EndTime.Before(s.StartTime) {
			t.Errorf("%s ends before it starts", s.Name)
		}
		if ours(s.Name) && s.InstrumentationScope.Name != TracerName {
			t.Errorf("%s: scope %q", s.Name, s.InstrumentationScope.Name)
		}
		p, ok := byID[s.Parent.SpanID()]
		if !ok {
			continue
		}
		if s.StartTime.Before(p.StartTime) || s.EndTime.After(p.EndTime) {
			t.Errorf("%s [%s, %s] is not within its parent %s [%s, %s]", s.Name,
				s.StartTime.Format(time.StampMicro), s.EndTime.Format(time.StampMicro),
				p.Name, p.StartTime.Format(time.StampMicro), p.EndTime.Format(time.StampMicro))
		}
	}
}

// ours reports whether a span name is one the Control makes.
func ours(name string) bool {
	switch name {
	case spanExperiment, spanHypothesis, spanMethod, spanRollbacks:
		return true
	}
	return strings.HasPrefix(name, activityPrefix)
}
