package experiment

import (
	"github.com/chaostracing/chaostracing/value"
)

// controls decodes the "controls" list of f's object. top holds the
// experiment-level controls, which a "ref" may name; nil at the top level.
func (d *decoder) controls(f fields, top []*Control) []*Control {
	list, _ := f.list("controls")
	out := make([]*Control, 0, len(list))
	for i, item := range list {
		at := value.Index(f.at("controls"), i)
		o, ok := item.(*value.Object)
		if !ok {
			d.ps.Addf(at, "a control must be an object, not %s", article(item))
			continue
		}
		out = append(out, d.control(o, at, top))
	}
	return out
}

func (d *decoder) control(o *value.Object, at string, top []*Control) *Control {
	f := fields{ps: d.ps, obj: o, path: at}
	c := &Control{Doc: o, Path: at, Automatic: f.boolean("automatic", true)}
	c.Scope = f.oneOf("scope", "before", "after")
	if o.Has("ref") {
		c.Ref = f.str("ref", true, "a control reference")
		if !hasControl(top, c.Ref) {
			d.ps.Addf(f.at("ref"), "control reference '%s' does not name a control declared at the experiment level", c.Ref)
		}
		return c
	}
	c.Name = f.str("name", true, "a control")
	c.Provider = f.object("provider")
	if c.Provider == nil {
		d.ps.Addf(at, "a control requires a provider")
		return c
	}
	pf := fields{ps: d.ps, obj: c.Provider, path: f.at("provider")}
	if t := pf.str("type", true, "a control provider"); t != "" && t != "python" {
		d.ps.Addf(pf.at("type"), "control provider type must be python, not '%s'", t)
	}
	pf.str("module", true, "a control provider")
	pf.object("arguments")
	return c
}

func hasControl(controls []*Control, name string) bool {
	for _, c := range controls {
		if c.Ref == "" && c.Name == name {
			return true
		}
	}
	return false
}
