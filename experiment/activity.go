package experiment

import (
	"sort"
	"strings"

	"github.com/chaostracing/chaostracing/value"
)

func (d *decoder) activity(o *value.Object, at string, top []*Control) *Activity {
	f := fields{ps: d.ps, obj: o, path: at}
	a := &Activity{Doc: o, Path: at}
	a.Tolerance, a.HasTolerance = o.Get("tolerance")
	a.Background = f.boolean("background", false)
	if o.Has("ref") {
		a.Ref = f.str("ref", true, "a reference")
		return a
	}
	a.Type = d.activityType(f)
	a.Name = f.str("name", true, "an activity")
	a.Provider = d.provider(f)
	a.Dry = f.oneOf("dry", DryModes...)
	if t, ok := f.number("timeout", false); ok {
		a.Timeout, _ = value.Float(t)
	}
	if p := f.object("pauses"); p != nil {
		pf := fields{ps: d.ps, obj: p, path: f.at("pauses")}
		a.PauseBefore, _ = pf.number("before", true)
		a.PauseAfter, _ = pf.number("after", true)
	}
	a.Controls = d.controls(f, top)
	return a
}

func (d *decoder) activityType(f fields) string {
	v, ok := f.obj.Get("type")
	if !ok {
		d.ps.Addf(f.path, "an activity must have a type")
		return ""
	}
	if v != Probe && v != Action {
		d.ps.Addf(f.at("type"), "'%v' is not a supported activity type (use probe or action)", v)
		return ""
	}
	return v.(string)
}

func (d *decoder) provider(f fields) *value.Object {
	p := f.object("provider")
	if p == nil {
		if !f.obj.Has("provider") {
			d.ps.Addf(f.path, "an activity requires a provider")
		}
		return &value.Object{}
	}
	pf := fields{ps: d.ps, obj: p, path: f.at("provider")}
	typ, _ := p.Get("type")
	switch typ {
	case nil:
		d.ps.Addf(pf.path, "a provider must have a type")
	case "python":
		pf.str("module", true, "a python provider")
		pf.str("func", true, "a python provider")
		pf.object("arguments")
		d.secretScopes(pf)
	case "process":
		pf.str("path", true, "a process provider")
		d.processArguments(pf)
		pf.number("timeout", false)
	case "http":
		pf.str("url", true, "an http provider")
		pf.str("method", false, "")
		pf.object("headers")
		d.httpTimeout(pf)
		pf.boolean("verify_tls", true)
		d.integer(pf, "max_retries")
	default:
		if s, ok := typ.(string); !ok || !d.opts.providerTypes[s] {
			d.ps.Addf(pf.at("type"), "unknown provider type '%v' (known: %s)", typ, strings.Join(d.knownTypes(), ", "))
		}
	}
	return p
}

func (d *decoder) knownTypes() []string {
	types := make([]string, 0, len(d.opts.providerTypes))
	for t := range d.opts.providerTypes {
		types = append(types, t)
	}
	sort.Strings(types)
	return types
}

func (d *decoder) secretScopes(f fields) {
	list, _ := f.list("secrets")
	for i, s := range list {
		if _, ok := s.(string); !ok {
			d.ps.Addf(value.Index(f.at("secrets"), i), "secret scopes must be strings, not %s", article(s))
		}
	}
}

func (d *decoder) processArguments(f fields) {
	v, ok := f.obj.Get("arguments")
	if !ok || v == nil {
		return
	}
	switch v.(type) {
	case string, []any, *value.Object:
	default:
		d.ps.Addf(f.at("arguments"), "process arguments must be a list or a string, not %s", article(v))
	}
}

func (d *decoder) httpTimeout(f fields) {
	v, ok := f.obj.Get("timeout")
	if !ok {
		return
	}
	if pair, isList := v.([]any); isList {
		if len(pair) != 2 {
			d.ps.Addf(f.at("timeout"), "an http timeout list must be [connect, read] seconds")
			return
		}
		for i, t := range pair {
			if _, isNum := value.Float(t); !isNum {
				d.ps.Addf(value.Index(f.at("timeout"), i), "timeout must be a number of seconds, not %s", article(t))
			}
		}
		return
	}
	f.number("timeout", true)
}

func (d *decoder) integer(f fields, key string) {
	v, ok := f.obj.Get(key)
	if _, isInt := v.(int64); ok && !isInt {
		d.ps.Addf(f.at(key), "%s must be an integer, not %s", key, article(v))
	}
}

// DecodeActivity decodes one activity document found at path, such as a
// probe used as a tolerance.
func DecodeActivity(doc *value.Object, path string, opts ...Option) (*Activity, error) {
	d := &decoder{opts: newOptions(opts), ps: &Problems{}}
	a := d.activity(doc, path, nil)
	if err := d.ps.Err(path); err != nil {
		return nil, err
	}
	return a, nil
}
