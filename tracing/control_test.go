package tracing

import (
	"strings"
	"testing"
	"time"

	"github.com/chaostracing/chaostracing/control"
	"github.com/chaostracing/chaostracing/journal"
	"github.com/chaostracing/chaostracing/provider"
	"github.com/chaostracing/chaostracing/run"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

var (
	okProbe  = probe("ok", "value", `{"value": 1}`, "1")
	action1  = act("action", "a1", "value", `{"value": "x"}`, "")
	action2  = act("action", "a2", "value", `{"value": {"k": [1, 2.5, true, null]}}`, `, "pauses": {"before": 0.01, "after": 0.02}`)
	rollback = act("action", "rb", "value", `{"value": "r"}`, "")
)

// normalTree is the trace of a run through every level.
var normalTree = lines(
	"experiment",
	"  hypothesis",
	"    activity: ok",
	"  method",
	"    activity: a1",
	"    activity: a2",
	"  hypothesis",
	"    activity: ok",
	"  rollbacks",
	"    activity: rb",
)

func TestNormalRun(t *testing.T) {
	e := doc{hypothesis: []string{okProbe}, method: []string{action1, action2}, rollbacks: []string{rollback}}.load(t)
	res := runTraced(t, e, setup{})
	if res.j.Status != journal.Completed || res.j.Deviated {
		t.Fatalf("status %s deviated %v", res.j.Status, res.j.Deviated)
	}
	if got := tree(res.spans); got != normalTree {
		t.Fatalf("tree:\n%swant:\n%s", got, normalTree)
	}
	checkTrace(t, res.spans)

	root := one(t, res.spans, "experiment")
	if root.Parent.IsValid() {
		t.Errorf("experiment has a parent %s", root.Parent.SpanID())
	}
	wantAttrs(t, root, map[string]any{
		"chaostoolkit.experiment.title":       "t me",
		"chaostoolkit.platform.full":          platform,
		"chaostoolkit.experiment.status":      "completed",
		"chaostoolkit.experiment.deviated":    false,
		"chaostoolkit.experiment.interrupted": nil,
	})
	if v, ok := root.Resource.Set().Value("service.name"); !ok || v.AsString() != "chaostoolkit" {
		t.Errorf("service.name %v", v.AsString())
	}
	hyps := named(res.spans, "hypothesis")
	for i, phase := range []string{"before", "after"} {
		wantAttrs(t, hyps[i], map[string]any{"chaostoolkit.hypothesis.phase": phase, "chaostoolkit.hypothesis.met": true, "chaostoolkit.hypothesis.iteration": nil})
	}
	for _, p := range named(res.spans, "activity: ok") {
		wantAttrs(t, p, map[string]any{
			"chaostoolkit.activity.name":          "ok",
			"chaostoolkit.activity.background":    false,
			"chaostoolkit.activity.type":          "probe",
			"chaostoolkit.activity.output":        "1",
			"chaostoolkit.activity.status":        "succeeded",
			"chaostoolkit.activity.tolerance_met": true,
			"chaostoolkit.activity.error":         nil,
			"code.namespace":                      "m",
			"code.function":                       "value",
		})
		tol := events(p, "tolerance")
		if len(tol) != 1 || attrs(tol[0].Attributes)["chaostoolkit.tolerance.met"] != true {
			t.Errorf("tolerance events %+v", tol)
		}
		if p.SpanKind != trace.SpanKindInternal {
			t.Errorf("kind %v", p.SpanKind)
		}
	}
	a1 := one(t, res.spans, "activity: a1")
	wantAttrs(t, a1, map[string]any{"chaostoolkit.activity.output": `"x"`, "chaostoolkit.activity.type": "action", "chaostoolkit.activity.tolerance_met": nil})
	if len(events(a1, "tolerance")) != 0 {
		t.Error("a method action got a tolerance event")
	}
	a2 := one(t, res.spans, "activity: a2")
	wantAttrs(t, a2, map[string]any{"chaostoolkit.activity.output": `{"k": [1, 2.5, true, null]}`})
	pauses := events(a2, "pause")
	if len(pauses) != 2 {
		t.Fatalf("pause events %+v", a2.Events)
	}
	for i, want := range []map[string]any{
		{"chaostoolkit.pause.which": "before", "chaostoolkit.pause.seconds": 0.01},
		{"chaostoolkit.pause.which": "after", "chaostoolkit.pause.seconds": 0.02},
	} {
		got := attrs(pauses[i].Attributes)
		for k, v := range want {
			if got[k] != v {
				t.Errorf("pause %d: %s = %v, want %v", i, k, got[k], v)
			}
		}
	}
	if d := a2.EndTime.Sub(a2.StartTime); d < 30*time.Millisecond {
		t.Errorf("a2's span lasts %s: it must cover its pauses", d)
	}
	for _, s := range res.spans {
		if s.Status.Code != codes.Unset {
			t.Errorf("%s: status %v %q", s.Name, s.Status.Code, s.Status.Description)
		}
	}
	if w := res.log.Warnings(); len(w) != 0 {
		t.Errorf("warnings: %v", w)
	}
}

func TestDeviatedRun(t *testing.T) {
	flagOff := probe("flag-off", "get", "", "false")
	e := doc{
		hypothesis: []string{okProbe, flagOff},
		method:     []string{act("action", "set-flag", "set", `{"value": true}`, "")},
		rollbacks:  []string{rollback},
	}.load(t)
	res := runTraced(t, e, setup{})
	if !res.j.Deviated {
		t.Fatal("the run did not deviate")
	}
	checkTrace(t, res.spans)
	root := one(t, res.spans, "experiment")
	wantAttrs(t, root, map[string]any{"chaostoolkit.experiment.status": "completed", "chaostoolkit.experiment.deviated": true})
	if root.Status.Code != codes.Error || !strings.Contains(root.Status.Description, "deviated") {
		t.Errorf("experiment status %+v", root.Status)
	}
	hyps := named(res.spans, "hypothesis")
	if len(hyps) != 2 {
		t.Fatalf("tree:\n%s", tree(res.spans))
	}
	wantAttrs(t, hyps[0], map[string]any{"chaostoolkit.hypothesis.met": true})
	if hyps[0].Status.Code != codes.Unset {
		t.Errorf("before: %+v", hyps[0].Status)
	}
	wantAttrs(t, hyps[1], map[string]any{"chaostoolkit.hypothesis.met": false, "chaostoolkit.hypothesis.phase": "after"})
	if hyps[1].Status.Code != codes.Error || hyps[1].Status.Description != "steady state hypothesis not met: probe flag-off" {
		t.Errorf("after: %+v", hyps[1].Status)
	}
	missed := named(res.spans, "activity: flag-off")[1]
	wantAttrs(t, missed, map[string]any{"chaostoolkit.activity.tolerance_met": false, "chaostoolkit.activity.status": "succeeded", "chaostoolkit.activity.output": "true"})
	if tol := events(missed, "tolerance"); len(tol) != 1 || attrs(tol[0].Attributes)["chaostoolkit.tolerance.met"] != false {
		t.Errorf("tolerance events %+v", tol)
	}
	if missed.Status.Code != codes.Unset {
		t.Errorf("a probe out of tolerance is not a failed activity: %+v", missed.Status)
	}
}

func TestFailedBeforeRun(t *testing.T) {
	broken := probe("broken", "fail", `{"message": "FileNotFoundError: [Errno 2] No such file or directory: '/nope'"}`, "1")
	e := doc{hypothesis: []string{broken}, method: []string{action1}, rollbacks: []string{rollback}}.load(t)
	res := runTraced(t, e, setup{})
	if res.j.Status != journal.Failed {
		t.Fatalf("status %s", res.j.Status)
	}
	want := lines("experiment", "  hypothesis", "    activity: broken")
	if got := tree(res.spans); got != want {
		t.Fatalf("tree:\n%swant:\n%s", got, want)
	}
	checkTrace(t, res.spans)
	root := one(t, res.spans, "experiment")
	wantAttrs(t, root, map[string]any{"chaostoolkit.experiment.status": "failed", "chaostoolkit.experiment.deviated": false})
	if root.Status.Code != codes.Error || root.Status.Description != "experiment failed" {
		t.Errorf("experiment status %+v", root.Status)
	}
	h := one(t, res.spans, "hypothesis")
	if h.Status.Description != "steady state hypothesis not met: probe broken failed" {
		t.Errorf("hypothesis status %+v", h.Status)
	}
	a := one(t, res.spans, "activity: broken")
	msg := "FileNotFoundError: [Errno 2] No such file or directory: '/nope'"
	wantAttrs(t, a, map[string]any{
		"chaostoolkit.activity.status":        "failed",
		"chaostoolkit.activity.output":        "null",
		"chaostoolkit.activity.error":         []string{"chaoslib.exceptions.ActivityFailed: " + msg + "\n"},
		"chaostoolkit.activity.tolerance_met": false,
		"error.type":                          "FileNotFoundError",
	})
	if a.Status.Code != codes.Error || a.Status.Description != msg {
		t.Errorf("activity status %+v", a.Status)
	}
	ex := events(a, "exception")
	if len(ex) != 1 {
		t.Fatalf("events %+v", a.Events)
	}
	got := attrs(ex[0].Attributes)
	if got["exception.type"] != "FileNotFoundError" || got["exception.message"] != msg {
		t.Errorf("exception event %v", got)
	}
}

func TestBackgroundActivitiesOverlap(t *testing.T) {
	bg1 := act("action", "bg1", "sleep", `{"seconds": 0.15}`, `, "background": true`)
	bg2 := act("action", "bg2", "sleep", `{"seconds": 0.15}`, `, "background": true`)
	e := doc{method: []string{bg1, bg2, action1}}.load(t)
	res := runTraced(t, e, setup{})
	checkTrace(t, res.spans)
	method := one(t, res.spans, "method")
	s1, s2 := one(t, res.spans, "activity: bg1"), one(t, res.spans, "activity: bg2")
	for _, s := range []struct {
		name string
		bg   bool
	}{{"activity: bg1", true}, {"activity: bg2", true}, {"activity: a1", false}} {
		span := one(t, res.spans, s.name)
		if span.Parent.SpanID() != method.SpanContext.SpanID() {
			t.Errorf("%s is not under method", s.name)
		}
		wantAttrs(t, span, map[string]any{"chaostoolkit.activity.background": s.bg})
	}
	if !(s1.StartTime.Before(s2.EndTime) && s2.StartTime.Before(s1.EndTime)) {
		t.Errorf("background spans do not overlap: [%s %s] [%s %s]", s1.StartTime, s1.EndTime, s2.StartTime, s2.EndTime)
	}
}

func TestContinuousHypothesis(t *testing.T) {
	e := doc{hypothesis: []string{okProbe}, method: []string{act("action", "wait", "sleep", `{"seconds": 0.25}`, "")}, rollbacks: []string{rollback}}.load(t)
	res := runTraced(t, e, setup{opts: run.Options{HypothesisStrategy: run.StrategyContinuously, HypothesisFrequency: 20 * time.Millisecond}})
	checkTrace(t, res.spans)
	root := one(t, res.spans, "experiment")
	var parent, before, after []string
	var cont tracetest.SpanStub
	var iterations []tracetest.SpanStub
	for _, h := range named(res.spans, "hypothesis") {
		a := attrs(h.Attributes)
		switch {
		case a["chaostoolkit.hypothesis.phase"] == "before":
			before = append(before, h.Name)
		case a["chaostoolkit.hypothesis.phase"] == "after":
			after = append(after, h.Name)
		case a["chaostoolkit.hypothesis.iteration"] == nil:
			parent = append(parent, h.Name)
			cont = h
		default:
			iterations = append(iterations, h)
		}
	}
	if len(before) != 1 || len(after) != 1 || len(parent) != 1 {
		t.Fatalf("hypothesis spans: before %d, after %d, continuous %d:\n%s", len(before), len(after), len(parent), tree(res.spans))
	}
	if cont.Parent.SpanID() != root.SpanContext.SpanID() {
		t.Error("the continuous hypothesis is not under the experiment")
	}
	if len(iterations) < 3 || len(iterations) != len(res.j.SteadyStates.During) {
		t.Fatalf("%d iterations, %d in the journal", len(iterations), len(res.j.SteadyStates.During))
	}
	for i, it := range iterations {
		if it.Parent.SpanID() != cont.SpanContext.SpanID() {
			t.Errorf("iteration %d is not under the continuous span", i+1)
		}
		wantAttrs(t, it, map[string]any{"chaostoolkit.hypothesis.phase": "continuous", "chaostoolkit.hypothesis.iteration": i + 1, "chaostoolkit.hypothesis.met": true})
		probes := 0
		for _, s := range res.spans {
			if s.Parent.SpanID() == it.SpanContext.SpanID() && s.Name == "activity: ok" {
				probes++
			}
		}
		if probes != 1 {
			t.Errorf("iteration %d has %d probe spans", i+1, probes)
		}
	}
	wantAttrs(t, cont, map[string]any{
		"chaostoolkit.hypothesis.phase":      "continuous",
		"chaostoolkit.hypothesis.iterations": len(iterations),
		"chaostoolkit.hypothesis.deviations": 0,
		"chaostoolkit.hypothesis.met":        nil,
	})
	method := one(t, res.spans, "method")
	if cont.EndTime.Before(method.EndTime) {
		t.Errorf("the continuous span ends at %s, before the method (%s)", cont.EndTime, method.EndTime)
	}
}

func TestContinuousDeviationWithFailFast(t *testing.T) {
	flagOff := probe("flag-off", "get", "", "false")
	e := doc{
		hypothesis: []string{flagOff},
		method:     []string{act("action", "set-flag", "set", `{"value": true}`, ""), act("action", "wait", "sleep", `{"seconds": 0.3}`, "")},
	}.load(t)
	res := runTraced(t, e, setup{opts: run.Options{HypothesisStrategy: run.StrategyDuringMethodOnly, HypothesisFrequency: 10 * time.Millisecond, FailFast: true}})
	checkTrace(t, res.spans)
	var cont tracetest.SpanStub
	for _, h := range named(res.spans, "hypothesis") {
		if _, ok := attrs(h.Attributes)["chaostoolkit.hypothesis.iteration"]; !ok {
			cont = h
		}
	}
	a := attrs(cont.Attributes)
	if a["chaostoolkit.hypothesis.deviations"] != int64(1) || cont.Status.Code != codes.Error {
		t.Errorf("continuous span %v %+v\n%s", a, cont.Status, tree(res.spans))
	}
	root := one(t, res.spans, "experiment")
	if root.Status.Code != codes.Error || res.j.Status != journal.Failed {
		t.Errorf("experiment %+v, run %s", root.Status, res.j.Status)
	}
}

func TestControlAtHypothesisLevelOnly(t *testing.T) {
	e := doc{
		controls:   "-",
		hypothesis: []string{okProbe},
		hypCtl:     tracingControl("chaostracing.control", "", ""),
		method:     []string{action1},
		rollbacks:  []string{rollback},
	}.load(t)
	res := runTraced(t, e, setup{})
	want := lines("experiment", "  hypothesis", "    activity: ok", "  hypothesis", "    activity: ok")
	if got := tree(res.spans); got != want {
		t.Fatalf("tree:\n%swant:\n%s", got, want)
	}
	checkTrace(t, res.spans)
	root := one(t, res.spans, "experiment")
	wantAttrs(t, root, map[string]any{"chaostoolkit.experiment.title": "t me", "chaostoolkit.experiment.status": nil})
	last := named(res.spans, "hypothesis")[1]
	if !root.EndTime.Equal(last.EndTime) {
		t.Errorf("the experiment span ends at %s, not with the last span it saw (%s)", root.EndTime, last.EndTime)
	}
}

func TestControlOnOneActivityOnly(t *testing.T) {
	a1 := act("action", "a1", "value", `{"value": "x"}`, `, "controls": [`+tracingControl("chaostracing.oltp", "", "")+`]`)
	e := doc{controls: "-", hypothesis: []string{okProbe}, method: []string{a1, action2}, rollbacks: []string{rollback}}.load(t)
	res := runTraced(t, e, setup{})
	want := lines("experiment", "  activity: a1")
	if got := tree(res.spans); got != want {
		t.Fatalf("tree:\n%swant:\n%s", got, want)
	}
	checkTrace(t, res.spans)
}

func TestAutomaticFalse(t *testing.T) {
	e := doc{controls: tracingControl("chaostracing.oltp", "", `, "automatic": false`), hypothesis: []string{okProbe}, method: []string{action1}}.load(t)
	res := runTraced(t, e, setup{})
	if got := tree(res.spans); got != "experiment\n" {
		t.Fatalf("tree:\n%s", got)
	}
	wantAttrs(t, res.spans[0], map[string]any{"chaostoolkit.experiment.status": "completed"})
}

func TestInterruptedActivity(t *testing.T) {
	e := doc{method: []string{act("action", "long", "sleep", `{"seconds": 5}`, "")}, rollbacks: []string{rollback}}.load(t)
	res := runTraced(t, e, setup{interruptAfter: 100 * time.Millisecond})
	if res.j.Status != journal.Interrupted {
		t.Fatalf("status %s", res.j.Status)
	}
	spans := res.spans
	checkTrace(t, spans)
	root := one(t, spans, "experiment")
	wantAttrs(t, root, map[string]any{"chaostoolkit.experiment.interrupted": true, "chaostoolkit.experiment.status": "interrupted"})
	if root.Status.Description != "experiment interrupted" {
		t.Errorf("experiment status %+v", root.Status)
	}
	long := one(t, spans, "activity: long")
	wantAttrs(t, long, map[string]any{"chaostoolkit.activity.status": nil, "chaostoolkit.activity.output": "null"})
	if long.Status.Code != codes.Error {
		t.Errorf("interrupted activity status %+v", long.Status)
	}
}

func TestControlScopes(t *testing.T) {
	e := doc{controls: tracingControl("chaostracing.oltp", "", `, "scope": "before"`), hypothesis: []string{okProbe}, method: []string{action1}, rollbacks: []string{rollback}}.load(t)
	res := runTraced(t, e, setup{})
	// Without after hooks nothing ends before the cleanup, which ends it
	// all: the shape of the trace is kept.
	if got := tree(res.spans); got != strings.Replace(normalTree, "    activity: a2\n", "", 1) {
		t.Errorf("scope before:\n%s", got)
	}
	checkTrace(t, res.spans)

	e = doc{controls: tracingControl("chaostracing.oltp", "", `, "scope": "after"`), hypothesis: []string{okProbe}, method: []string{action1}}.load(t)
	res = runTraced(t, e, setup{})
	if got := tree(res.spans); got != "experiment\n" {
		t.Errorf("scope after:\n%s", got)
	}
	wantAttrs(t, res.spans[0], map[string]any{"chaostoolkit.experiment.status": "completed"})
}

func TestUnconfiguredControlDoesNothing(t *testing.T) {
	c := New()
	e := doc{method: []string{action1}}.load(t)
	s := run.Step{Experiment: e, Level: run.LevelMethod, Activity: e.Method[0]}
	ctx := c.BeforeExperiment(bg, s)
	ctx = c.BeforeHypothesis(ctx, s)
	ctx = c.BeforeMethod(ctx, s)
	ctx = c.BeforeRollbacks(ctx, s)
	ctx = c.BeforeActivity(ctx, s)
	c.Pause(ctx, s, "after", 1)
	c.AfterActivity(ctx, s, &journal.Record{})
	c.AfterHypothesis(ctx, s, &journal.Hypothesis{})
	c.AfterMethod(ctx, s, nil)
	c.AfterRollbacks(ctx, s, nil)
	c.AfterExperiment(ctx, s, &journal.Journal{})
	c.Cleanup(bg)
	if ctx != bg {
		t.Error("an unconfigured control changed the context")
	}
}

func TestRegisterAndNewFromConfig(t *testing.T) {
	reg := control.NewRegistry()
	Register(reg)
	if got := strings.Join(reg.Modules(), ","); got != "chaostracing.control,chaostracing.oltp" {
		t.Errorf("modules %s", got)
	}
	if f, _ := reg.Lookup("chaostracing.oltp"); f() == f() {
		t.Error("the factory returns a shared control")
	}

	// A preset configuration wins over the declaration's.
	mem := &memExporter{}
	reg = control.NewRegistry()
	reg.Register("chaostracing.oltp", func() control.Control { return NewFromConfig(Config{SpanExporter: mem}) })
	e := doc{controls: tracingControl("chaostracing.oltp", `{"provider": "noop"}`, ""), method: []string{action1}}.load(t)
	d := control.NewDispatcher(e, nil, reg)
	providers := provider.NewRegistry()
	providers.Register("python", &scripted{})
	if _, err := (&run.Runner{Providers: providers, Hooks: d}).Run(bg, nil, e, run.Options{}); err != nil {
		t.Fatal(err)
	}
	d.Close(bg)
	if got := tree(mem.stubs()); got != lines("experiment", "  method", "    activity: a1", "  rollbacks") {
		t.Errorf("tree:\n%s", got)
	}
}

func TestInvalidConfigurationLeavesTheControlOut(t *testing.T) {
	e := doc{controls: tracingControl("chaostracing.oltp", `{"provider": "datadog"}`, ""), method: []string{action1}}.load(t)
	res := runTraced(t, e, setup{})
	if len(res.spans) != 0 || res.j.Status != journal.Completed {
		t.Errorf("%d spans, status %s", len(res.spans), res.j.Status)
	}
	if !strings.Contains(res.log.String(), "invalid tracing configuration: argument 'provider': unknown tracing provider 'datadog'") {
		t.Errorf("log:\n%s", res.log)
	}
}

func TestOltpVendorWarning(t *testing.T) {
	e := doc{config: `{"otel_vendor": "gcp"}`, method: []string{action1}}.load(t)
	res := runTraced(t, e, setup{})
	if w := res.log.Warnings(); len(w) != 1 || !strings.Contains(w[0], "otel_vendor 'gcp' is not supported") {
		t.Errorf("warnings %v", w)
	}
}
