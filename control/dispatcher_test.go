package control

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/journal"
	"github.com/chaostracing/chaostracing/run"
	"github.com/chaostracing/chaostracing/value"
)

// every is what an automatic experiment-level control sees of the test
// experiment.
const every = ">E >H >ok <ok <H >M >a1 <a1 >a2 <a2 <M >H >ok <ok <H >R >rb <rb <R <E"

func TestWhichControlsApply(t *testing.T) {
	tests := []struct {
		name   string
		layout layout
		global []*experiment.Control
		want   map[string]string // control label -> its events
		at     map[string]string // event -> every control's label+event there, in order
	}{
		{
			name:   "experiment-level automatic sees every level and activity",
			layout: layout{top: ctl("x", "", "")},
			want:   map[string]string{"x": every},
		},
		{
			name:   "automatic false: experiment hooks only",
			layout: layout{top: ctl("x", "", `, "automatic": false`)},
			want:   map[string]string{"x": ">E <E"},
		},
		{
			name:   "hypothesis-level: the hypothesis and its probes only",
			layout: layout{hyp: ctl("h", "", "")},
			want:   map[string]string{"h": ">H >ok <ok <H >H >ok <ok <H"},
		},
		{
			name:   "activity-level: that activity only",
			layout: layout{a1: ctl("a", "", "")},
			want:   map[string]string{"a": ">a1 <a1"},
		},
		{
			name:   "probe-level: that probe only",
			layout: layout{ok: ctl("p", "", "")},
			want:   map[string]string{"p": ">ok <ok >ok <ok"},
		},
		{
			name:   "scope before",
			layout: layout{top: ctl("b", "", `, "scope": "before"`)},
			want:   map[string]string{"b": ">E >H >ok >M >a1 >a2 >H >ok >R >rb"},
		},
		{
			name:   "scope after",
			layout: layout{top: ctl("a", "", `, "scope": "after"`), a1: ctl("own", "", `, "scope": "before"`)},
			want:   map[string]string{"a": "<ok <H <a1 <a2 <M <ok <H <rb <R <E", "own": ">a1"},
		},
		{
			name:   "same name at a lower level overrides, no duplicates",
			layout: layout{top: ctl("x", `{"tag": "top"}`, ""), hyp: ctl("x", `{"tag": "hyp"}`, ""), a1: ctl("x", `{"tag": "a1"}`, "")},
			want: map[string]string{
				"x/top": ">E >M >a2 <a2 <M >R >rb <rb <R <E",
				"x/hyp": ">H >ok <ok <H >H >ok <ok <H",
				"x/a1":  ">a1 <a1",
			},
			at: map[string]string{">a1": "x/a1>a1"},
		},
		{
			name:   "override takes the lower level's place in the order",
			layout: layout{top: ctl("x", `{"tag": "top"}`, "") + "," + ctl("y", "", ""), a1: ctl("x", `{"tag": "a1"}`, "")},
			at:     map[string]string{">a1": "y>a1 x/a1>a1", "<a1": "y<a1 x/a1<a1", ">a2": "x/top>a2 y>a2"},
		},
		{
			name:   "ref to an experiment-level control",
			layout: layout{top: ctl("x", "", `, "automatic": false`), a1: `{"ref": "x"}`, hyp: `{"ref": "x"}`},
			want:   map[string]string{"x": ">E >H >ok <ok <H >a1 <a1 >H >ok <ok <H <E"},
		},
		{
			name:   "ref to an automatic control moves it to the lower level",
			layout: layout{top: ctl("x", "", "") + "," + ctl("y", "", ""), a1: `{"ref": "x"}`},
			want:   map[string]string{"x": every, "y": every},
			at:     map[string]string{">a1": "y>a1 x>a1", ">a2": "x>a2 y>a2"},
		},
		{
			name:   "global controls first, then experiment, hypothesis and activity levels",
			layout: layout{top: ctl("x", "", ""), hyp: ctl("h", "", ""), ok: ctl("p", "", ""), a1: ctl("a", "", "")},
			global: []*experiment.Control{global("g", true, ""), global("g2", false, "")},
			want:   map[string]string{"g": every, "g2": ">E <E"},
			at: map[string]string{
				">E":  "g>E g2>E x>E",
				"<E":  "g<E g2<E x<E",
				">ok": "g>ok x>ok h>ok p>ok g>ok x>ok h>ok p>ok",
				"<ok": "g<ok x<ok h<ok p<ok g<ok x<ok h<ok p<ok",
				">a1": "g>a1 x>a1 a>a1",
				"<a1": "g<a1 x<a1 a<a1",
				">M":  "g>M x>M",
			},
		},
		{
			name:   "an experiment-level control overrides a global one of the same name",
			layout: layout{top: ctl("g", `{"tag": "exp"}`, "")},
			global: []*experiment.Control{global("g", true, "")},
			want:   map[string]string{"g/exp": every, "g": ""},
			at:     map[string]string{"configure": "g/expconfigure"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runWith(t, tt.layout.experiment(t), tt.global)
			if res.j.Status != journal.Completed {
				t.Fatalf("status %s", res.j.Status)
			}
			for label, want := range tt.want {
				if got := hooksOnly(res.ev.of(label)); got != want {
					t.Errorf("%s got\n  %s\nwant\n  %s", label, got, want)
				}
			}
			for event, want := range tt.at {
				if got := res.ev.at(event); got != want {
					t.Errorf("at %s got %q, want %q", event, got, want)
				}
			}
		})
	}
}

// hooksOnly drops the configure and cleanup events.
func hooksOnly(s string) string {
	var out []string
	for _, f := range strings.Fields(s) {
		if f != "configure" && f != "cleanup" {
			out = append(out, f)
		}
	}
	return strings.Join(out, " ")
}

// global declares a global recorder control.
func global(name string, automatic bool, scope string) *experiment.Control {
	doc := value.NewObject("name", name, "provider", value.NewObject("type", "python", "module", "rec", "arguments", &value.Object{}))
	return &experiment.Control{Doc: doc, Path: "settings.yaml:1:1", Name: name, Provider: doc.Object("provider"), Automatic: automatic, Scope: scope}
}

// Each control is configured once, however many places declare it, and
// cleaned up once by Close, in reverse order.
func TestConfigureOnceCleanupOnce(t *testing.T) {
	l := layout{top: ctl("x", "", "") + "," + ctl("y", "", `, "automatic": false`), a1: ctl("a", "", ""), ok: ctl("a", "", "") + `, {"ref": "y"}`}
	res := runWith(t, l.experiment(t), []*experiment.Control{global("g", true, "")})
	if got := res.ev.at("configure"); got != "gconfigure xconfigure yconfigure aconfigure" {
		t.Errorf("configured: %s", got)
	}
	if got := res.ev.at("cleanup"); got != "acleanup ycleanup xcleanup gcleanup" {
		t.Errorf("cleaned up: %s", got)
	}
}

func TestPanickingControlDoesNotBreakTheRun(t *testing.T) {
	l := layout{top: ctl("p", `{"panic": [">a1", "<M", ">E"]}`, "") + "," + ctl("x", "", "")}
	res := runWith(t, l.experiment(t), nil)
	if res.j.Status != journal.Completed || len(res.j.Run) != 2 || len(res.j.Rollbacks) != 1 {
		t.Fatalf("status %s, %d runs", res.j.Status, len(res.j.Run))
	}
	for _, label := range []string{"p", "x"} {
		if got := hooksOnly(res.ev.of(label)); got != every {
			t.Errorf("%s got %s", label, got)
		}
	}
	log := res.log.String()
	for _, want := range []string{"Control 'p' panicked in BeforeActivity: recorder told to panic at >a1", "Control 'p' panicked in AfterMethod", "Control 'p' panicked in BeforeExperiment"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
}

func TestConfigureErrorDropsTheControl(t *testing.T) {
	l := layout{top: ctl("f", `{"fail": true}`, "") + "," + ctl("x", "", "")}
	res := runWith(t, l.experiment(t), nil)
	if res.j.Status != journal.Completed {
		t.Fatalf("status %s", res.j.Status)
	}
	if got := res.ev.of("f"); got != "configure" {
		t.Errorf("f got %q", got)
	}
	if got := hooksOnly(res.ev.of("x")); got != every {
		t.Errorf("x got %s", got)
	}
	if !strings.Contains(res.log.String(), "Control 'f' (module 'rec') could not be configured and is left out of this run: configured to fail") {
		t.Errorf("log:\n%s", res.log.String())
	}
}

func TestFactoryProblemsDropTheControl(t *testing.T) {
	reg := NewRegistry()
	reg.Register("nil", func() Control { return nil })
	reg.Register("boom", func() Control { panic("no") })
	e := load(t, `{"title": "t", "description": "d", "method": [], "controls": [
		{"name": "n", "provider": {"type": "python", "module": "nil"}},
		{"name": "b", "provider": {"type": "python", "module": "boom"}}]}`)
	log := &logBuffer{}
	d := NewDispatcher(e, nil, reg, WithLogger(log.Logger()))
	d.AfterExperiment(d.BeforeExperiment(bg, stepOf(e)), stepOf(e), &journal.Journal{})
	d.Close(bg)
	for _, want := range []string{"Control 'n' (module 'nil') could not be configured and is left out of this run: its factory returned no control",
		"Control 'b' (module 'boom') could not be configured and is left out of this run: panic: no"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, log.String())
		}
	}
}

func TestContextThreading(t *testing.T) {
	l := layout{top: ctl("c1", `{"put": "k1"}`, "") + "," + ctl("c2", `{"see": "k1", "put": "k2"}`, ""), a1: ctl("c3", `{"see": "k2"}`, "")}
	res := runWith(t, l.experiment(t), nil)
	if got := res.ev.of("c2"); !strings.Contains(got, ">a1 saw:c1 <a1 after-saw:c1") {
		t.Errorf("c2 did not see c1's value: %s", got)
	}
	if got := res.ev.of("c3"); !strings.Contains(got, ">a1 saw:c2 <a1 after-saw:c2") {
		t.Errorf("c3 did not see c2's value: %s", got)
	}
}

func TestPauseGoesToEveryControlOfTheActivity(t *testing.T) {
	paused := act("action", "p", "value", "", `, "pauses": {"before": 0.01, "after": 0.01}, "controls": [`+ctl("own", "", `, "scope": "after"`)+`]`)
	e := load(t, `{"title": "t", "description": "d", "controls": [`+ctl("x", "", `, "scope": "before"`)+`], "method": [`+paused+`]}`)
	res := runWith(t, e, nil)
	if got := res.ev.at("~before:p", "~after:p"); got != "x~before:p own~before:p x~after:p own~after:p" {
		t.Errorf("pauses: %s", got)
	}
}

func TestConcurrentBackgroundActivities(t *testing.T) {
	var method []string
	for i := range 8 {
		name := "bg" + string(rune('0'+i))
		method = append(method, act("action", name, "sleep", `{"seconds": 0.02}`, `, "background": true, "controls": [`+ctl("own", `{"tag": "`+name+`"}`, "")+`]`))
	}
	e := load(t, `{"title": "t", "description": "d", "controls": [`+ctl("x", `{"put": "k"}`, "")+`, `+ctl("y", `{"see": "k"}`, "")+`],
		"method": [`+strings.Join(method, ",")+`]}`)
	res := runWith(t, e, nil)
	if len(res.j.Run) != 8 {
		t.Fatalf("%d runs", len(res.j.Run))
	}
	for i := range 8 {
		name := "bg" + string(rune('0'+i))
		if got := hooksOnly(res.ev.of("own/" + name)); got != ">"+name+" <"+name {
			t.Errorf("own/%s got %s", name, got)
		}
		for _, label := range []string{"x", "y"} {
			if got := res.ev.of(label); !strings.Contains(got, ">"+name) || !strings.Contains(got, "<"+name) {
				t.Errorf("%s missed %s: %s", label, name, got)
			}
		}
	}
	if got := res.ev.of("y"); strings.Contains(got, "saw:<nil>") {
		t.Errorf("y did not see x's value everywhere: %s", got)
	}
}

// Hooks called directly, concurrently, with no run: race-free.
func TestDispatcherIsRaceFree(t *testing.T) {
	l := layout{top: ctl("x", `{"put": "k"}`, ""), a1: ctl("a", `{"see": "k"}`, "")}
	e := l.experiment(t)
	ev := &events{}
	reg := NewRegistry()
	reg.Register("rec", func() Control { return &recorder{ev: ev} })
	d := NewDispatcher(e, nil, reg)
	done := make(chan struct{})
	for range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for range 50 {
				s := stepOf(e)
				s.Level, s.Activity = "method", e.Method[0]
				d.AfterActivity(d.BeforeActivity(bg, s), s, &journal.Record{})
			}
		}()
	}
	for range 4 {
		<-done
	}
	d.Close(bg)
	if n := strings.Count(ev.of("a"), ">a1"); n != 200 {
		t.Errorf("a saw %d activities, want 200", n)
	}
	if got := ev.at("configure"); got != "xconfigure aconfigure" {
		t.Errorf("configured %s", got)
	}
}

func stepOf(e *experiment.Experiment) run.Step {
	return run.Step{Experiment: e}
}

// slowCleaner's Cleanup blocks until release is closed.
type slowCleaner struct {
	run.NopHooks
	release chan struct{}
	calls   *atomic.Int32
}

func (c slowCleaner) Cleanup(context.Context) {
	c.calls.Add(1)
	<-c.release
}

func TestCloseIsBoundedByItsContext(t *testing.T) {
	release, calls := make(chan struct{}), &atomic.Int32{}
	reg := NewRegistry()
	reg.Register("slow", func() Control { return slowCleaner{release: release, calls: calls} })
	e := load(t, `{"title": "t", "description": "d", "method": [], "controls": [{"name": "s", "provider": {"type": "python", "module": "slow"}}]}`)
	log := &logBuffer{}
	d := NewDispatcher(e, nil, reg, WithLogger(log.Logger()))
	d.BeforeExperiment(bg, stepOf(e))
	ctx, cancel := context.WithTimeout(bg, 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	d.Close(ctx)
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("Close took %v", took)
	}
	close(release)
	d.Close(bg)
	if n := calls.Load(); n != 1 {
		t.Errorf("Cleanup ran %d times", n)
	}
	if !strings.Contains(log.String(), "Controls did not finish cleaning up in time: context deadline exceeded") {
		t.Errorf("log:\n%s", log.String())
	}
}

// Close without a run configures nothing and cleans up nothing.
func TestCloseBeforeTheRun(t *testing.T) {
	res := &events{}
	reg := NewRegistry()
	reg.Register("rec", func() Control { return &recorder{ev: res} })
	e := layout{top: ctl("x", "", "")}.experiment(t)
	d := NewDispatcher(e, nil, reg)
	d.Close(bg)
	d.BeforeExperiment(bg, stepOf(e))
	if got := res.at("configure", "cleanup", ">E"); got != "" {
		t.Errorf("events after Close: %s", got)
	}
}
