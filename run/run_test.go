package run

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chaostracing/chaostracing/internal/testutil"

	"go.uber.org/goleak"

	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/journal"
	"github.com/chaostracing/chaostracing/provider"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// scripted runs "python" activities by func name (see testutil.Scripted).
type scripted = testutil.Scripted

func act(typ, name, fn string, args string) string {
	if args == "" {
		args = "{}"
	}
	return fmt.Sprintf(`{"type": %q, "name": %q, "provider": {"type": "python", "module": "m", "func": %q, "arguments": %s}}`, typ, name, fn, args)
}

func probe(name, fn, args, tol string) string {
	a := act("probe", name, fn, args)
	return a[:len(a)-1] + `, "tolerance": ` + tol + "}"
}

func exp(t *testing.T, hypothesis []string, method []string, rollbacks []string, extra string) *experiment.Experiment {
	t.Helper()
	doc := `{"title": "t ${who}", "description": "d", "configuration": {"who": "me"}` + extra
	if hypothesis != nil {
		doc += `, "steady-state-hypothesis": {"title": "h", "probes": [` + strings.Join(hypothesis, ",") + `]}`
	}
	doc += `, "method": [` + strings.Join(method, ",") + `]`
	doc += `, "rollbacks": [` + strings.Join(rollbacks, ",") + `]}`
	e, err := experiment.Load("t.json", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// runIt runs e with the scripted provider, and checks when the test ends
// that the run left no goroutine behind (background activities, the
// continuous hypothesis, timers).
func runIt(t *testing.T, e *experiment.Experiment, opts Options) (*journal.Journal, *scripted) {
	t.Helper()
	t.Cleanup(func() { goleak.VerifyNone(t) })
	s := &scripted{}
	reg := provider.NewRegistry()
	reg.Register("python", s)
	r := &Runner{Providers: reg, Version: "test"}
	j, err := r.Run(context.Background(), nil, e, opts)
	if err != nil {
		t.Fatal(err)
	}
	return j, s
}

var (
	okProbe    = probe("ok", "value", `{"value": 1}`, "1")
	missProbe  = probe("miss", "value", `{"value": 2}`, "1")
	failProbe  = probe("broken", "fail", "", "1")
	action1    = act("action", "a1", "value", `{"value": "x"}`)
	action2    = act("action", "a2", "value", `{"value": "y"}`)
	failAction = act("action", "bad", "fail", "")
	rollback   = act("action", "rb", "value", `{"value": "r"}`)
)

func TestRunFlowStatuses(t *testing.T) {
	tests := []struct {
		name       string
		hypothesis []string
		method     []string
		opts       Options
		status     string
		deviated   bool
		calls      string
		before     string // "met", "missed" or "" for none
		after      string
		rollbacks  int
		exit       int
	}{
		{"normal", []string{okProbe}, []string{action1, action2}, Options{}, journal.Completed, false, "ok,a1,a2,ok,rb", "met", "met", 1, 0},
		{"no hypothesis", nil, []string{action1}, Options{}, journal.Completed, false, "a1,rb", "", "", 1, 0},
		{"before missed: method skipped, rollbacks run, completed", []string{missProbe}, []string{action1}, Options{}, journal.Completed, false, "miss,rb", "missed", "", 1, 0},
		{"before probe fails: failed, no rollbacks", []string{failProbe}, []string{action1}, Options{}, journal.Failed, false, "broken", "missed", "", 0, 1},
		{"failed method activity does not fail the run", []string{okProbe}, []string{failAction, action1}, Options{}, journal.Completed, false, "ok,bad,a1,ok,rb", "met", "met", 1, 0},
		{"before-method-only", []string{okProbe}, []string{action1}, Options{HypothesisStrategy: StrategyBeforeMethodOnly}, journal.Completed, false, "ok,a1,rb", "met", "", 1, 0},
		{"after-method-only", []string{okProbe}, []string{action1}, Options{HypothesisStrategy: StrategyAfterMethodOnly}, journal.Completed, false, "a1,ok,rb", "", "met", 1, 0},
		{"skip", []string{okProbe}, []string{action1}, Options{HypothesisStrategy: StrategySkip}, journal.Completed, false, "a1,rb", "", "", 1, 0},
		{"rollbacks never", []string{okProbe}, []string{action1}, Options{RollbackStrategy: RollbacksNever}, journal.Completed, false, "ok,a1,ok", "met", "met", 0, 0},
		{"rollbacks deviated, not deviated", []string{okProbe}, []string{action1}, Options{RollbackStrategy: RollbacksDeviated}, journal.Completed, false, "ok,a1,ok", "met", "met", 0, 0},
		{"rollbacks always after failure", []string{failProbe}, []string{action1}, Options{RollbackStrategy: RollbacksAlways}, journal.Failed, false, "broken,rb", "missed", "", 1, 1},
		{"dry activities", []string{okProbe}, []string{action1}, Options{Dry: DryActivities}, journal.Completed, false, "", "met", "met", 1, 0},
		{"dry probes", []string{missProbe}, []string{action1}, Options{Dry: DryProbes}, journal.Completed, false, "a1,rb", "met", "met", 1, 0},
		{"dry actions", []string{okProbe}, []string{action1}, Options{Dry: DryActions}, journal.Completed, false, "ok,ok", "met", "met", 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j, s := runIt(t, exp(t, tt.hypothesis, tt.method, []string{rollback}, ""), tt.opts)
			if j.Status != tt.status || j.Deviated != tt.deviated {
				t.Errorf("status %s deviated %v, want %s %v", j.Status, j.Deviated, tt.status, tt.deviated)
			}
			if got := s.Order(); got != tt.calls {
				t.Errorf("calls %q, want %q", got, tt.calls)
			}
			if got := verdict(j.SteadyStates.Before); got != tt.before {
				t.Errorf("before = %q, want %q", got, tt.before)
			}
			if got := verdict(j.SteadyStates.After); got != tt.after {
				t.Errorf("after = %q, want %q", got, tt.after)
			}
			if len(j.Rollbacks) != tt.rollbacks {
				t.Errorf("%d rollbacks, want %d", len(j.Rollbacks), tt.rollbacks)
			}
			if ExitCode(j) != tt.exit {
				t.Errorf("exit %d, want %d", ExitCode(j), tt.exit)
			}
		})
	}
}

func verdict(h *journal.Hypothesis) string {
	switch {
	case h == nil:
		return ""
	case h.Met:
		return "met"
	}
	return "missed"
}

// A hypothesis that holds before but not after: deviated, still
// completed, rollbacks run (strategy deviated too), exit 1.
func TestDeviatedRun(t *testing.T) {
	flip := probe("flip", "count", "", "1") // 1 on the first call, then more
	for _, strategy := range []string{RollbacksDefault, RollbacksDeviated} {
		j, _ := runIt(t, exp(t, []string{flip}, []string{action1}, []string{rollback}, ""), Options{RollbackStrategy: strategy})
		if j.Status != journal.Completed || !j.Deviated || len(j.Rollbacks) != 1 || ExitCode(j) != 1 {
			t.Errorf("%s: status %s deviated %v rollbacks %d", strategy, j.Status, j.Deviated, len(j.Rollbacks))
		}
		if met := j.SteadyStates.After.Probes[0].ToleranceMet; met == nil || *met {
			t.Errorf("after probe tolerance_met = %v", met)
		}
	}
}

func TestJournalRecords(t *testing.T) {
	e := exp(t, []string{okProbe}, []string{failAction, `{"ref": "ok"}`}, []string{rollback}, "")
	j, _ := runIt(t, e, Options{})
	if j.Experiment.String("title") != "t me" {
		t.Errorf("journal title %q, want substituted", j.Experiment.String("title"))
	}
	if dry, ok := j.Experiment.Get("dry"); !ok || dry != nil {
		t.Errorf("journal experiment dry = %v, %v", dry, ok)
	}
	bad := j.Run[0]
	if bad.Status != journal.ActivityFailed || bad.Output != nil || len(bad.Exception) == 0 ||
		bad.Exception[len(bad.Exception)-1] != "chaoslib.exceptions.ActivityFailed: boom\n" {
		t.Errorf("failed record %+v", bad)
	}
	ref := j.Run[1]
	if ref.Activity.String("name") != "ok" || ref.Output != int64(1) || ref.ToleranceMet != nil {
		t.Errorf("ref record %+v", ref)
	}
	if !ref.Start.After(bad.Start) || ref.End.Before(ref.Start) || ref.Duration < 0 {
		t.Errorf("timing %v %v %v", ref.Start, ref.End, ref.Duration)
	}
	probeRec := j.SteadyStates.Before.Probes[0]
	if probeRec.ToleranceMet == nil || !*probeRec.ToleranceMet {
		t.Error("probe record lacks tolerance_met")
	}
}

func TestBackgroundActivitiesRunConcurrentlyAndAreAwaited(t *testing.T) {
	bg := func(name string) string {
		a := act("action", name, "sleep", `{"seconds": 0.3}`)
		return a[:len(a)-1] + `, "background": true}`
	}
	j, _ := runIt(t, exp(t, nil, []string{bg("b1"), bg("b2"), action1}, nil, ""), Options{})
	if len(j.Run) != 3 || j.Run[0].Activity.String("name") != "b1" || j.Run[2].Activity.String("name") != "a1" {
		t.Fatalf("records %v", names(j.Run))
	}
	b1, b2, a1 := j.Run[0], j.Run[1], j.Run[2]
	if !b2.Start.Before(b1.End) || !a1.Start.Before(b1.End) {
		t.Errorf("background activities did not overlap: b1 %v-%v, b2 starts %v, a1 starts %v", b1.Start, b1.End, b2.Start, a1.Start)
	}
	if j.End.Before(b1.End) || j.End.Before(b2.End) {
		t.Error("the run ended before its background activities")
	}
	for _, r := range j.Run {
		if r.Status != journal.Succeeded {
			t.Errorf("%s status %q", r.Activity.String("name"), r.Status)
		}
	}
}

func names(rs []*journal.Record) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Activity.String("name")
	}
	return out
}

func TestPausesAreHonouredAndSkippedWhenDry(t *testing.T) {
	paused := act("action", "p", "value", `{"value": 1}`)
	paused = paused[:len(paused)-1] + `, "pauses": {"before": 0.1, "after": "${gap}"}}`
	e := exp(t, nil, []string{paused}, nil, `, "secrets": {"s": {"gap": 0.15}}`)
	start := time.Now()
	j, _ := runIt(t, e, Options{})
	if d := time.Since(start); d < 250*time.Millisecond {
		t.Errorf("pauses took %v, want >= 250ms", d)
	}
	if j.Run[0].Duration > 0.1 {
		t.Errorf("record duration %v includes pauses", j.Run[0].Duration)
	}
	start = time.Now()
	runIt(t, e, Options{Dry: DryPause})
	if d := time.Since(start); d > 100*time.Millisecond {
		t.Errorf("dry pause run took %v", d)
	}
}

func TestContinuousHypothesis(t *testing.T) {
	long := act("action", "long", "sleep", `{"seconds": 1}`)
	j, _ := runIt(t, exp(t, []string{okProbe}, []string{long}, nil, ""), Options{HypothesisStrategy: StrategyContinuously, HypothesisFrequency: 100 * time.Millisecond})
	if n := len(j.SteadyStates.During); n < 2 || n > 11 {
		t.Errorf("%d continuous checks in 1 s at 0.1 s", n)
	}
	if j.SteadyStates.Before == nil || j.SteadyStates.After == nil || j.Status != journal.Completed {
		t.Errorf("continuously: before %v after %v status %s", j.SteadyStates.Before, j.SteadyStates.After, j.Status)
	}
	j, _ = runIt(t, exp(t, []string{okProbe}, []string{long}, nil, ""), Options{HypothesisStrategy: StrategyDuringMethodOnly, HypothesisFrequency: 100 * time.Millisecond})
	if j.SteadyStates.Before != nil || j.SteadyStates.After != nil || len(j.SteadyStates.During) == 0 {
		t.Errorf("during-method-only: before %v after %v during %d", j.SteadyStates.Before, j.SteadyStates.After, len(j.SteadyStates.During))
	}
}

// A deviation during the method never sets deviated; with fail-fast it
// fails the run and stops the method.
func TestContinuousFailFast(t *testing.T) {
	flip := probe("flip", "count", "", "[1, 1, 1]") // met only on the first call
	steps := []string{act("action", "s1", "sleep", `{"seconds": 0.2}`), act("action", "s2", "sleep", `{"seconds": 0.2}`), act("action", "s3", "sleep", `{"seconds": 0.2}`)}
	j, _ := runIt(t, exp(t, []string{flip}, steps, nil, ""), Options{HypothesisStrategy: StrategyDuringMethodOnly, HypothesisFrequency: 50 * time.Millisecond})
	if j.Status != journal.Completed || j.Deviated {
		t.Errorf("without fail-fast: status %s deviated %v", j.Status, j.Deviated)
	}
	j, _ = runIt(t, exp(t, []string{flip}, steps, nil, ""), Options{HypothesisStrategy: StrategyDuringMethodOnly, HypothesisFrequency: 50 * time.Millisecond, FailFast: true})
	if j.Status != journal.Failed || len(j.Run) == 3 {
		t.Errorf("fail-fast: status %s, %d method records", j.Status, len(j.Run))
	}
}

func TestInterruptStopsTheRunAndRollbacksFollowStrategy(t *testing.T) {
	long := act("action", "long", "sleep", `{"seconds": 5}`)
	for _, tt := range []struct {
		strategy  string
		rollbacks int
	}{{RollbacksDefault, 0}, {RollbacksAlways, 1}} {
		s := &scripted{}
		reg := provider.NewRegistry()
		reg.Register("python", s)
		r := &Runner{Providers: reg}
		ctx, cancel := context.WithCancelCause(context.Background())
		time.AfterFunc(150*time.Millisecond, func() { cancel(ErrInterrupted) })
		start := time.Now()
		j, err := r.Run(ctx, nil, exp(t, []string{okProbe}, []string{long, action1}, []string{rollback}, ""), Options{RollbackStrategy: tt.strategy})
		if err != nil {
			t.Fatal(err)
		}
		if time.Since(start) > 2*time.Second {
			t.Errorf("interrupt took %v", time.Since(start))
		}
		if j.Status != journal.Interrupted || ExitCode(j) != 1 {
			t.Errorf("status %s", j.Status)
		}
		if len(j.Run) != 1 || j.Run[0].Status != "" || j.Run[0].Output != nil {
			t.Errorf("interrupted record %+v", j.Run)
		}
		if _, has := j.Run[0].Value().Get("status"); has {
			t.Error("interrupted record has a status key")
		}
		if len(j.Rollbacks) != tt.rollbacks || j.SteadyStates.After != nil {
			t.Errorf("%s: %d rollbacks, after %v", tt.strategy, len(j.Rollbacks), j.SteadyStates.After)
		}
	}
}

func TestActivityTimeoutBoundsTheProvider(t *testing.T) {
	slow := act("action", "slow", "sleep", `{"seconds": 5}`)
	slow = slow[:len(slow)-1] + `, "timeout": 0.2}`
	start := time.Now()
	j, _ := runIt(t, exp(t, nil, []string{slow}, nil, ""), Options{})
	if time.Since(start) > 2*time.Second {
		t.Errorf("timeout not honoured: %v", time.Since(start))
	}
	rec := j.Run[0]
	if rec.Status != journal.ActivityFailed || !strings.Contains(strings.Join(rec.Exception, ""), "timeout of 0.2s") {
		t.Errorf("record %+v", rec)
	}
	if j.Status != journal.Completed {
		t.Errorf("status %s", j.Status)
	}
}

func TestToleranceEvaluationErrorMissesWithoutCrashing(t *testing.T) {
	rx := probe("rx", "value", `{"value": 5}`, `{"type": "regex", "pattern": "x"}`)
	j, _ := runIt(t, exp(t, []string{rx}, []string{action1}, nil, ""), Options{})
	if j.SteadyStates.Before.Met || j.Status != journal.Completed || len(j.Run) != 0 {
		t.Errorf("status %s met %v runs %d", j.Status, j.SteadyStates.Before.Met, len(j.Run))
	}
}

func TestProbeTolerance(t *testing.T) {
	tolProbe := `{"type": "probe", "name": "check", "provider": {"type": "python", "module": "m", "func": "value", "arguments": {}}}`
	p := probe("p", "value", `{"value": true}`, tolProbe)
	j, s := runIt(t, exp(t, []string{p}, nil, nil, ""), Options{HypothesisStrategy: StrategyBeforeMethodOnly})
	if !j.SteadyStates.Before.Met || s.Order() != "p,check" {
		t.Errorf("met %v calls %s", j.SteadyStates.Before.Met, s.Order())
	}
}

func TestUnresolvableConfigurationStopsBeforeTheRun(t *testing.T) {
	e := exp(t, nil, []string{action1}, nil, `, "secrets": {"s": {"k": {"type": "env", "key": "CHAOSTRACING_SURELY_UNSET"}}}`)
	reg := provider.NewRegistry()
	reg.Register("python", &scripted{})
	_, err := (&Runner{Providers: reg}).Run(context.Background(), nil, e, Options{})
	if err == nil || !strings.Contains(err.Error(), "CHAOSTRACING_SURELY_UNSET") {
		t.Errorf("err = %v", err)
	}
}

// recordingHooks checks that hooks nest and see every step.
type recordingHooks struct {
	NopHooks
	mu     sync.Mutex
	events []string
}

func (h *recordingHooks) add(s string) { h.mu.Lock(); h.events = append(h.events, s); h.mu.Unlock() }
func (h *recordingHooks) BeforeExperiment(ctx context.Context, _ Step) context.Context {
	h.add("experiment{")
	return ctx
}
func (h *recordingHooks) AfterExperiment(context.Context, Step, *journal.Journal) { h.add("}") }
func (h *recordingHooks) BeforeHypothesis(ctx context.Context, s Step) context.Context {
	h.add("hyp:" + s.Phase + "{")
	return ctx
}
func (h *recordingHooks) AfterHypothesis(context.Context, Step, *journal.Hypothesis) { h.add("}") }
func (h *recordingHooks) BeforeMethod(ctx context.Context, _ Step) context.Context {
	h.add("method{")
	return ctx
}
func (h *recordingHooks) AfterMethod(context.Context, Step, []*journal.Record) { h.add("}") }
func (h *recordingHooks) BeforeRollbacks(ctx context.Context, _ Step) context.Context {
	h.add("rollbacks{")
	return ctx
}
func (h *recordingHooks) AfterRollbacks(context.Context, Step, []*journal.Record) { h.add("}") }
func (h *recordingHooks) BeforeActivity(ctx context.Context, s Step) context.Context {
	h.add(s.Activity.Name + "{")
	return ctx
}
func (h *recordingHooks) AfterActivity(context.Context, Step, *journal.Record) { h.add("}") }

func TestHooksWrapEveryStep(t *testing.T) {
	hooks := &recordingHooks{}
	reg := provider.NewRegistry()
	reg.Register("python", &scripted{})
	r := &Runner{Providers: reg, Hooks: hooks}
	if _, err := r.Run(context.Background(), nil, exp(t, []string{okProbe}, []string{action1}, []string{rollback}, ""), Options{}); err != nil {
		t.Fatal(err)
	}
	want := "experiment{ hyp:before{ ok{ } } method{ a1{ } } hyp:after{ ok{ } } rollbacks{ rb{ } } }"
	if got := strings.Join(hooks.events, " "); got != want {
		t.Errorf("hooks\n got %s\nwant %s", got, want)
	}
}

func TestInterruptDuringRollbacksStopsThem(t *testing.T) {
	slow := act("action", "slow-rb", "sleep", `{"seconds": 5}`)
	reg := provider.NewRegistry()
	reg.Register("python", &scripted{})
	r := &Runner{Providers: reg}
	ctx, cancel := context.WithCancelCause(context.Background())
	time.AfterFunc(200*time.Millisecond, func() { cancel(ErrInterrupted) })
	start := time.Now()
	j, err := r.Run(ctx, nil, exp(t, nil, []string{action1}, []string{slow, rollback}, ""), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if time.Since(start) > 2*time.Second || j.Status != journal.Interrupted || len(j.Rollbacks) != 1 || j.Rollbacks[0].Status != "" {
		t.Errorf("took %v, status %s, rollbacks %v", time.Since(start), j.Status, names(j.Rollbacks))
	}
}

func TestNoRollbacksInterruption(t *testing.T) {
	long := act("action", "long", "sleep", `{"seconds": 5}`)
	reg := provider.NewRegistry()
	reg.Register("python", &scripted{})
	r := &Runner{Providers: reg}
	ctx, cancel := context.WithCancelCause(context.Background())
	time.AfterFunc(100*time.Millisecond, func() { cancel(ErrNoRollbacks) })
	j, err := r.Run(ctx, nil, exp(t, nil, []string{long}, []string{rollback}, ""), Options{RollbackStrategy: RollbacksAlways})
	if err != nil {
		t.Fatal(err)
	}
	if j.Status != journal.Interrupted || len(j.Rollbacks) != 0 {
		t.Errorf("status %s, rollbacks %v", j.Status, names(j.Rollbacks))
	}
}

func TestChainCallsEveryHooksInOrder(t *testing.T) {
	a, b := &recordingHooks{}, &recordingHooks{}
	reg := provider.NewRegistry()
	reg.Register("python", &scripted{})
	r := &Runner{Providers: reg, Hooks: Chain(a, b)}
	if _, err := r.Run(context.Background(), nil, exp(t, []string{okProbe}, []string{action1}, nil, ""), Options{}); err != nil {
		t.Fatal(err)
	}
	if strings.Join(a.events, " ") != strings.Join(b.events, " ") || len(a.events) < 10 {
		t.Errorf("chained hooks saw %v and %v", a.events, b.events)
	}
}
