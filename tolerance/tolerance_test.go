package tolerance

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/chaostracing/chaostracing/value"
)

// j parses JSON test data.
func j(t testing.TB, s string) any {
	t.Helper()
	v, _, err := value.ParseJSON([]byte(s))
	if err != nil {
		t.Fatalf("bad test JSON %s: %v", s, err)
	}
	return v
}

// substituter mimics chaoslib's substitution: an exact "${name}" gives the
// typed value, a mixed string gives text, unknown names stay verbatim.
func substituter(vars map[string]any) func(any) any {
	var sub func(any) any
	sub = func(v any) any {
		switch t := v.(type) {
		case string:
			if x, ok := vars[strings.TrimSuffix(strings.TrimPrefix(t, "${"), "}")]; ok && strings.HasPrefix(t, "${") {
				return x
			}
			for k, x := range vars {
				t = strings.ReplaceAll(t, "${"+k+"}", fmt.Sprint(x))
			}
			return t
		case []any:
			out := make([]any, len(t))
			for i, x := range t {
				out[i] = sub(x)
			}
			return out
		}
		return v
	}
	return sub
}

var testVars = map[string]any{
	"n": int64(5), "range": []any{int64(1), int64(5)}, "word": "ok",
	"pat": "^he", "path": "$.items[0].v", "want": int64(1),
}

// encode writes v as compact JSON.
func encode(v any) string {
	var b strings.Builder
	_ = value.Encode(&b, v, "")
	return strings.TrimSuffix(b.String(), "\n")
}

type checkCase struct {
	name   string
	tol    string // JSON
	output string // JSON
	met    bool
	err    string // substring of the expected error, "" for none
}

func runChecks(t *testing.T, cases []checkCase, env Env) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			met, err := Check(context.Background(), j(t, c.tol), j(t, c.output), env)
			switch {
			case c.err == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
				t.Fatalf("error = %v, want one containing %q", err, c.err)
			case met != c.met:
				t.Fatalf("met = %v, want %v", met, c.met)
			}
		})
	}
}

const (
	process = `{"status": 0, "stdout": "ok\n", "stderr": ""}`
	http200 = `{"status": 200, "headers": {"Content-Type": "application/json"}, "body": {"ok": true, "count": 3}}`
	http250 = `{"status": 250, "headers": {}, "body": "fine"}`
)

func TestCheckScalars(t *testing.T) {
	runChecks(t, []checkCase{
		{"bool met", `true`, `true`, true, ""},
		{"bool not met", `true`, `false`, false, ""},
		{"bool equals one as in Python", `true`, `1`, true, ""},
		{"bool against a process output", `true`, process, false, ""},
		{"false met", `false`, `false`, true, ""},
		{"int met", `5`, `5`, true, ""},
		{"int equals float", `5`, `5.0`, true, ""},
		{"int not met", `5`, `6`, false, ""},
		{"int is not a string", `5`, `"5"`, false, ""},
		{"int equals true", `1`, `true`, true, ""},
		{"int is an exit code", `0`, process, true, ""},
		{"int exit code not met", `1`, process, false, ""},
		{"int is an http status", `200`, http200, true, ""},
		{"int against an object without status", `5`, `{"a": 5}`, false, ""},
		{"string met", `"ok"`, `"ok"`, true, ""},
		{"string is exact", `"ok"`, `"ok\n"`, false, ""},
		{"string against a process output", `"ok\n"`, process, false, ""},
	}, Env{})
}

func TestCheckLists(t *testing.T) {
	runChecks(t, []checkCase{
		{"two elements are a range", `[1, 5]`, `3`, true, ""},
		{"range includes its bounds", `[1, 5]`, `5`, true, ""},
		{"range lower bound", `[1, 5]`, `1`, true, ""},
		{"below the range", `[1, 5]`, `0.5`, false, ""},
		{"above the range", `[1, 5]`, `6`, false, ""},
		{"string range", `["a", "c"]`, `"b"`, true, ""},
		{"status in a two-element list is membership", `[200, 299]`, http250, false, ""},
		{"status membership met", `[200, 299]`, http200, true, ""},
		{"exit code membership", `[0, 1, 2]`, process, true, ""},
		{"membership with three elements", `[1, 2, 3]`, `2`, true, ""},
		{"not a member", `[1, 2, 3]`, `4`, false, ""},
		{"membership uses Python equality", `[1, 2, 3]`, `2.0`, true, ""},
		{"one element", `["x"]`, `"x"`, true, ""},
		{"empty list", `[]`, `1`, false, ""},
		{"range of incomparable values", `[1, 5]`, `"3"`, false, "is a range, but cannot compare integer with string"},
		{"range against null", `[1, 5]`, `null`, false, "cannot compare"},
		{"range stops at the first false comparison", `[10, "x"]`, `5`, false, ""},
	}, Env{})
}

func TestCheckSubstitution(t *testing.T) {
	runChecks(t, []checkCase{
		{"exact reference becomes an int", `"${n}"`, `5`, true, ""},
		{"substituted int is an exit code", `"${n}"`, `{"status": 5}`, true, ""},
		{"substituted int not met", `"${n}"`, `"5"`, false, ""},
		{"substituted list is a range", `"${range}"`, `3`, true, ""},
		{"substituted string", `"${word}"`, `"ok"`, true, ""},
		{"mixed string", `"say ${word}"`, `"say ok"`, true, ""},
		{"unknown name stays verbatim", `"${nope}"`, `"${nope}"`, true, ""},
		{"regex pattern is substituted", `{"type": "regex", "pattern": "${pat}"}`, `"hello"`, true, ""},
		{"jsonpath path is substituted", `{"type": "jsonpath", "path": "${path}", "expect": 1}`,
			`{"items": [{"v": 1}]}`, true, ""},
		{"jsonpath expect is substituted", `{"type": "jsonpath", "path": "$.a", "expect": "${want}"}`, `{"a": 1}`, true, ""},
	}, Env{Substitute: substituter(testVars)})
}

func TestCheckRegex(t *testing.T) {
	runChecks(t, []checkCase{
		{"search anywhere", `{"type": "regex", "pattern": "ell"}`, `"hello"`, true, ""},
		{"not found", `{"type": "regex", "pattern": "^ell"}`, `"hello"`, false, ""},
		{"target stdout", `{"type": "regex", "pattern": "ok", "target": "stdout"}`, process, true, ""},
		{"$ before a final newline, as in Python", `{"type": "regex", "pattern": "^ok$", "target": "stdout"}`, process, true, ""},
		{"$ is still the end", `{"type": "regex", "pattern": "^o$", "target": "stdout"}`, process, false, ""},
		{"multiline $", `{"type": "regex", "pattern": "(?m)^a$", "target": "stdout"}`, `{"stdout": "a\nb\n"}`, true, ""},
		{"case-insensitive flag", `{"type": "regex", "pattern": "(?i)OK"}`, `"ok"`, true, ""},
		{"target body", `{"type": "regex", "pattern": "fin", "target": "body"}`, http250, true, ""},
		{"empty target is ignored", `{"type": "regex", "pattern": "x", "target": ""}`, `"x"`, true, ""},
		{"missing target member falls back to the whole output", `{"type": "regex", "pattern": "x", "target": "nope"}`,
			`{"a": 1}`, false, "regex tolerance: value is an object, not a string"},
		{"value at target is not a string", `{"type": "regex", "pattern": "2", "target": "body"}`, `{"body": 200}`,
			false, `regex tolerance: value at target "body" is an integer, not a string`},
		{"value is not a string", `{"type": "regex", "pattern": "0"}`, process, false, "value is an object, not a string"},
		{"target on a non-object", `{"type": "regex", "pattern": "x", "target": "stdout"}`, `"x"`,
			false, `target "stdout" needs an object value, but the value is a string`},
		{"invalid pattern", `{"type": "regex", "pattern": "("}`, `"x"`, false, `invalid regex pattern "("`},
		{"lookahead is named", `{"type": "regex", "pattern": "a(?=b)"}`, `"ab"`, false, "a lookahead"},
		{"missing pattern", `{"type": "regex"}`, `"x"`, false, `regex tolerance: no "pattern"`},
		{"pattern of another type", `{"type": "regex", "pattern": 5}`, `"5"`, false, "pattern must be a string, not an integer"},
	}, Env{})
}

func TestCheckJSONPath(t *testing.T) {
	const items = `{"items": [{"name": "a", "v": 1}, {"name": "b", "v": 2}]}`
	runChecks(t, []checkCase{
		// The conformance reference (python.json, probe json-loads-jsonpath):
		// the Python tool finds this tolerance met.
		{"jsonpath2 filter from the reference run", `{"type": "jsonpath", "path": "$.items[*][?(@.name = \"b\")].v", "expect": 2}`,
			items, true, ""},
		{"one match is enough", `{"type": "jsonpath", "path": "$.items[0].name"}`, items, true, ""},
		{"no match", `{"type": "jsonpath", "path": "$.nope"}`, items, false, ""},
		{"count met", `{"type": "jsonpath", "path": "$.items[*]", "count": 2}`, items, true, ""},
		{"count not met", `{"type": "jsonpath", "path": "$.items[*]", "count": 3}`, items, false, ""},
		{"count zero", `{"type": "jsonpath", "path": "$.nope", "count": 0}`, items, true, ""},
		{"expect scalar", `{"type": "jsonpath", "path": "$.items[1].v", "expect": 2.0}`, items, true, ""},
		{"expect scalar not met", `{"type": "jsonpath", "path": "$.items[*].v", "expect": 1}`, items, false, ""},
		{"expect list", `{"type": "jsonpath", "path": "$.items[*].v", "expect": [1, 2]}`, items, true, ""},
		{"expect list is ordered", `{"type": "jsonpath", "path": "$.items[*].v", "expect": [2, 1]}`, items, false, ""},
		{"expect overrides count", `{"type": "jsonpath", "path": "$.items[*].v", "count": 5, "expect": [1, 2]}`, items, true, ""},
		{"expect null", `{"type": "jsonpath", "path": "$.a", "expect": null}`, `{"a": null}`, true, ""},
		{"object members in document order", `{"type": "jsonpath", "path": "$.*", "expect": [3, 1, 2]}`,
			`{"z": 3, "a": 1, "m": 2}`, true, ""},
		{"JSON string body with a target", `{"type": "jsonpath", "path": "$.ok", "target": "body", "expect": true}`,
			`{"status": 200, "body": "{\"ok\": true}"}`, true, ""},
		{"JSON stdout", `{"type": "jsonpath", "path": "$.v", "target": "stdout", "expect": 7}`,
			`{"status": 0, "stdout": "{\"v\": 7}\n"}`, true, ""},
		{"a non-JSON string stays a string", `{"type": "jsonpath", "path": "$", "expect": "plain text"}`, `"plain text"`, true, ""},
		{"target body as an object", `{"type": "jsonpath", "path": "$.count", "target": "body", "expect": 3}`, http200, true, ""},
		{"RFC 9535 filter", `{"type": "jsonpath", "path": "$.items[?@.v > 1].name", "expect": "b"}`, items, true, ""},
		{"jsonpath2 function", `{"type": "jsonpath", "path": "$.items.length()", "expect": 2}`, items, true, ""},
		{"jsonpath2 filter on the node itself", `{"type": "jsonpath", "path": "$[?(@.status = \"UP\")]"}`,
			`{"status": "UP"}`, true, ""},
		{"jsonpath2 filter on the node itself not met", `{"type": "jsonpath", "path": "$[?(@.status = \"UP\")]"}`,
			`{"status": "DOWN"}`, false, ""},
		{"ambiguous path", `{"type": "jsonpath", "path": "$.items[?(@.v)]"}`, items, false, "is ambiguous"},
		{"invalid path", `{"type": "jsonpath", "path": "$.["}`, items, false, "invalid JSONPath"},
		{"target on a non-object", `{"type": "jsonpath", "path": "$", "target": "body"}`, `[1]`, false, "needs an object value"},
		{"missing path", `{"type": "jsonpath"}`, items, false, `no "path"`},
	}, Env{})
}

func TestCheckRange(t *testing.T) {
	runChecks(t, []checkCase{
		{"inside", `{"type": "range", "range": [1, 4096]}`, `8`, true, ""},
		{"inclusive", `{"type": "range", "range": [1, 8]}`, `8`, true, ""},
		{"outside", `{"type": "range", "range": [1, 8]}`, `9`, false, ""},
		{"float bounds", `{"type": "range", "range": [0.5, 1.5]}`, `1`, true, ""},
		{"float value", `{"type": "range", "range": [1, 2]}`, `1.999`, true, ""},
		{"boolean value is a number", `{"type": "range", "range": [1, 2]}`, `true`, true, ""},
		{"numeric stdout", `{"type": "range", "range": [40, 50], "target": "stdout"}`, `{"stdout": " 42\n"}`, true, ""},
		{"status target", `{"type": "range", "range": [200, 299], "target": "status"}`, http250, true, ""},
		{"decimal string", `{"type": "range", "range": [1, 2]}`, `"1.5e0"`, true, ""},
		{"underscores as in Python", `{"type": "range", "range": [999, 1001]}`, `"1_000"`, true, ""},
		{"infinity", `{"type": "range", "range": [1, 2]}`, `"-Infinity"`, false, ""},
		{"huge exponent", `{"type": "range", "range": [1, 2]}`, `"1e999999999999"`, false, ""},
		{"tiny exponent", `{"type": "range", "range": [0, 2]}`, `"1e-999999999999"`, true, ""},
		{"tiny negative", `{"type": "range", "range": [0, 2]}`, `"-1e-999999999999"`, false, ""},
		// Decimal(0.1) is the binary value, a little above the decimal 0.1.
		{"exact as Decimal", `{"type": "range", "range": [0.1, 1]}`, `"0.1"`, false, ""},
		{"non-numeric string is not met", `{"type": "range", "range": [1, 2]}`, `"many"`, false, ""},
		{"NaN is not met", `{"type": "range", "range": [1, 2]}`, `"NaN"`, false, ""},
		{"null value", `{"type": "range", "range": [1, 2]}`, `null`, false, "range tolerance: value is null, not a number"},
		{"object value", `{"type": "range", "range": [1, 2]}`, `{"a": 1}`, false, "value is an object, not a number"},
		{"bad bounds", `{"type": "range", "range": [1]}`, `1`, false, "range must be a list of two numbers"},
		{"non-numeric bound", `{"type": "range", "range": ["a", 2]}`, `1`, false, `bound "a" is not a number`},
	}, Env{})
}

func TestCheckProbe(t *testing.T) {
	original := j(t, `{"type": "probe", "name": "p", "provider": {"type": "python", "module": "m", "func": "f", "arguments": {"x": 1}}}`)
	for _, c := range []struct {
		name   string
		result any
		err    error
		met    bool
	}{
		{"truthy result", "yes", nil, true},
		{"falsy result", int64(0), nil, false},
		{"empty list is falsy", []any{}, nil, false},
		{"failed probe is not met", nil, errors.New("ActivityFailed: boom"), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got *value.Object
			env := Env{RunProbe: func(_ context.Context, p *value.Object) (any, error) {
				got = p
				return c.result, c.err
			}}
			met, err := Check(context.Background(), original, j(t, process), env)
			if err != nil || met != c.met {
				t.Fatalf("Check = %v, %v; want %v", met, err, c.met)
			}
			args := got.Object("provider").Object("arguments")
			if v, _ := args.Get("value"); !value.Equal(v, j(t, process)) {
				t.Fatalf("arguments.value = %v", v)
			}
			if x, _ := args.Get("x"); x != int64(1) {
				t.Fatalf("arguments lost: %v", show(args))
			}
			if original.(*value.Object).Object("provider").Object("arguments").Has("value") {
				t.Fatal("the tolerance itself was modified")
			}
		})
	}
}

func TestCheckProbeErrors(t *testing.T) {
	runner := Env{RunProbe: func(context.Context, *value.Object) (any, error) { return true, nil }}
	runChecks(t, []checkCase{
		{"no arguments", `{"type": "probe", "name": "p", "provider": {"type": "python"}}`, `1`, false, `needs an "arguments" object`},
		{"list arguments", `{"type": "probe", "name": "p", "provider": {"type": "process", "arguments": []}}`, `1`, false, `"arguments" object`},
		{"no provider", `{"type": "probe", "name": "p"}`, `1`, false, "needs a provider object"},
	}, runner)
	runChecks(t, []checkCase{
		{"no runner", `{"type": "probe", "name": "p", "provider": {"type": "python", "arguments": {}}}`, `1`, false, "no probe runner"},
	}, Env{})
}

func TestCheckErrors(t *testing.T) {
	runChecks(t, []checkCase{
		{"float tolerance", `1.5`, `1.5`, false, "not a number"},
		{"null tolerance", `null`, `null`, false, "not null"},
		{"object without type", `{"pattern": "x"}`, `"x"`, false, "tolerance type 'null' is unsupported"},
		{"unknown type", `{"type": "xpath"}`, `"x"`, false, "tolerance type 'xpath' is unsupported"},
	}, Env{})
}

type problem struct{ path, msg string }

func validate(t *testing.T, tol string) []problem {
	t.Helper()
	var got []problem
	Validate(j(t, tol), "$.t", func(path, msg string) { got = append(got, problem{path, msg}) })
	return got
}

func TestValidateAccepts(t *testing.T) {
	for _, tol := range []string{
		`true`, `0`, `200`, `"ok"`, `"${n}"`, `[200, 201]`, `[]`,
		`{"type": "regex", "pattern": "^ok$", "target": "stdout"}`,
		`{"type": "regex", "pattern": "(?P<word>\\w+)\\Z"}`,
		`{"type": "regex", "pattern": "${pat}(?=x)"}`,
		`{"type": "jsonpath", "path": "$.items[*][?(@.name = \"b\")].v", "expect": 2}`,
		`{"type": "jsonpath", "path": "$.items[?@.v == 1]", "count": 1, "target": "body"}`,
		`{"type": "jsonpath", "path": "$.items[${i}]"}`,
		`{"type": "range", "range": [0, 1.5]}`,
		`{"type": "range", "range": [false, true]}`,
		`{"type": "probe", "name": "p", "provider": {"type": "python", "module": "m", "func": "f", "arguments": {}}}`,
	} {
		if got := validate(t, tol); len(got) > 0 {
			t.Errorf("Validate(%s) = %v, want no problems", tol, got)
		}
	}
}

func TestValidateRejects(t *testing.T) {
	for _, c := range []struct {
		tol, path, msg string
	}{
		{`1.5`, "$.t", "tolerance must be a boolean, integer, string, list or object, not a number"},
		{`null`, "$.t", "not null"},
		{`{}`, "$.t", "requires a type"},
		{`{"type": "xpath"}`, "$.t.type", "tolerance type 'xpath' is unsupported"},
		{`{"type": 5}`, "$.t.type", "tolerance type '5' is unsupported"},
		{`{"type": "regex"}`, "$.t", "a regex tolerance requires a pattern"},
		{`{"type": "regex", "pattern": 1}`, "$.t.pattern", "pattern must be a string, not an integer"},
		{`{"type": "regex", "pattern": "("}`, "$.t.pattern", `invalid regex pattern "("`},
		{`{"type": "regex", "pattern": "(a)\\1"}`, "$.t.pattern", `a backreference \1`},
		{`{"type": "regex", "pattern": "(?<!a)b"}`, "$.t.pattern", "a negative lookbehind"},
		{`{"type": "regex", "pattern": "x", "target": 1}`, "$.t.target", "target must be a string, not an integer"},
		{`{"type": "jsonpath"}`, "$.t", "a jsonpath tolerance requires a path"},
		{`{"type": "jsonpath", "path": " "}`, "$.t.path", "path cannot be empty"},
		{`{"type": "jsonpath", "path": "items"}`, "$.t.path", "invalid JSONPath"},
		{`{"type": "jsonpath", "path": "$.a[?(@.b)]"}`, "$.t.path", `ambiguous`},
		{`{"type": "jsonpath", "path": "$.a", "count": "2"}`, "$.t.count", "count must be an integer, not a string"},
		{`{"type": "jsonpath", "path": "$.a", "count": 1.5}`, "$.t.count", "count must be an integer, not a number"},
		{`{"type": "range"}`, "$.t", "a range tolerance requires a range"},
		{`{"type": "range", "range": "1-2"}`, "$.t.range", "range must be a list of two numbers, not a string"},
		{`{"type": "range", "range": [1, 2, 3]}`, "$.t.range", "exactly two numbers"},
		{`{"type": "range", "range": [1, "2"]}`, "$.t.range[1]", "range bounds must be numbers, not a string"},
		{`{"type": "probe", "name": "p", "provider": {"type": "python"}}`, "$.t.provider", `requires "arguments"`},
		{`{"type": "probe", "name": "p", "provider": {"type": "process", "arguments": "-c"}}`,
			"$.t.provider.arguments", "must be an object"},
	} {
		got := validate(t, c.tol)
		if len(got) != 1 || got[0].path != c.path || !strings.Contains(got[0].msg, c.msg) {
			t.Errorf("Validate(%s) = %v, want one problem at %s containing %q", c.tol, got, c.path, c.msg)
		}
	}
}

// TestJSONPathDialect pins how paths are read: jsonpath2 when the Python
// tool accepts them, translated to RFC 9535 (shown), else RFC 9535.
func TestJSONPathDialect(t *testing.T) {
	for _, c := range []struct{ path, shown, err string }{
		{`$.items[*][?(@.name = "b")].v`, `$.items[?@.name == "b"].v`, ""},
		{`$.a.b[0]["c d"]`, `$.a.b[0]["c d"]`, ""},
		{`$..book[*][?(@.price < 10)]`, `$..book[?@.price < 10]`, ""},
		{`$..*[?(@.isbn)]`, `$..[?@.isbn]`, ""},
		{`$.a[*][?(@.x)][?(@.y)]`, `$.a[?(@.x) && (@.y)]`, ""},
		{`$.a[*][?(@.x != "b")]`, `$.a[?@.x && @.x != "b"]`, ""},
		{`$.a[*][?(@.x = @.y)]`, `$.a[?@.x && @.y && @.x == @.y]`, ""},
		{`$.a[*][?(@.x < @.y)]`, `$.a[?@.x < @.y]`, ""},
		{`$.a[*][?(1 < @.x)]`, `$.a[?1 < @.x]`, ""},
		{`$.a[*][?(@.x >= -1.5e3)]`, `$.a[?@.x >= -1500]`, ""},
		{`$.a[*][?(@.tags[*] = "prod")]`, `$.a[?@.tags[?@ == "prod"]]`, ""},
		{`$.a[*][?("prod" = @.tags[*])]`, `$.a[?@.tags[?"prod" == @]]`, ""},
		{`$.a[*][?(@.a = 1 or @.b = 2 and @.c)]`, `$.a[?(@.a == 1 || @.b == 2) && @.c]`, ""},
		{`$.a[*][?(not (@.a = 1 and @.b))]`, `$.a[?!(@.a == 1 && @.b)]`, ""},
		{`$.a[*][?(@.n = null)]`, `$.a[?@.n == null]`, ""},
		{`$.a[*][?(@.s = "q\"\u00e9")]`, `$.a[?@.s == "q\"é"]`, ""},
		{`$.a[?(@.x = $.y)]`, `$.a[?@.x && $.y && @.x == $.y]`, ""},
		{`$.a[1:3]`, `$.a[1:3]`, ""},
		{`$.a[::2]`, `$.a[::2]`, ""},
		{`$.a[-1:]`, `$.a[-1:]`, ""},
		{`$.a[0, 2]`, `$.a[0,2]`, ""},
		{`$["a", "b"]`, `$["a","b"]`, ""},
		{`$.a.*`, `$.a[*]`, ""},
		{`$.a.keys()`, `$.a.keys()`, ""},
		{` $ . a [ 0 ] `, `$.a[0]`, ""},
		// RFC 9535 only: passed through.
		{`$.a[?@.x == 1]`, `$.a[?@.x == 1]`, ""},
		{`$.a[?(@.x == 1 && @.y)]`, `$.a[?(@.x == 1 && @.y)]`, ""},
		{`$['a']`, `$['a']`, ""},
		{`$.a[?length(@.b) > 1]`, `$.a[?length(@.b) > 1]`, ""},
		{`$.true`, `$.true`, ""},
		// Rejected, with the RFC 9535 form to use.
		{`$.a[?(@.x)]`, "", `ambiguous: Chaos Toolkit (jsonpath2) applies a filter [?(...)] that does not follow [*] to the node before it, RFC 9535 to that node's children; to filter the children, write "$.a[?@.x]"`},
		{`$.a[*][?(@.name < "m")]`, "", `jsonpath2 compares only numbers with <`},
		{`$.a[*][?(@.x > true)]`, "", `compares only numbers`},
		{`$..[?(@.v)]`, "", `write ..[?@.v]`},
		{`$.a[*, ?(@.x)]`, "", `a filter in a list of subscripts`},
		{`$.a[@.i]`, "", `a query used as a subscript`},
		{`$.a[*][?(true)]`, "", `a constant (true)`},
		{`$.a[*][?(@.x = {"a": 1})]`, "", `no object or array literals`},
		{`$.a[*][?(@.x.length() = 1)]`, "", `length() inside a filter`},
		{`$.a[*][?(@..x = 1)]`, "", `compares every match of @..x`},
		{`$.a[*][?(@.b[?(@.c)])]`, "", `must follow [*]`},
		{`$.a[length(), 0]`, "", `must be a step of its own`},
		{`$.a[length()]`, `$.a.length()`, ""},
		{`$..length()`, "", `..length() has no RFC 9535 form`},
		{`$.a[9007199254740992]`, "", `outside the range`},
		{`$.a.length(@.x)`, "", `must be literals`},
		{`$.a[?(@.x = 'b')]`, "", `as RFC 9535, invalid comparison operator`},
		{`$.a[?(@.x = 'b')]`, "", `in Chaos Toolkit's jsonpath2 dialect, unexpected character '\''`},
		{`$.a.nope()`, "", `unknown function nope()`},
		{``, "", `empty`},
	} {
		cp, err := compileJSONPath(c.path)
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%s: error = %v, want one containing %q", c.path, err, c.err)
		case c.err == "" && err != nil:
			t.Errorf("%s: unexpected error %v", c.path, err)
		case c.err == "" && cp.shown != c.shown:
			t.Errorf("%s: read as %s, want %s", c.path, cp.shown, c.shown)
		}
	}
}

// TestJSONPathEval checks results, order included, against what jsonpath2
// gives on the same document.
func TestJSONPathEval(t *testing.T) {
	doc := j(t, `{"store": {"book": [
		{"title": "A", "price": 8.95, "tags": ["x"]},
		{"title": "B", "price": 12.99, "isbn": "1"},
		{"title": "C", "price": 8.99, "isbn": "2"}],
		"bicycle": {"color": "red", "price": 19.95}},
		"name": "héllo"}`)
	for _, c := range []struct{ path, want string }{
		{`$.store.book[*].title`, `["A","B","C"]`},
		{`$..price`, `[8.95,12.99,8.99,19.95]`},
		{`$.store.*`, `[[{"title":"A","price":8.95,"tags":["x"]},{"title":"B","price":12.99,"isbn":"1"},{"title":"C","price":8.99,"isbn":"2"}],{"color":"red","price":19.95}]`},
		{`$..book[*][?(@.isbn)].title`, `["B","C"]`},
		{`$..book[*][?(@.price < 10)].title`, `["A","C"]`},
		{`$..book[*][?(@.isbn != "1")].title`, `["C"]`},
		{`$..book[*][?(@.tags[*] = "x")].title`, `["A"]`},
		{`$..book[-1:].title`, `["C"]`},
		{`$..book[0,2].title`, `["A","C"]`},
		{`$..book[::-1].title`, `["C","B","A"]`}, // RFC 9535 and Python slices; jsonpath2 finds nothing
		{`$.store.book.length()`, `[3]`},
		{`$.store.bicycle.keys()`, `[["color","price"]]`},
		{`$.store.bicycle.values()`, `[["red",19.95]]`},
		{`$.store.bicycle.entries()`, `[[["color","red"],["price",19.95]]]`},
		{`$.name.length()`, `[5]`},
		{`$.name.charAt(1)`, `["é"]`},
		{`$.name.charAt(-1)`, `["o"]`},
		{`$.name.charAt(9)`, `[]`},
		{`$.name.substring(1)`, `["éllo"]`},
		{`$.name.substring(1, -1)`, `["éll"]`},
		{`$.name.substring(4, 2)`, `[""]`},
		{`$.store.book.keys()`, `[]`},
		{`$.store.bicycle[?(@.color = "red")].price`, `[19.95]`},
		{`$.store.bicycle[?(@.color = "blue")].price`, `[]`},
		{`$.store.book[?@.price > 10].title`, `["B"]`},
		{`$..book[?@.price > 10]..title`, `["B"]`},
		{`$`, `[` + encode(doc) + `]`},
	} {
		cp, err := compileJSONPath(c.path)
		if err != nil {
			t.Errorf("%s: %v", c.path, err)
			continue
		}
		if got := encode(cp.eval(doc)); got != c.want {
			t.Errorf("%s = %s, want %s", c.path, got, c.want)
		}
	}
}

func TestTranslateRegex(t *testing.T) {
	for _, c := range []struct{ python, goRE, err string }{
		{`^ok$`, `^ok(?:\n?\z)`, ""},
		{`(?m)^ok$`, `(?m)^ok$`, ""},
		{`(?m:a$)b$`, `(?m:a$)b(?:\n?\z)`, ""},
		{`(?-m:a$)`, `(?-m:a(?:\n?\z))`, ""},
		{`a\Z`, `a\z`, ""},
		{`(?P<x>\d+)`, `(?P<x>\d+)`, ""},
		{`x{,3}y{2,}z{,}`, `x{0,3}y{2,}z{0,}`, ""},
		{`a{}`, `a\{}`, ""},
		{`[[:alpha:]]`, `[\[:alpha:]]`, ""},
		{`[]a]`, `[\]a]`, ""},
		{`[\b]`, `[\x08]`, ""},
		{`\u00e9\U0001F600\x41`, `\x{e9}\x{1f600}\x{41}`, ""},
		{`\0\012\101`, `\x{0}\x{a}\x{41}`, ""},
		{`[\101-\132]`, `[\x{41}-\x{5a}]`, ""},
		{`(?#note)a`, `a`, ""},
		{`(?au)a`, `a`, ""},
		{`(?ai:a)`, `(?i:a)`, ""},
		{`\é\.`, `é\.`, ""},
		{`a*?b+?`, `a*?b+?`, ""},
		{`(a)\1`, "", `a backreference \1`},
		{`(a)\12`, "", `a backreference \12`},
		{`(?P<a>x)(?P=a)`, "", "a backreference (?P=name)"},
		{`a(?=b)`, "", "a lookahead"},
		{`a(?!b)`, "", "a negative lookahead"},
		{`(?<=a)b`, "", "a lookbehind"},
		{`(?>a)`, "", "an atomic group"},
		{`(a)?(?(1)b|c)`, "", "a conditional group"},
		{`a++`, "", "a possessive quantifier"},
		{`a{2}+`, "", "a possessive quantifier"},
		{`(?x) a`, "", "verbose mode"},
		{`(?L)a`, "", "the locale flag"},
		{`\N{DASH}`, "", `named Unicode escapes`},
		{`\q`, "", `bad escape \q`},
		{`[\8]`, "", `bad escape \8`},
		{`\u12`, "", `incomplete escape \u12`},
		{`[a`, "", "unterminated character set"},
		{`a\`, "", "ends with a backslash"},
		{`(?#a`, "", "unterminated comment"},
		{`(?i`, "", "unterminated flag group"},
		{`(?q)`, "", "unknown flag"},
		{`\777`, "", `above \377`},
	} {
		got, err := translateRegex(c.python)
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%q: error = %v, want one containing %q", c.python, err, c.err)
		case c.err == "" && (err != nil || got != c.goRE):
			t.Errorf("%q = %q, %v; want %q", c.python, got, err, c.goRE)
		}
		if c.err == "" {
			if _, err := regexp.Compile(got); err != nil {
				t.Errorf("%q: translation %q does not compile: %v", c.python, got, err)
			}
		}
	}
}

func TestParseDecimal(t *testing.T) {
	for _, c := range []struct {
		in      string
		numeric bool
		want    string // big.Rat form, or "+inf"/"-inf"
	}{
		{"42", true, "42/1"}, {" -1.5 ", true, "-3/2"}, {"+.5", true, "1/2"}, {"1.", true, "1/1"},
		{"1e3", true, "1000/1"}, {"2E-1", true, "1/5"}, {"1_000", true, "1000/1"},
		{"inf", true, "+inf"}, {"-Infinity", true, "-inf"},
		{"", false, ""}, {".", false, ""}, {"e5", false, ""}, {"1__0", false, ""}, {"_1", false, ""},
		{"NaN", false, ""}, {"sNaN", false, ""}, {"0x10", false, ""}, {"1 2", false, ""},
	} {
		d, numeric := parseDecimal(c.in)
		got := ""
		switch {
		case !numeric:
		case d.inf > 0:
			got = "+inf"
		case d.inf < 0:
			got = "-inf"
		default:
			got = d.r.String()
		}
		if numeric != c.numeric || got != c.want {
			t.Errorf("parseDecimal(%q) = %s, %v; want %s, %v", c.in, got, numeric, c.want, c.numeric)
		}
	}
}

func TestCacheIsBounded(t *testing.T) {
	var c cache[int]
	for i := 0; i < 3*cacheSize; i++ {
		n, _ := c.get(fmt.Sprint(i), func(string) (int, error) { return i, nil })
		if n != i {
			t.Fatalf("get(%d) = %d", i, n)
		}
	}
	if len(c.m) > cacheSize {
		t.Fatalf("cache holds %d entries, more than %d", len(c.m), cacheSize)
	}
	if _, err := c.get("bad", func(string) (int, error) { return 0, errors.New("boom") }); err == nil {
		t.Fatal("error not returned")
	}
	if _, err := c.get("bad", func(string) (int, error) { return 1, nil }); err == nil {
		t.Fatal("error not cached")
	}
}

// TestCheckConcurrently runs checks in parallel for the race detector: the
// caches and compiled paths are shared.
func TestCheckConcurrently(t *testing.T) {
	tols := []any{
		j(t, `{"type": "jsonpath", "path": "$.items[*][?(@.v > 1)].v", "expect": 2}`),
		j(t, `{"type": "regex", "pattern": "^b$", "target": "name"}`),
		j(t, `{"type": "range", "range": [1, 2], "target": "v"}`),
	}
	outputs := []any{
		j(t, `{"items": [{"v": 1}, {"v": 2}]}`),
		j(t, `{"name": "b\n"}`),
		j(t, `{"v": 1.5}`),
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				k := i % len(tols)
				if met, err := Check(context.Background(), tols[k], outputs[k], Env{}); !met || err != nil {
					t.Errorf("check %d = %v, %v", k, met, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
