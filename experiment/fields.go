package experiment

import (
	"strings"

	"github.com/chaostracing/chaostracing/value"
)

// fields reads typed members of one object, recording a problem for each
// member of the wrong type.
type fields struct {
	ps   *Problems
	obj  *value.Object
	path string
}

func (f fields) at(key string) string { return value.Key(f.path, key) }

// str returns a string member; required ones must be non-blank.
func (f fields) str(key string, required bool, what string) string {
	v, ok := f.obj.Get(key)
	if !ok {
		if required {
			f.ps.Addf(f.path, "%s requires a %s", what, key)
		}
		return ""
	}
	s, isStr := v.(string)
	switch {
	case !isStr:
		f.ps.Addf(f.at(key), "%s must be a string, not %s", key, article(v))
	case required && strings.TrimSpace(s) == "":
		f.ps.Addf(f.at(key), "%s cannot be empty", key)
	}
	return s
}

func (f fields) boolean(key string, def bool) bool {
	v, ok := f.obj.Get(key)
	if !ok {
		return def
	}
	b, isBool := v.(bool)
	if !isBool {
		f.ps.Addf(f.at(key), "%s must be true or false, not %s", key, article(v))
		return def
	}
	return b
}

func (f fields) object(key string) *value.Object {
	v, ok := f.obj.Get(key)
	if !ok || v == nil {
		return nil
	}
	o, isObj := v.(*value.Object)
	if !isObj {
		f.ps.Addf(f.at(key), "%s must be an object, not %s", key, article(v))
	}
	return o
}

func (f fields) list(key string) ([]any, bool) {
	v, ok := f.obj.Get(key)
	if !ok || v == nil {
		return nil, false
	}
	l, isList := v.([]any)
	if !isList {
		f.ps.Addf(f.at(key), "%s must be a list, not %s", key, article(v))
	}
	return l, isList
}

// number accepts a number, or an exact "${name}" string resolved at run
// time when allowVar is set.
func (f fields) number(key string, allowVar bool) (any, bool) {
	v, ok := f.obj.Get(key)
	if !ok {
		return nil, false
	}
	if _, isNum := value.Float(v); isNum {
		return v, true
	}
	if s, isStr := v.(string); allowVar && isStr && exactVar(s) != "" {
		return v, true
	}
	hint := ""
	if allowVar {
		hint = " or a ${name} reference"
	}
	f.ps.Addf(f.at(key), "%s must be a number%s, not %s", key, hint, article(v))
	return nil, false
}

func (f fields) oneOf(key string, choices ...string) string {
	s := f.str(key, false, "")
	if s == "" {
		return ""
	}
	for _, c := range choices {
		if s == c {
			return s
		}
	}
	f.ps.Addf(f.at(key), "%s '%s' is not one of %s", key, s, strings.Join(choices, ", "))
	return ""
}

// article names a value's type for messages: "a string", "an object".
func article(v any) string {
	name := value.TypeName(v)
	switch name[0] {
	case 'a', 'e', 'i', 'o', 'u':
		return "an " + name
	}
	if name == "null" {
		return "null"
	}
	return "a " + name
}
