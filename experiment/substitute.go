package experiment

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/chaostracing/chaostracing/value"
)

// Scope is what ${name} substitution looks names up in: the configuration
// first, then every secrets scope in order (secrets need no scope prefix),
// as Chaos Toolkit's ChainMap does.
type Scope struct {
	Configuration *value.Object
	Secrets       *value.Object
}

// Lookup returns the value of name.
func (s Scope) Lookup(name string) (any, bool) {
	if v, ok := s.Configuration.Get(name); ok {
		return v, true
	}
	for _, scope := range s.Secrets.Keys() {
		if v, ok := s.Secrets.Object(scope).Get(name); ok {
			return v, true
		}
	}
	return nil, false
}

// Python's string.Template: $$, $name, ${name}, with ASCII identifiers.
var templatePattern = regexp.MustCompile(`\$(?:(\$)|([_a-zA-Z][_a-zA-Z0-9]*)|\{([_a-zA-Z][_a-zA-Z0-9]*)\})`)

// exactVar returns name when s is exactly "${name}".
func exactVar(s string) string {
	if len(s) < 4 || !strings.HasPrefix(s, "${") || !strings.HasSuffix(s, "}") {
		return ""
	}
	m := templatePattern.FindStringSubmatch(s)
	if m == nil || len(m[0]) != len(s) {
		return ""
	}
	return m[3]
}

// Substitute applies ${name} substitution to v recursively (object values
// and list items, not keys). A string that is exactly "${name}" becomes
// the value itself, keeping its type; elsewhere values are formatted as
// Python's str() would and unknown names stay as written.
func (s Scope) Substitute(v any) any {
	return value.MapStrings(v, s.substituteString)
}

func (s Scope) substituteString(str string) any {
	if !strings.Contains(str, "$") {
		return str
	}
	if name := exactVar(str); name != "" {
		if v, ok := s.Lookup(name); ok {
			return v
		}
		return str
	}
	return templatePattern.ReplaceAllStringFunc(str, func(m string) string {
		if m == "$$" {
			return "$"
		}
		name := strings.Trim(m, "${}")
		if v, ok := s.Lookup(name); ok {
			return PyStr(v)
		}
		return m
	})
}

// PyStr formats v as Python's str() does, since Chaos Toolkit builds
// substituted strings and process arguments that way.
func PyStr(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case nil:
		return "None"
	case bool:
		if t {
			return "True"
		}
		return "False"
	case int64:
		return strconv.FormatInt(t, 10)
	case float64:
		return pyFloat(t)
	}
	return pyRepr(v)
}

func pyFloat(f float64) string {
	s := value.FormatFloat(f)
	if s == "null" {
		return "nan"
	}
	return s
}

// pyRepr formats containers as Python's repr: {'a': 1, 'b': [True, None]}.
func pyRepr(v any) string {
	switch t := v.(type) {
	case string:
		return "'" + strings.ReplaceAll(strings.ReplaceAll(t, `\`, `\\`), "'", `\'`) + "'"
	case []any:
		parts := make([]string, len(t))
		for i, x := range t {
			parts[i] = pyRepr(x)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case *value.Object:
		parts := make([]string, 0, t.Len())
		for _, k := range t.Keys() {
			x, _ := t.Get(k)
			parts = append(parts, pyRepr(k)+": "+pyRepr(x))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return PyStr(v)
}

// ProviderSpec returns a copy of a provider section with substitution
// applied where Chaos Toolkit applies it: arguments always; url, headers
// and timeout for http. path, module and func are never substituted.
func (s Scope) ProviderSpec(spec *value.Object) *value.Object {
	out := spec.Clone()
	keys := []string{"arguments"}
	if spec.String("type") == "http" {
		keys = append(keys, "url", "headers", "timeout")
	}
	for _, k := range keys {
		if v, ok := spec.Get(k); ok {
			out.Set(k, s.Substitute(v))
		}
	}
	return out
}
