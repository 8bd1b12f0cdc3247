package tolerance

import (
	"fmt"
	"strings"

	"github.com/chaostracing/chaostracing/value"
)

// Validate checks the shape of a tolerance statically, as chaoslib does at validation time, calling
// add(path, msg) for each problem; at is the tolerance's JSONPath (e.g. `$["steady-state-hypothesis"].probes[0].tolerance`),
// and sub-paths use value.Key / value.Index.
//
// Beyond chaoslib, it rejects a regex pattern that Go's engine cannot run,
// a JSONPath that is ambiguous between Chaos Toolkit's jsonpath2 dialect
// and RFC 9535, a non-string "target", a non-integer "count", and a probe
// tolerance whose provider has no "arguments" object (chaoslib crashes on
// it at run time). Patterns and paths holding ${...} are checked when
// they are used, once substituted.
func Validate(tol any, at string, add func(path, msg string)) {
	switch t := tol.(type) {
	case bool, int, int64, string, []any:
	case *value.Object:
		validateObject(t, at, add)
	default:
		add(at, "tolerance must be a boolean, integer, string, list or object, not "+article(tol))
	}
}

func validateObject(o *value.Object, at string, add func(path, msg string)) {
	typ, ok := o.Get("type")
	if !ok {
		add(at, "a tolerance object requires a type: probe, regex, jsonpath or range")
		return
	}
	switch typ {
	case "probe":
		validateProbe(o, at, add)
		return
	case "regex":
		validatePattern(o, at, add)
	case "jsonpath":
		validatePath(o, at, add)
	case "range":
		validateRange(o, at, add)
	default:
		add(value.Key(at, "type"), fmt.Sprintf("tolerance type '%s' is unsupported (use probe, regex, jsonpath or range)", plain(typ)))
		return
	}
	if target, ok := o.Get("target"); ok {
		if _, isStr := target.(string); !isStr {
			add(value.Key(at, "target"), "target must be a string, not "+article(target))
		}
	}
}

// requiredString returns the string at key, reporting it when missing or
// of another type.
func requiredString(o *value.Object, at, kind, key string, add func(path, msg string)) (string, bool) {
	v, ok := o.Get(key)
	if !ok {
		add(at, fmt.Sprintf("a %s tolerance requires a %s", kind, key))
		return "", false
	}
	s, ok := v.(string)
	if !ok {
		add(value.Key(at, key), fmt.Sprintf("%s must be a string, not %s", key, article(v)))
	}
	return s, ok
}

func validatePattern(o *value.Object, at string, add func(path, msg string)) {
	pattern, ok := requiredString(o, at, "regex", "pattern", add)
	if !ok || strings.Contains(pattern, "${") {
		return
	}
	if _, err := compileRegex(pattern); err != nil {
		add(value.Key(at, "pattern"), err.Error())
	}
}

func validatePath(o *value.Object, at string, add func(path, msg string)) {
	if count, ok := o.Get("count"); ok && !isInteger(count) {
		add(value.Key(at, "count"), "count must be an integer, not "+article(count))
	}
	path, ok := requiredString(o, at, "jsonpath", "path", add)
	switch {
	case !ok || strings.Contains(path, "${"):
	case strings.TrimSpace(path) == "":
		add(value.Key(at, "path"), "path cannot be empty")
	default:
		if _, err := compileJSONPath(path); err != nil {
			add(value.Key(at, "path"), err.Error())
		}
	}
}

func isInteger(v any) bool {
	switch v.(type) {
	case int64, int:
		return true
	}
	return false
}

func validateRange(o *value.Object, at string, add func(path, msg string)) {
	r, ok := o.Get("range")
	if !ok {
		add(at, "a range tolerance requires a range")
		return
	}
	key := value.Key(at, "range")
	list, ok := r.([]any)
	switch {
	case !ok:
		add(key, "range must be a list of two numbers, not "+article(r))
	case len(list) != 2:
		add(key, fmt.Sprintf("range must have exactly two numbers, the lower and upper bounds, not %d values", len(list)))
	default:
		for i, b := range list {
			if _, isBool := b.(bool); !isBool && !isNumber(b) {
				// Booleans pass, as in Python, where they are numbers.
				add(value.Index(key, i), "range bounds must be numbers, not "+article(b))
			}
		}
	}
}

func isNumber(v any) bool {
	_, ok := value.Float(v)
	return ok
}

// validateProbe checks what running a probe tolerance needs beyond being
// an activity, which the caller validates as for any activity: the
// arguments object the value to check is passed in.
func validateProbe(o *value.Object, at string, add func(path, msg string)) {
	p, ok := o.Get("provider")
	if !ok {
		return
	}
	pobj, ok := p.(*value.Object)
	if !ok {
		return
	}
	pat := value.Key(at, "provider")
	args, ok := pobj.Get("arguments")
	if !ok {
		add(pat, `the provider of a probe tolerance requires "arguments" (an object): the value to check is passed `+
			"as arguments.value, and Chaos Toolkit crashes without it")
		return
	}
	if _, ok := args.(*value.Object); !ok {
		add(value.Key(pat, "arguments"), "the arguments of a probe tolerance must be an object, where the value to check "+
			"is passed as arguments.value, not "+article(args))
	}
}
