package experiment

import "github.com/chaostracing/chaostracing/value"

// checkRefs resolves every activity "ref": method and hypothesis refs as
// Chaos Toolkit does (by name over the method, then the hypothesis probes;
// later wins), and rollback refs too, which Chaos Toolkit only finds
// missing in the middle of a run.
func (d *decoder) checkRefs(exp *Experiment) {
	index := exp.ActivityIndex()
	check := func(list []*Activity) {
		for _, a := range list {
			if a.Ref == "" {
				continue
			}
			if target, ok := index[a.Ref]; !ok {
				d.ps.Addf(a.Path+".ref", "referenced activity '%s' could not be found in the experiment", a.Ref)
			} else if target.Ref != "" {
				d.ps.Addf(a.Path+".ref", "referenced activity '%s' is itself a reference", a.Ref)
			}
		}
	}
	check(exp.Method)
	check(exp.Rollbacks)
	if exp.Hypothesis != nil {
		check(exp.Hypothesis.Probes)
	}
}

// ActivityIndex maps names to activities over the method, then the
// hypothesis probes, as Chaos Toolkit's ref cache does (later wins;
// rollbacks are not referenced).
func (e *Experiment) ActivityIndex() map[string]*Activity {
	index := map[string]*Activity{}
	add := func(list []*Activity) {
		for _, a := range list {
			if a.Name != "" {
				index[a.Name] = a
			}
		}
	}
	add(e.Method)
	if e.Hypothesis != nil {
		add(e.Hypothesis.Probes)
	}
	return index
}

// Resolve returns the activity a entry stands for: its ref target, or a
// itself.
func (e *Experiment) Resolve(a *Activity) *Activity {
	if a.Ref == "" {
		return a
	}
	index := e.index
	if index == nil { // an experiment built in Go rather than decoded
		index = e.ActivityIndex()
	}
	if t, ok := index[a.Ref]; ok {
		return t
	}
	return a
}

// EachActivity calls fn for every activity entry of the experiment:
// hypothesis probes and the probes they use as tolerances, the method and
// the rollbacks, in document order.
func (e *Experiment) EachActivity(fn func(*Activity)) {
	if e.Hypothesis != nil {
		for _, p := range e.Hypothesis.Probes {
			fn(p)
			if t, ok := p.Tolerance.(*value.Object); ok && t.String("type") == "probe" {
				if a, err := DecodeActivity(t, p.Path+".tolerance"); err == nil {
					fn(a)
				}
			}
		}
	}
	for _, a := range e.Method {
		fn(a)
	}
	for _, a := range e.Rollbacks {
		fn(a)
	}
}
