package functional

import (
	"strings"
	"testing"
)

const okActivity = `{"type": "action", "name": "a", "provider": {"type": "process", "path": "true"}}`

// exp wraps a method and extra top-level members into an experiment.
func badExp(method, extra string) string {
	return `{"title": "t", "description": "d", "method": [` + method + `]` + extra + `}`
}

func badHypothesis(probe string) string {
	return badExp(okActivity, `, "steady-state-hypothesis": {"title": "h", "probes": [`+probe+`]}`)
}

func badProbe(tolerance string) string {
	return badHypothesis(`{"type": "probe", "name": "p", "provider": {"type": "process", "path": "true"}, "tolerance": ` + tolerance + `}`)
}

// Every malformed experiment gets a located, readable error and exit 1
// from `validate` (and `run`), never a panic or a stack trace.
func TestBadInputIsReportedNotCrashedOn(t *testing.T) {
	deep := strings.Repeat("[", 100000) + strings.Repeat("]", 100000)
	huge := badExp(okActivity, `, "tags": ["`+strings.Repeat("x", 70<<20)+`"]`)
	tests := []struct {
		name, doc, want string
	}{
		{"empty file", "", "empty experiment"},
		{"whitespace", "  \n ", "empty experiment"},
		{"binary garbage", "\x00\x01\x02\xff\xfe{\x00", "control characters are not allowed"},
		{"json syntax", `{"title": "t",, }`, ":1:"},
		{"truncated json", `{"title": "t", "method": [`, "unexpected end"},
		{"trailing data", badExp(okActivity, "") + ` {}`, "after the document"},
		{"yaml syntax", "title: t\n  bad: [\n", "-:2:1: mapping values are not allowed"},
		{"yaml tab indent", "title: t\nmethod:\n\t- x\n", "-:3:1:"},
		{"deep nesting", deep, "max depth"},
		{"huge file", huge, "larger than"},
		{"top level list", `[1, 2]`, "empty experiment"},
		{"title wrong type", `{"title": 3, "description": "d", "method": []}`, "title must be a string"},
		{"no description", `{"title": "t", "method": []}`, "requires a description"},
		{"no method", `{"title": "t", "description": "d"}`, "requires a method"},
		{"method object", `{"title": "t", "description": "d", "method": {}}`, "method must be a list"},
		{"tags not strings", badExp(okActivity, `, "tags": [1]`), "$.tags[0]"},
		{"configuration list", badExp(okActivity, `, "configuration": []`), "configuration must be an object"},
		{"env without key", badExp(okActivity, `, "configuration": {"x": {"type": "env"}}`), "requires a key"},
		{"invalid env var type", badExp(okActivity, `, "configuration": {"x": {"type": "env", "key": "X", "env_var_type": "decimal"}}`), "env_var_type 'decimal'"},
		{"missing env var", badExp(okActivity, `, "configuration": {"x": {"type": "env", "key": "CT_SURELY_UNSET_VAR"}}`), "CT_SURELY_UNSET_VAR"},
		{"secrets scope string", badExp(okActivity, `, "secrets": {"s": "v"}`), "secrets scope must be an object"},
		{"vault secret without path", badExp(okActivity, `, "secrets": {"s": {"k": {"type": "vault", "key": "p"}}}`), "a vault entry requires a path"},
		{"activity not object", badExp(`"a"`, ""), "$.method[0]"},
		{"unknown activity type", badExp(`{"type": "check", "name": "a", "provider": {"type": "process", "path": "true"}}`, ""), "'check' is not a supported activity type"},
		{"activity without name", badExp(`{"type": "action", "provider": {"type": "process", "path": "true"}}`, ""), "requires a name"},
		{"activity without provider", badExp(`{"type": "action", "name": "a"}`, ""), "requires a provider"},
		{"unknown provider", badExp(`{"type": "action", "name": "a", "provider": {"type": "ssh"}}`, ""), "unknown provider type 'ssh'"},
		{"provider without type", badExp(`{"type": "action", "name": "a", "provider": {}}`, ""), "must have a type"},
		{"missing binary", badExp(`{"type": "action", "name": "a", "provider": {"type": "process", "path": "/nonexistent/bin"}}`, ""), "cannot be found"},
		{"shell operators in arguments", badExp(`{"type": "action", "name": "a", "provider": {"type": "process", "path": "echo", "arguments": "a | b"}}`, ""), "sh"},
		{"http without url", badExp(`{"type": "action", "name": "a", "provider": {"type": "http"}}`, ""), "requires a url"},
		{"http timeout triple", badExp(`{"type": "action", "name": "a", "provider": {"type": "http", "url": "http://x", "timeout": [1, 2, 3]}}`, ""), "[connect, read]"},
		{"python without func", badExp(`{"type": "action", "name": "a", "provider": {"type": "python", "module": "os"}}`, ""), "requires a func"},
		{"python missing module", badExp(`{"type": "action", "name": "a", "provider": {"type": "python", "module": "ct_no_such_module", "func": "f"}}`, ""), "ct_no_such_module"},
		{"pause not a number", badExp(`{"type": "action", "name": "a", "provider": {"type": "process", "path": "true"}, "pauses": {"after": "soon"}}`, ""), "after must be a number"},
		{"background not bool", badExp(`{"type": "action", "name": "a", "provider": {"type": "process", "path": "true"}, "background": "yes"}`, ""), "background must be true or false"},
		{"missing ref", badExp(`{"ref": "nope"}`, ""), "'nope' could not be found"},
		{"ref to a ref", badExp(`{"type": "action", "name": "a", "provider": {"type": "process", "path": "true"}}, {"ref": "b"}, {"name": "b", "ref": "a"}`, ""), "could not be found"},
		{"probe without tolerance", badHypothesis(`{"type": "probe", "name": "p", "provider": {"type": "process", "path": "true"}}`), "must have a tolerance"},
		{"float tolerance", badProbe(`1.5`), "tolerance"},
		{"unknown tolerance type", badProbe(`{"type": "near"}`), "'near' is unsupported"},
		{"invalid regex", badProbe(`{"type": "regex", "pattern": "(unclosed"}`), "pattern"},
		{"unsupported regex lookahead", badProbe(`{"type": "regex", "pattern": "a(?=b)"}`), "look"},
		{"invalid jsonpath", badProbe(`{"type": "jsonpath", "path": "$[?("}`), "path"},
		{"range of one", badProbe(`{"type": "range", "range": [1]}`), "range"},
		{"bad runtime strategy", badExp(okActivity, `, "runtime": {"hypothesis": {"strategy": "sometimes"}}`), "'sometimes' is not one of"},
		{"control without provider", badExp(okActivity, `, "controls": [{"name": "c"}]`), "requires a provider"},
		{"control bad scope", badExp(okActivity, `, "controls": [{"name": "c", "scope": "around", "provider": {"type": "python", "module": "chaostracing.oltp"}}]`), "scope 'around'"},
		{"unknown control module", badExp(okActivity, `, "controls": [{"name": "c", "provider": {"type": "python", "module": "ct_no_such_control"}}]`), "ct_no_such_control"},
	}
	if len(tests) < 40 {
		t.Fatalf("only %d cases", len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := chaostracing(t, invocation{args: []string{"validate", "--no-log-file", "-"}, stdin: []byte(tt.doc)})
			if res.code != 1 {
				t.Errorf("exit %d, want 1\n%s", res.code, res.stderr)
			}
			if !strings.Contains(res.stderr, tt.want) {
				t.Errorf("error does not mention %q:\n%s", tt.want, res.stderr)
			}
			for _, crash := range []string{"panic", "goroutine ", ".go:"} {
				if strings.Contains(res.stderr, crash) {
					t.Errorf("crash output (%q):\n%s", crash, res.stderr)
				}
			}
		})
	}
}
