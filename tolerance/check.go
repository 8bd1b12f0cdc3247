package tolerance

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/chaostracing/chaostracing/value"
)

// Env gives Check what it needs from the runner.
type Env struct {
	// Substitute applies ${name} substitution to a value; nil means identity.
	Substitute func(v any) any
	// RunProbe runs a probe used as a tolerance: the tolerance object itself, a deep copy whose
	// provider.arguments.value is already set to the output. Its error means the probe failed.
	RunProbe func(ctx context.Context, probe *value.Object) (any, error)
}

func (e Env) substitute(v any) any {
	if e.Substitute == nil {
		return v
	}
	return e.Substitute(v)
}

// Check reports whether output is within tol. An error means the tolerance could not be
// evaluated (regex on a non-string, a target on a non-object, invalid pattern, incomparable range
// values...): the runner then marks the tolerance as not met and logs the error message.
//
// The semantics are chaoslib's within_tolerance: booleans and strings
// compare with Python's ==; an integer is compared with the "status" of a
// process or HTTP output, else with the output; a list is membership of
// that status, else an inclusive range when it has two elements, else
// membership of the output; objects are the typed regex, jsonpath, range
// and probe tolerances. A probe tolerance whose probe fails is not met,
// with no error: the probe's own failure is the explanation.
func Check(ctx context.Context, tol any, output any, env Env) (bool, error) {
	if s, ok := tol.(string); ok {
		// chaoslib substitutes a string tolerance first and dispatches on
		// what it becomes: "${n}" holding 5 is an integer tolerance.
		sub := env.substitute(s)
		if _, still := sub.(string); !still {
			return check(ctx, sub, output, env)
		}
		return value.Equal(output, sub), nil
	}
	return check(ctx, tol, output, env)
}

func check(ctx context.Context, tol any, output any, env Env) (bool, error) {
	switch t := tol.(type) {
	case bool, string:
		return value.Equal(output, t), nil
	case int64, int:
		if st, ok := status(output); ok {
			return value.Equal(st, t), nil
		}
		return value.Equal(output, t), nil
	case []any:
		return checkList(t, output)
	case *value.Object:
		return checkObject(ctx, t, output, env)
	}
	// chaoslib has no rule for these and finds the tolerance not met.
	return false, fmt.Errorf("a tolerance must be a boolean, integer, string, list or object, not %s", article(tol))
}

// status returns the "status" of a process or HTTP output.
func status(output any) (any, bool) {
	o, ok := output.(*value.Object)
	if !ok {
		return nil, false
	}
	return o.Get("status")
}

func checkList(tol []any, output any) (bool, error) {
	if st, ok := status(output); ok {
		return contains(tol, st), nil
	}
	if len(tol) == 2 {
		return between(tol[0], output, tol[1])
	}
	return contains(tol, output), nil
}

func contains(list []any, v any) bool {
	for _, x := range list {
		if value.Equal(x, v) {
			return true
		}
	}
	return false
}

// between is Python's lo <= v <= hi, which stops at the first false.
func between(lo, v, hi any) (bool, error) {
	for _, pair := range [][2]any{{lo, v}, {v, hi}} {
		c, err := value.Compare(pair[0], pair[1])
		if err != nil {
			return false, fmt.Errorf("the list tolerance %s is a range, but %v", show([]any{lo, hi}), err)
		}
		if c > 0 {
			return false, nil
		}
	}
	return true, nil
}

func checkObject(ctx context.Context, t *value.Object, output any, env Env) (bool, error) {
	typ, _ := t.Get("type")
	switch typ {
	case "probe":
		return checkProbe(ctx, t, output, env)
	case "regex":
		return checkRegex(t, output, env)
	case "jsonpath":
		return checkJSONPath(t, output, env)
	case "range":
		return checkRange(t, output)
	}
	return false, fmt.Errorf("tolerance type '%s' is unsupported", plain(typ))
}

// pick applies "target": on an object output it selects that member,
// falling back to the whole output when the member is missing, as
// chaoslib's value.get(target, value) does. where names the result for
// messages.
func pick(kind string, t *value.Object, output any) (v any, where string, err error) {
	target, ok := t.Get("target")
	if !ok || !value.Truthy(target) {
		return output, "value", nil
	}
	o, isObj := output.(*value.Object)
	if !isObj {
		return nil, "", fmt.Errorf("%s tolerance: target %s needs an object value, but the value is %s",
			kind, show(target), article(output))
	}
	if name, isStr := target.(string); isStr {
		if x, found := o.Get(name); found {
			return x, fmt.Sprintf("value at target %q", name), nil
		}
	}
	return output, "value", nil
}

func checkRegex(t *value.Object, output any, env Env) (bool, error) {
	pattern, err := stringField("regex", "pattern", t, env)
	if err != nil {
		return false, err
	}
	rx, err := compileRegex(pattern)
	if err != nil {
		return false, fmt.Errorf("regex tolerance: %v", err)
	}
	v, where, err := pick("regex", t, output)
	if err != nil {
		return false, err
	}
	s, ok := v.(string)
	if !ok {
		return false, fmt.Errorf("regex tolerance: %s is %s, not a string", where, article(v))
	}
	return rx.MatchString(s), nil
}

// stringField returns a substituted field that must be a string.
func stringField(kind, key string, t *value.Object, env Env) (string, error) {
	v, ok := t.Get(key)
	if !ok {
		return "", fmt.Errorf("%s tolerance: no %q", kind, key)
	}
	s, ok := env.substitute(v).(string)
	if !ok {
		return "", fmt.Errorf("%s tolerance: %s must be a string, not %s", kind, key, article(env.substitute(v)))
	}
	return s, nil
}

func checkJSONPath(t *value.Object, output any, env Env) (bool, error) {
	path, err := stringField("jsonpath", "path", t, env)
	if err != nil {
		return false, err
	}
	cp, err := compileJSONPath(path)
	if err != nil {
		return false, fmt.Errorf("jsonpath tolerance: %v", err)
	}
	v, _, err := pick("jsonpath", t, output)
	if err != nil {
		return false, err
	}
	if s, ok := v.(string); ok {
		// chaoslib parses a string as JSON when it can (an HTTP body
		// served as text/plain, a process's stdout).
		if parsed, _, err := value.ParseJSON([]byte(s)); err == nil {
			v = parsed
		}
	}
	return matchesWanted(t, cp.eval(v), env), nil
}

// matchesWanted applies count and expect to the matches: at least one
// match by default, exactly count when given, and, overriding both,
// matches == [expect] (or == expect for a list).
func matchesWanted(t *value.Object, matches []any, env Env) bool {
	met := len(matches) > 0
	if count, ok := t.Get("count"); ok && count != nil {
		met = value.Equal(int64(len(matches)), count)
	}
	if expect, ok := t.Get("expect"); ok {
		expect = env.substitute(expect)
		want, isList := expect.([]any)
		if !isList {
			want = []any{expect}
		}
		met = value.Equal(matches, want)
	}
	return met
}

func checkProbe(ctx context.Context, t *value.Object, output any, env Env) (bool, error) {
	probe := value.DeepCopy(t).(*value.Object)
	provider, ok := probe.Get("provider")
	p, isObj := provider.(*value.Object)
	if !ok || !isObj {
		return false, errors.New("probe tolerance: it needs a provider object")
	}
	args := p.Object("arguments")
	if args == nil {
		// chaoslib crashes with a KeyError or TypeError here.
		return false, errors.New(`probe tolerance: its provider needs an "arguments" object, where the value to check goes`)
	}
	args.Set("value", output)
	if env.RunProbe == nil {
		return false, errors.New("probe tolerance: no probe runner is available")
	}
	result, err := env.RunProbe(ctx, probe)
	if err != nil {
		return false, nil // chaoslib: ActivityFailed means not met
	}
	return value.Truthy(result), nil
}

// article names the type of v with its article: "an integer", "a string".
func article(v any) string {
	name := value.TypeName(v)
	switch {
	case name == "null":
		return name
	case name == "integer" || name == "object" || name == "array":
		return "an " + name
	}
	return "a " + name
}

// show writes v as compact JSON for messages, cut to a readable length.
func show(v any) string {
	var b bytes.Buffer
	_ = value.Encode(&b, v, "")
	s := string(bytes.TrimRight(b.Bytes(), "\n"))
	if r := []rune(s); len(r) > 80 {
		s = string(r[:77]) + "..."
	}
	return s
}

// plain writes a string as is and anything else as JSON.
func plain(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return show(v)
}
