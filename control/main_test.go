package control

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/chaostracing/chaostracing/internal/testutil"

	"go.uber.org/goleak"

	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/journal"
	"github.com/chaostracing/chaostracing/provider"
	"github.com/chaostracing/chaostracing/run"
	"github.com/chaostracing/chaostracing/value"
)

func TestMain(m *testing.M) {
	os.Setenv("PYTHONDONTWRITEBYTECODE", "1")
	goleak.VerifyTestMain(m)
}

var bg = context.Background()

// scripted runs "python" activities by func name (see testutil.Scripted).
type scripted = testutil.Scripted

// events collects what recorders see, from any goroutine.
type events struct {
	mu   sync.Mutex
	list [][2]string // label, event
}

func (e *events) add(label, event string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.list = append(e.list, [2]string{label, event})
}

// of returns the events of one control, space-separated.
func (e *events) of(label string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for _, x := range e.list {
		if x[0] == label {
			out = append(out, x[1])
		}
	}
	return strings.Join(out, " ")
}

// at returns every control's events for one step, as label+event.
func (e *events) at(events ...string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for _, x := range e.list {
		for _, ev := range events {
			if x[1] == ev {
				out = append(out, x[0]+x[1])
			}
		}
	}
	return strings.Join(out, " ")
}

type ctxKey string

// recorder is a Go control that records each hook as an event: ">E" and
// "<E" for the experiment, H, M and R for hypothesis, method and
// rollbacks, the activity's name for activities, "~name" for pauses.
// Arguments: tag (appended to its label), fail (Configure fails), panic (a
// list of events to panic at, or "all"), put (a context key it sets in
// before hooks), see (a context key whose value it records at activities).
type recorder struct {
	ev    *events
	label string
	args  *value.Object
}

func (r *recorder) Configure(_ context.Context, s Settings) error {
	r.label, r.args = s.Declaration.Name, s.Arguments
	if tag := s.Arguments.String("tag"); tag != "" {
		r.label += "/" + tag
	}
	r.ev.add(r.label, "configure")
	if fail, _ := s.Arguments.Get("fail"); fail == true {
		return errors.New("configured to fail")
	}
	return nil
}

func (r *recorder) Cleanup(context.Context) { r.ev.add(r.label, "cleanup") }

func (r *recorder) maybePanic(event string) {
	v, _ := r.args.Get("panic")
	list, _ := v.([]any)
	for _, x := range list {
		if x == event || x == "all" {
			panic("recorder told to panic at " + event)
		}
	}
}

func (r *recorder) before(ctx context.Context, step string) context.Context {
	r.ev.add(r.label, ">"+step)
	if key := r.args.String("see"); key != "" && len(step) > 1 {
		r.ev.add(r.label, fmt.Sprintf("saw:%v", ctx.Value(ctxKey(key))))
	}
	r.maybePanic(">" + step)
	if key := r.args.String("put"); key != "" {
		ctx = context.WithValue(ctx, ctxKey(key), r.label)
	}
	return ctx
}

func (r *recorder) after(ctx context.Context, step string) {
	r.ev.add(r.label, "<"+step)
	if key := r.args.String("see"); key != "" && len(step) > 1 {
		r.ev.add(r.label, fmt.Sprintf("after-saw:%v", ctx.Value(ctxKey(key))))
	}
	r.maybePanic("<" + step)
}

func (r *recorder) BeforeExperiment(ctx context.Context, _ run.Step) context.Context {
	return r.before(ctx, "E")
}
func (r *recorder) AfterExperiment(ctx context.Context, _ run.Step, _ *journal.Journal) {
	r.after(ctx, "E")
}
func (r *recorder) BeforeHypothesis(ctx context.Context, _ run.Step) context.Context {
	return r.before(ctx, "H")
}
func (r *recorder) AfterHypothesis(ctx context.Context, _ run.Step, _ *journal.Hypothesis) {
	r.after(ctx, "H")
}
func (r *recorder) BeforeMethod(ctx context.Context, _ run.Step) context.Context {
	return r.before(ctx, "M")
}
func (r *recorder) AfterMethod(ctx context.Context, _ run.Step, _ []*journal.Record) {
	r.after(ctx, "M")
}
func (r *recorder) BeforeRollbacks(ctx context.Context, _ run.Step) context.Context {
	return r.before(ctx, "R")
}
func (r *recorder) AfterRollbacks(ctx context.Context, _ run.Step, _ []*journal.Record) {
	r.after(ctx, "R")
}
func (r *recorder) BeforeActivity(ctx context.Context, s run.Step) context.Context {
	return r.before(ctx, s.Activity.Name)
}
func (r *recorder) AfterActivity(ctx context.Context, s run.Step, _ *journal.Record) {
	r.after(ctx, s.Activity.Name)
}
func (r *recorder) Pause(_ context.Context, s run.Step, which string, _ float64) {
	r.ev.add(r.label, "~"+which+":"+s.Activity.Name)
}

// logBuffer collects log records written from any goroutine.
type logBuffer = testutil.LogBuffer

// ctl declares a recorder control; extra adds members, e.g. `, "scope": "before"`.
func ctl(name, args, extra string) string {
	if args == "" {
		args = "{}"
	}
	return fmt.Sprintf(`{"name": %q, "provider": {"type": "python", "module": "rec", "arguments": %s}%s}`, name, args, extra)
}

func act(typ, name, fn, args, extra string) string {
	if args == "" {
		args = "{}"
	}
	return fmt.Sprintf(`{"type": %q, "name": %q, "provider": {"type": "python", "module": "m", "func": %q, "arguments": %s}%s}`, typ, name, fn, args, extra)
}

// layout places controls in the test experiment: hypothesis probe "ok",
// method "a1", "a2", rollback "rb". Each field is a comma-separated list
// of control declarations.
type layout struct {
	top, hyp, ok, a1 string
}

func (l layout) experiment(t testing.TB) *experiment.Experiment {
	t.Helper()
	list := func(s string) string { return `, "controls": [` + s + `]` }
	probe := act("probe", "ok", "value", `{"value": 1}`, `, "tolerance": 1`+list(l.ok))
	doc := `{"title": "t", "description": "d"` + list(l.top) +
		`, "steady-state-hypothesis": {"title": "h", "probes": [` + probe + `]` + list(l.hyp) + `}` +
		`, "method": [` + act("action", "a1", "value", `{"value": "x"}`, list(l.a1)) + `, ` + act("action", "a2", "value", "", "") + `]` +
		`, "rollbacks": [` + act("action", "rb", "value", "", "") + `]}`
	return load(t, doc)
}

func load(t testing.TB, doc string) *experiment.Experiment {
	t.Helper()
	e, err := experiment.Load("t.json", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// result is what a test run leaves.
type result struct {
	j   *journal.Journal
	ev  *events
	log *logBuffer
}

// runWith runs e with the recorder registered as module "rec", the given
// global controls and the scripted provider, then closes the Dispatcher.
func runWith(t testing.TB, e *experiment.Experiment, global []*experiment.Control, opts ...Option) result {
	t.Helper()
	res := result{ev: &events{}, log: &logBuffer{}}
	reg := NewRegistry()
	reg.Register("rec", func() Control { return &recorder{ev: res.ev} })
	d := NewDispatcher(e, global, reg, append([]Option{WithLogger(res.log.Logger())}, opts...)...)
	providers := provider.NewRegistry()
	providers.Register("python", &scripted{})
	j, err := (&run.Runner{Providers: providers, Hooks: d, Log: res.log.Logger()}).Run(bg, nil, e, run.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d.Close(bg)
	res.j = j
	return res
}

func needPython(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Fatal("python3 is not installed: the tests need it (Debian: apt-get install python3, as .ci/run does)")
	}
}
