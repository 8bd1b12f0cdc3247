package control

import (
	"bytes"

	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/run"
	"github.com/chaostracing/chaostracing/value"
)

// instance is one control of a run, made once from its declaration and
// shared by every step it applies to.
type instance struct {
	decl    *experiment.Control
	global  bool
	factory Factory        // the Go implementation, if any
	py      *pythonControl // set instead when the module has none
	ctl     Control        // made at configuration
	// active is set once the control is configured; it is written before
	// any hook is dispatched (under the Dispatcher's sync.Once) and only
	// read afterwards.
	active bool
}

// hookList holds the controls that apply to one step, in call order:
// those whose before hooks run, those whose after hooks run, and all of
// them (for Pause).
type hookList struct {
	before, after, all []*instance
}

// Activity levels, indexing plan.levels.
const (
	levelHypothesis = iota
	levelMethod
	levelRollbacks
	levelCount
)

// actKey identifies an activity at a level: the same activity (through a
// ref) can run in the hypothesis and in the method with different
// controls.
type actKey struct {
	level int
	a     *experiment.Activity
}

// plan holds the applicable controls of every step of one experiment,
// computed once so that dispatching a hook allocates nothing. It is
// read-only once built.
type plan struct {
	instances  []*instance // in declaration order: globals, then the experiment's
	experiment hookList
	levels     [levelCount]hookList              // hypothesis, method and rollbacks hooks
	bases      [levelCount][]*experiment.Control // what activities at each level inherit
	activities map[actKey]hookList               // activities with controls of their own
	b          *builder
}

// builder makes a plan, creating one instance per distinct control.
type builder struct {
	top        map[string]*experiment.Control
	globals    map[*experiment.Control]bool
	byKey      map[string]*instance
	order      []*instance
	newControl func(*experiment.Control) (Factory, *pythonControl)
}

// newPlan computes the applicable controls of each step: see the package
// documentation for the rules.
func newPlan(exp *experiment.Experiment, global []*experiment.Control, newControl func(*experiment.Control) (Factory, *pythonControl)) *plan {
	b := &builder{top: map[string]*experiment.Control{}, globals: map[*experiment.Control]bool{}, byKey: map[string]*instance{}, newControl: newControl}
	for _, c := range exp.Controls {
		if c.Ref == "" {
			b.top[c.Name] = c
		}
	}
	for _, c := range global {
		b.globals[c] = true
	}
	p := &plan{activities: map[actKey]hookList{}, b: b}
	topAuto, globalAuto := automatic(exp.Controls), automatic(global)
	p.experiment = b.list(global, exp.Controls)
	p.bases[levelMethod] = b.merge(globalAuto, topAuto)
	p.bases[levelRollbacks] = p.bases[levelMethod]
	p.bases[levelHypothesis] = p.bases[levelMethod]
	if exp.Hypothesis != nil {
		p.bases[levelHypothesis] = b.merge(globalAuto, topAuto, exp.Hypothesis.Controls)
	}
	for lvl := range p.levels {
		p.levels[lvl] = b.list(p.bases[lvl])
	}
	p.addActivities(exp)
	p.instances = b.order
	return p
}

// addActivities computes the lists of the activities that declare
// controls, at each level they run at (a ref runs its target).
func (p *plan) addActivities(exp *experiment.Experiment) {
	index := exp.ActivityIndex()
	add := func(level int, list []*experiment.Activity) {
		for _, entry := range list {
			a := entry
			if t, ok := index[entry.Ref]; ok && entry.Ref != "" {
				a = t
			}
			if len(a.Controls) > 0 {
				p.activities[actKey{level, a}] = p.b.list(p.bases[level], a.Controls)
			}
		}
	}
	if exp.Hypothesis != nil {
		add(levelHypothesis, exp.Hypothesis.Probes)
	}
	add(levelMethod, exp.Method)
	add(levelRollbacks, exp.Rollbacks)
}

// activity returns the controls of an activity hook. An activity the plan
// does not know (not from this experiment) gets its list computed anew.
func (p *plan) activity(level string, a *experiment.Activity) hookList {
	lvl := levelIndex(level)
	if l, ok := p.activities[actKey{lvl, a}]; ok {
		return l
	}
	if a == nil || len(a.Controls) == 0 {
		return p.levels[lvl]
	}
	return p.b.list(p.bases[lvl], a.Controls)
}

func levelIndex(level string) int {
	switch level {
	case run.LevelHypothesis:
		return levelHypothesis
	case run.LevelRollbacks:
		return levelRollbacks
	}
	return levelMethod
}

// automatic keeps the declarations that apply below the experiment level.
func automatic(list []*experiment.Control) []*experiment.Control {
	var out []*experiment.Control
	for _, c := range list {
		if c.Automatic && c.Ref == "" {
			out = append(out, c)
		}
	}
	return out
}

// merge concatenates levels of declarations, higher levels first, refs
// resolved. A declaration replaces an earlier one of the same name, taking
// its own place in the order, so each name appears once.
func (b *builder) merge(levels ...[]*experiment.Control) []*experiment.Control {
	var out []*experiment.Control
	for _, list := range levels {
		for _, c := range list {
			d := b.resolve(c)
			if d == nil {
				continue
			}
			out = append(removeNamed(out, d.Name), d)
		}
	}
	return out
}

// resolve returns the declaration c stands for: the experiment-level one
// it references, or itself. Declarations that cannot run (an unknown ref,
// no module), which validation reports, give nil.
func (b *builder) resolve(c *experiment.Control) *experiment.Control {
	if c.Ref != "" {
		c = b.top[c.Ref]
	}
	if c == nil || c.Module() == "" {
		return nil
	}
	return c
}

func removeNamed(list []*experiment.Control, name string) []*experiment.Control {
	for i, c := range list {
		if c.Name == name {
			return append(list[:i], list[i+1:]...)
		}
	}
	return list
}

// list merges levels and turns the declarations into a hookList.
func (b *builder) list(levels ...[]*experiment.Control) hookList {
	var l hookList
	for _, d := range b.merge(levels...) {
		in := b.instance(d)
		l.all = append(l.all, in)
		if d.Scope != "after" {
			l.before = append(l.before, in)
		}
		if d.Scope != "before" {
			l.after = append(l.after, in)
		}
	}
	return l
}

// instance returns the instance of declaration d, made on first use.
// Declarations with the same name and provider share one instance, so a
// control repeated on several activities is configured once.
func (b *builder) instance(d *experiment.Control) *instance {
	key := instanceKey(d)
	if in, ok := b.byKey[key]; ok {
		return in
	}
	in := &instance{decl: d, global: b.globals[d]}
	in.factory, in.py = b.newControl(d)
	b.byKey[key] = in
	b.order = append(b.order, in)
	return in
}

// instanceKey identifies a control: its name, module and arguments.
func instanceKey(d *experiment.Control) string {
	var buf bytes.Buffer
	buf.WriteString(d.Name)
	buf.WriteByte(0)
	buf.WriteString(d.Module())
	buf.WriteByte(0)
	if args, ok := d.Provider.Get("arguments"); ok {
		_ = value.Encode(&buf, args, "")
	}
	return buf.String()
}
