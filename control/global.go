package control

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/settings"
	"github.com/chaostracing/chaostracing/value"
)

// LoadGlobal reads the global controls: the settings file's "controls"
// (a map of name to {provider: {type: python, module, arguments},
// automatic, scope}), then each --control-file in order (JSON or YAML, the
// same map, at the top level or under "controls"). A later control of the
// same name replaces an earlier one. s may be nil (no settings). A missing
// control file is an error, as is a malformed file or control, located as
// file:line:col. The Path of each control is where it is declared, as
// file:line:col.
func LoadGlobal(s *settings.Settings, controlFiles []string) ([]*experiment.Control, error) {
	var all []*experiment.Control
	if s != nil && s.Path != "" {
		list, err := decodeGlobalFile(s.Path, "settings", s.Doc, s.Positions, "$.controls")
		if err != nil {
			return nil, err
		}
		all = append(all, list...)
	}
	for _, path := range controlFiles {
		list, err := loadControlFile(path)
		if err != nil {
			return nil, err
		}
		all = append(all, list...)
	}
	return dedupe(all), nil
}

// loadControlFile reads the controls of one --control-file.
func loadControlFile(path string) ([]*experiment.Control, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read control file: %w", err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil
	}
	doc, pos, err := experiment.Parse(path, data)
	if err != nil {
		return nil, err
	}
	return decodeGlobalFile(path, "control", doc, pos, controlsAt(doc))
}

// decodeGlobalFile decodes the controls map at JSONPath "at" of a parsed
// file.
func decodeGlobalFile(path, kind string, doc any, pos value.Positions, at string) ([]*experiment.Control, error) {
	ps := &experiment.Problems{Positions: pos}
	list := decodeGlobal(path, doc, at, ps)
	if len(ps.List) > 0 {
		return nil, globalError(path, kind, ps)
	}
	return list, nil
}

// controlsAt returns the JSONPath of the controls map in a control file:
// at the top unless it wraps them in "controls".
func controlsAt(doc any) string {
	root, _ := doc.(*value.Object)
	if inner := root.Object("controls"); inner != nil && !inner.Has("provider") {
		return "$.controls"
	}
	return "$"
}

// decodeGlobal decodes the map at path "at" of doc.
func decodeGlobal(source string, doc any, at string, ps *experiment.Problems) []*experiment.Control {
	root, ok := doc.(*value.Object)
	if !ok {
		ps.Addf("$", "the file must hold an object, not %s", value.TypeName(doc))
		return nil
	}
	v, _ := root.Get("controls")
	if at == "$" {
		v = root
	}
	if v == nil {
		return nil
	}
	m, ok := v.(*value.Object)
	if !ok {
		ps.Addf(at, "controls must be a map of control names to controls, not %s", value.TypeName(v))
		return nil
	}
	var out []*experiment.Control
	for _, name := range m.Keys() {
		entry, _ := m.Get(name)
		if c := decodeGlobalControl(source, name, entry, value.Key(at, name), ps); c != nil {
			out = append(out, c)
		}
	}
	return out
}

// decodeGlobalControl checks and decodes one global control.
func decodeGlobalControl(source, name string, entry any, at string, ps *experiment.Problems) *experiment.Control {
	o, ok := entry.(*value.Object)
	if !ok {
		ps.Addf(at, "control '%s' must be an object, not %s", name, value.TypeName(entry))
		return nil
	}
	doc := value.NewObject("name", name)
	for _, k := range o.Keys() {
		x, _ := o.Get(k)
		doc.Set(k, x)
	}
	c := &experiment.Control{Doc: doc, Path: source + ":" + ps.Positions.Of(at).String(), Name: name, Automatic: true}
	c.Provider = globalProvider(o, at, ps)
	c.Automatic = globalAutomatic(o, at, ps)
	c.Scope = globalScope(o, at, ps)
	if c.Provider == nil {
		return nil
	}
	return c
}

// globalProvider checks a global control's provider: python, with a
// module, arguments an object when present.
func globalProvider(o *value.Object, at string, ps *experiment.Problems) *value.Object {
	v, _ := o.Get("provider")
	p, ok := v.(*value.Object)
	if !ok {
		ps.Addf(at, "a control requires a provider object")
		return nil
	}
	pat := value.Key(at, "provider")
	switch t, ok := p.Get("type"); {
	case !ok:
		ps.Addf(pat, "a control provider requires a type (python)")
	case t != "python":
		ps.Addf(value.Key(pat, "type"), "control provider type must be python, not %s", describe(t))
	}
	if m, _ := p.Get("module"); m == nil || strings.TrimSpace(p.String("module")) == "" {
		ps.Addf(pat, "a control provider requires a module (a non-empty string)")
	}
	if a, ok := p.Get("arguments"); ok && a != nil {
		if _, isObj := a.(*value.Object); !isObj {
			ps.Addf(value.Key(pat, "arguments"), "arguments must be an object, not %s", value.TypeName(a))
		}
	}
	return p
}

func globalAutomatic(o *value.Object, at string, ps *experiment.Problems) bool {
	v, ok := o.Get("automatic")
	if !ok {
		return true
	}
	b, isBool := v.(bool)
	if !isBool {
		ps.Addf(value.Key(at, "automatic"), "automatic must be true or false, not %s", value.TypeName(v))
		return true
	}
	return b
}

func globalScope(o *value.Object, at string, ps *experiment.Problems) string {
	v, ok := o.Get("scope")
	if !ok {
		return ""
	}
	if s, _ := v.(string); s == "before" || s == "after" {
		return s
	}
	ps.Addf(value.Key(at, "scope"), "scope must be before or after, not %s", describe(v))
	return ""
}

// describe names a value for messages: a string quoted, else its type.
func describe(v any) string {
	if s, ok := v.(string); ok {
		return "'" + s + "'"
	}
	return value.TypeName(v)
}

// dedupe keeps the last control of each name, in the place of the last.
func dedupe(list []*experiment.Control) []*experiment.Control {
	last := map[string]int{}
	for i, c := range list {
		last[c.Name] = i
	}
	var out []*experiment.Control
	for i, c := range list {
		if last[c.Name] == i {
			out = append(out, c)
		}
	}
	return out
}

// globalError lists a file's problems, each located as file:line:col.
func globalError(path, kind string, ps *experiment.Problems) error {
	experiment.SortProblems(ps.List)
	var b strings.Builder
	fmt.Fprintf(&b, "%s is not a valid %s file:", path, kind)
	for _, p := range ps.List {
		b.WriteString("\n  - ")
		if p.Pos.Line > 0 {
			b.WriteString(path + ":" + p.Pos.String() + ": ")
		}
		b.WriteString(p.Path + ": " + p.Msg)
	}
	return errors.New(b.String())
}
