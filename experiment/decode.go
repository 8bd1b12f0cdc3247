package experiment

import (
	"github.com/chaostracing/chaostracing/schema"
	"github.com/chaostracing/chaostracing/tolerance"
	"github.com/chaostracing/chaostracing/value"
)

// Strategies accepted in runtime blocks and on the command line.
var (
	RollbackStrategies   = []string{"default", "always", "never", "deviated"}
	HypothesisStrategies = []string{"default", "before-method-only", "after-method-only", "during-method-only", "continuously", "continously", "skip"}
	DryModes             = []string{"probes", "actions", "activities", "pause"}
)

// Option changes how an experiment is read (LoadSource) or validated
// (Decode).
type Option func(*options)

type options struct {
	providerTypes map[string]bool
	read          readOptions
}

func newOptions(opts []Option) options {
	o := options{providerTypes: map[string]bool{"process": true, "http": true, "python": true}}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// WithProviderTypes sets the provider types activities may use; the
// default is process, http and python.
func WithProviderTypes(types ...string) Option {
	return func(o *options) {
		o.providerTypes = map[string]bool{}
		for _, t := range types {
			o.providerTypes[t] = true
		}
	}
}

// Decode checks doc against every rule of the experiment format, the
// published JSON Schema's included (see checkSchema), and returns the typed
// experiment, or an *InvalidError listing every problem with its location.
// When doc is an object, the experiment is returned even with problems,
// holding them in Problems, so that later checks can report theirs
// alongside; it must not be run.
func Decode(doc any, source string, pos value.Positions, opts ...Option) (*Experiment, error) {
	d := &decoder{opts: newOptions(opts), ps: &Problems{Positions: pos}}
	root, ok := doc.(*value.Object)
	if !ok || root.Len() == 0 {
		d.ps.Addf("$", "an empty experiment is not an experiment (the document must be a non-empty object)")
		return nil, d.ps.Err(source)
	}
	exp := d.experiment(root)
	exp.Source, exp.Positions = source, pos
	d.checkRefs(exp)
	d.checkSchema(root)
	exp.index = exp.ActivityIndex()
	exp.Problems = d.ps.List
	return exp, d.ps.Err(source)
}

type decoder struct {
	opts options
	ps   *Problems
}

// checkSchema adds the violations of the published JSON Schema that the
// decoder has not reported already, at the same path or inside it, so that
// one mistake gives one message: the decoder's, which is the more precise.
func (d *decoder) checkSchema(root *value.Object) {
	decoded := len(d.ps.List)
	for _, v := range schema.Validate(root) {
		if !Covers(d.ps.List[:decoded], v.Path) {
			d.ps.Addf(v.Path, "%s", v.Msg)
		}
	}
}

func (d *decoder) experiment(root *value.Object) *Experiment {
	f := fields{ps: d.ps, obj: root, path: "$"}
	exp := &Experiment{
		Doc:           root,
		Title:         f.str("title", true, "an experiment"),
		Description:   f.str("description", true, "an experiment"),
		Configuration: f.object("configuration"),
		Secrets:       f.object("secrets"),
	}
	exp.Tags = d.tags(f)
	d.extensions(f)
	d.configuration(exp.Configuration, f.at("configuration"))
	d.secrets(exp.Secrets, f.at("secrets"))
	exp.Controls = d.controls(f, nil)
	if h := f.object("steady-state-hypothesis"); h != nil {
		exp.Hypothesis = d.hypothesis(h, f.at("steady-state-hypothesis"), exp.Controls)
	}
	if !root.Has("method") {
		d.ps.Addf("$", "an experiment requires a method, which can be empty for only checking the steady state hypothesis")
	}
	exp.Method = d.activities(f, "method", exp.Controls)
	exp.Rollbacks = d.activities(f, "rollbacks", exp.Controls)
	exp.Runtime = d.runtime(f)
	return exp
}

func (d *decoder) tags(f fields) []string {
	list, _ := f.list("tags")
	tags := make([]string, 0, len(list))
	for i, t := range list {
		s, ok := t.(string)
		if !ok || s == "" {
			d.ps.Addf(value.Index(f.at("tags"), i), "experiment tags must be a non-empty string")
			continue
		}
		tags = append(tags, s)
	}
	return tags
}

func (d *decoder) extensions(f fields) {
	list, _ := f.list("extensions")
	for i, e := range list {
		at := value.Index(f.at("extensions"), i)
		o, ok := e.(*value.Object)
		if !ok {
			d.ps.Addf(at, "an extension must be an object, not %s", article(e))
			continue
		}
		fields{ps: d.ps, obj: o, path: at}.str("name", true, "an extension")
	}
}

func (d *decoder) runtime(f fields) Runtime {
	rt := f.object("runtime")
	if rt == nil {
		return Runtime{}
	}
	r := Runtime{Present: true}
	at := f.at("runtime")
	if rb := (fields{ps: d.ps, obj: rt, path: at}).object("rollbacks"); rb != nil {
		r.RollbackStrategy = fields{ps: d.ps, obj: rb, path: value.Key(at, "rollbacks")}.oneOf("strategy", RollbackStrategies...)
	}
	if h := (fields{ps: d.ps, obj: rt, path: at}).object("hypothesis"); h != nil {
		r.HypothesisStrategy = fields{ps: d.ps, obj: h, path: value.Key(at, "hypothesis")}.oneOf("strategy", HypothesisStrategies...)
	}
	return r
}

func (d *decoder) hypothesis(h *value.Object, at string, top []*Control) *Hypothesis {
	f := fields{ps: d.ps, obj: h, path: at}
	hyp := &Hypothesis{Doc: h, Title: f.str("title", true, "a hypothesis")}
	hyp.Controls = d.controls(f, top)
	hyp.Probes = d.activities(f, "probes", top)
	for _, p := range hyp.Probes {
		if !p.HasTolerance {
			d.ps.Addf(p.Path, "hypothesis probe must have a tolerance entry")
			continue
		}
		tolerance.Validate(p.Tolerance, value.Key(p.Path, "tolerance"), func(path, msg string) { d.ps.Addf(path, "%s", msg) })
		d.toleranceProbe(p)
	}
	return hyp
}

// toleranceProbe validates a probe used as a tolerance as a full activity.
func (d *decoder) toleranceProbe(p *Activity) {
	t, ok := p.Tolerance.(*value.Object)
	if !ok || t.String("type") != "probe" {
		return
	}
	d.activity(t, value.Key(p.Path, "tolerance"), nil)
}

// activities decodes the list under key; top holds the experiment-level
// controls that activity control refs may name.
func (d *decoder) activities(f fields, key string, top []*Control) []*Activity {
	list, _ := f.list(key)
	out := make([]*Activity, 0, len(list))
	for i, item := range list {
		at := value.Index(f.at(key), i)
		o, ok := item.(*value.Object)
		if !ok {
			d.ps.Addf(at, "an activity must be an object, not %s", article(item))
			continue
		}
		out = append(out, d.activity(o, at, top))
	}
	return out
}
