package schema

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/chaostracing/chaostracing/value"
)

func TestSchemaIsDraft202012WithItsID(t *testing.T) {
	raw := load().raw.(map[string]any)
	if raw["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
		t.Errorf("$schema = %v", raw["$schema"])
	}
	if raw["$id"] != ID {
		t.Errorf("$id = %v, want %s", raw["$id"], ID)
	}
}

// The compiler checks the schema against the draft 2020-12 metaschema: the
// embedded one passes, and a broken copy does not.
func TestCompileChecksTheSchemaAgainstTheMetaschema(t *testing.T) {
	if _, err := compile(document); err != nil {
		t.Fatalf("the embedded schema does not compile: %v", err)
	}
	broken := bytes.Replace(document, []byte(`"type": "boolean"`), []byte(`"type": "yes-or-no"`), 1)
	_, err := compile(broken)
	var invalid *jsonschema.SchemaValidationError
	if !errors.As(err, &invalid) {
		t.Fatalf("a schema with an unknown type compiled: err = %v", err)
	}
}

// Editors show a title and a description on hover: every property, item,
// additional property and definition has both, or is a bare $ref to a
// definition that has them.
func TestEverySchemaHasATitleAndADescription(t *testing.T) {
	raw := load().raw.(map[string]any)
	count := 0
	walkSchemas(raw, "#", func(at string, s map[string]any) {
		count++
		if _, bare := s["$ref"]; bare && len(s) == 1 {
			return
		}
		for _, key := range []string{"title", "description"} {
			if text, _ := s[key].(string); strings.TrimSpace(text) == "" {
				t.Errorf("%s has no %s", at, key)
			}
		}
	})
	if count < 100 {
		t.Errorf("only %d schemas walked; the walk misses some", count)
	}
}

// walkSchemas calls f for the schema s and every schema that documents a
// value under it: properties, additional properties, items and $defs (not
// the conditions and branches of if/then/else, which apply in place).
func walkSchemas(s map[string]any, at string, f func(string, map[string]any)) {
	f(at, s)
	for _, key := range []string{"properties", "$defs"} {
		members, _ := s[key].(map[string]any)
		for name, m := range members {
			if sub, ok := m.(map[string]any); ok {
				walkSchemas(sub, at+"/"+key+"/"+name, f)
			}
		}
	}
	for _, key := range []string{"additionalProperties", "items"} {
		if sub, ok := s[key].(map[string]any); ok {
			walkSchemas(sub, at+"/"+key, f)
		}
	}
}

// activityDoc returns a one-activity experiment whose method activity is
// written as JSON.
func activityDoc(activity string) string {
	return `{"title": "t", "description": "d", "method": [` + activity + `]}`
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name, doc string
		path, msg string // the one violation expected; "" for none
	}{
		{"minimal", `{"title": "t", "description": "d", "method": []}`, "", ""},
		{"every provider", `{"title": "t", "description": "d", "method": [
			{"type": "action", "name": "p", "provider": {"type": "process", "path": "true", "arguments": ["-c", 1], "timeout": 3}},
			{"type": "probe", "name": "h", "provider": {"type": "http", "url": "${base}/x", "headers": {"N": 1, "Z": null}, "timeout": [1, 2.5], "arguments": [["k", "v"]]}},
			{"type": "probe", "name": "y", "provider": {"type": "python", "module": "os.path", "func": "exists", "arguments": {"path": "/"}, "secrets": ["s"]}},
			{"ref": "p", "background": true}]}`, "", ""},
		{"every tolerance", `{"title": "t", "description": "d", "method": [], "steady-state-hypothesis": {"title": "h", "probes": [
			{"type": "probe", "name": "a", "tolerance": [0, 1], "provider": {"type": "process", "path": "true"}},
			{"type": "probe", "name": "b", "tolerance": {"type": "regex", "pattern": "ok", "target": "stdout"}, "provider": {"type": "process", "path": "true"}},
			{"type": "probe", "name": "c", "tolerance": {"type": "jsonpath", "path": "$.a", "count": 1}, "provider": {"type": "process", "path": "true"}},
			{"type": "probe", "name": "d", "tolerance": {"type": "range", "range": [0, 1.5]}, "provider": {"type": "process", "path": "true"}},
			{"type": "probe", "name": "e", "tolerance": {"type": "probe", "name": "t", "provider": {"type": "python", "module": "m", "func": "f", "arguments": {}}}, "provider": {"type": "process", "path": "true"}},
			{"ref": "a", "tolerance": true}]}}`, "", ""},
		{"configuration, secrets, controls, runtime", `{"title": "t", "description": "d", "method": [],
			"configuration": {"port": {"type": "env", "key": "PORT", "default": 80, "env_var_type": "int"}, "leader": {"type": "probe", "provider": {"type": "process", "path": "find-leader"}}},
			"secrets": {"s": {"a": {"type": "env", "key": "A"}, "v": {"type": "vault", "path": "app/x", "key": "k"}, "nested": {"x": 1}},
			  "k8s": {"type": "vault", "path": "app/k8s"}},
			"controls": [{"name": "c", "provider": {"type": "python", "module": "m"}, "scope": "after", "automatic": false}],
			"runtime": {"rollbacks": {"strategy": "always"}, "hypothesis": {"strategy": "continously"}}}`, "", ""},

		{"not an object", `[1]`, "$", "Chaos Toolkit experiment: must be an object, not a list"},
		{"no method", `{"title": "t", "description": "d"}`, "$", "missing property 'method'"},
		{"empty title", `{"title": "", "description": "d", "method": []}`, "$.title", "Experiment title: minLength"},
		{"tag", `{"title": "t", "description": "d", "method": [], "tags": ["a", 3]}`, "$.tags[1]", "Tag: must be a string, not a number"},
		{"provider null", activityDoc(`{"type": "action", "name": "a", "provider": null}`), "$.method[0].provider", "Provider: must be an object, not null"},
		{"header value", activityDoc(`{"type": "probe", "name": "a", "provider": {"type": "http", "url": "http://h", "headers": {"X-Ids": [1, 2]}}}`),
			"$.method[0].provider.headers.X-Ids", "HTTP header value: must be null, a number or a string, not a list"},
		{"url scheme", activityDoc(`{"type": "probe", "name": "a", "provider": {"type": "http", "url": "localhost:8080/health"}}`),
			"$.method[0].provider.url", "URL: must start with http:// or https://"},
		{"pause", activityDoc(`{"type": "action", "name": "a", "provider": {"type": "process", "path": "x"}, "pauses": {"after": "ten"}}`),
			"$.method[0].pauses.after", "Pause after: must be a number, or exactly ${name}"},
		{"http timeout", activityDoc(`{"type": "probe", "name": "a", "provider": {"type": "http", "url": "http://h", "timeout": "${t} s"}}`),
			"$.method[0].provider.timeout", "HTTP timeout: must be a number, [connect, read], or exactly ${name}"},
		{"process without path", activityDoc(`{"type": "action", "name": "a", "provider": {"type": "process"}}`),
			"$.method[0].provider", "Process provider: missing property 'path'"},
		{"activity type", activityDoc(`{"type": "check", "name": "a", "provider": {"type": "process", "path": "x"}}`),
			"$.method[0].type", "Activity type: value must be one of 'probe', 'action'"},
		{"ref type", activityDoc(`{"ref": 3}`), "$.method[0].ref", "Reference: must be a string, not a number"},
		{"float tolerance", `{"title": "t", "description": "d", "method": [], "steady-state-hypothesis": {"title": "h", "probes": [
			{"type": "probe", "name": "a", "tolerance": 0.5, "provider": {"type": "process", "path": "true"}}]}}`,
			`$.steady-state-hypothesis.probes[0].tolerance`, "Tolerance: must be a boolean, an integer, a string, a list or an object, not a number"},
		{"probe tolerance arguments", `{"title": "t", "description": "d", "method": [], "steady-state-hypothesis": {"title": "h", "probes": [
			{"type": "probe", "name": "a", "tolerance": {"type": "probe", "name": "t", "provider": {"type": "python", "module": "m", "func": "f"}}, "provider": {"type": "process", "path": "true"}}]}}`,
			`$.steady-state-hypothesis.probes[0].tolerance.provider`, "Tolerance probe provider: missing property 'arguments'"},
		{"env without key", `{"title": "t", "description": "d", "method": [], "configuration": {"p": {"type": "env"}}}`,
			"$.configuration.p", "Environment variable: missing property 'key'"},
		{"dynamic configuration without provider", `{"title": "t", "description": "d", "method": [], "configuration": {"leader": {"type": "probe"}}}`,
			"$.configuration.leader", "Dynamic configuration: missing property 'provider'"},
		{"vault path", `{"title": "t", "description": "d", "method": [], "secrets": {"s": {"p": {"type": "vault", "path": 3}}}}`,
			"$.secrets.s.p.path", "Vault path: must be a string, not a number"},
		{"strategy", `{"title": "t", "description": "d", "method": [], "runtime": {"hypothesis": {"strategy": "sometimes"}}}`,
			"$.runtime.hypothesis.strategy", "Hypothesis strategy: value must be one of"},
		{"control without provider", `{"title": "t", "description": "d", "method": [], "controls": [{"name": "c"}]}`,
			"$.controls[0]", "Control: missing property 'provider'"},
		{"key needing brackets", `{"title": "t", "description": "d", "method": [], "secrets": {"my scope": 3}}`,
			`$.secrets["my scope"]`, "Secrets scope: must be an object, not a number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, _, err := value.ParseJSON([]byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			got := Validate(doc)
			if tt.path == "" {
				if len(got) != 0 {
					t.Fatalf("violations of a valid document: %v", got)
				}
				return
			}
			if len(got) != 1 || got[0].Path != tt.path || !strings.Contains(got[0].Msg, tt.msg) {
				t.Fatalf("got %v, want one violation at %s saying %q", got, tt.path, tt.msg)
			}
		})
	}
}

// The Python tool accepts keys it does not know everywhere and leaves some
// values unchecked; so does the schema, even where chaostracing's decoder
// is stricter (blank strings, provider and control types, dry modes).
func TestValidateAcceptsWhatChaosToolkitAccepts(t *testing.T) {
	docs := map[string]string{
		"extra keys everywhere": `{"title": "t", "description": "d", "x-team": "sre", "$schema": "./experiment.schema.json",
			"extensions": [{"name": "chaosiq", "experiment_id": "1"}], "contributions": {"availability": "high"},
			"steady-state-hypothesis": {"title": "h", "probes": [], "x": 1},
			"method": [{"type": "action", "name": "a", "x": 1, "provider": {"type": "process", "path": "p", "x": 1}, "pauses": {"before": 1, "x": 1}}],
			"controls": [{"name": "c", "x": 1, "provider": {"type": "python", "module": "m", "x": 1}}],
			"runtime": {"x": 1, "rollbacks": {"strategy": "never", "x": 1}}}`,
		"blank strings": `{"title": " ", "description": " ", "method": []}`,
		"null blocks": `{"title": "t", "description": "d", "method": [], "tags": null, "configuration": null, "secrets": null,
			"steady-state-hypothesis": null, "rollbacks": null, "controls": null, "runtime": null}`,
		"provider type of an embedding program": activityDoc(`{"type": "action", "name": "a", "provider": {"type": "ssh", "host": "h"}}`),
		"any dry mode":                          activityDoc(`{"type": "action", "name": "a", "dry": "sometimes", "provider": {"type": "process", "path": "p"}}`),
		"ref entry with other keys":             activityDoc(`{"ref": "a", "type": 3, "name": null}`),
		"control of another provider type":      `{"title": "t", "description": "d", "method": [], "controls": [{"name": "c", "provider": {"type": "http"}}]}`,
		"url with a ${name} scheme":             activityDoc(`{"type": "probe", "name": "a", "provider": {"type": "http", "url": "${scheme}://h", "method": "get"}}`),
		"deprecated object process arguments":   activityDoc(`{"type": "action", "name": "a", "provider": {"type": "process", "path": "p", "arguments": {"-n": 1}}}`),
	}
	for name, doc := range docs {
		t.Run(name, func(t *testing.T) {
			v, _, err := value.ParseJSON([]byte(doc))
			if err != nil {
				t.Fatal(err)
			}
			if got := Validate(v); len(got) != 0 {
				t.Errorf("rejected: %v", got)
			}
		})
	}
}

// One mistake, one message: a value that breaks several keywords of the
// schema at once is reported once.
func TestValidateReportsOnePathOnce(t *testing.T) {
	doc, _, _ := value.ParseJSON([]byte(`{"title": "t", "description": "d", "method": [], "steady-state-hypothesis": {"title": "h",
		"probes": [{"type": "probe"}]}}`))
	got := Validate(doc)
	if len(got) != 1 || got[0].Path != "$.steady-state-hypothesis.probes[0]" {
		t.Errorf("got %v, want one violation at the probe (no name, no provider, no tolerance)", got)
	}
}

func TestJSONIsTheEmbeddedDocument(t *testing.T) {
	out := JSON()
	if !bytes.Equal(out, document) {
		t.Fatal("JSON() differs from the embedded document")
	}
	out[0] = 'x'
	if document[0] == 'x' {
		t.Error("JSON() hands out the embedded document itself")
	}
}

// manyActivities returns an experiment of n process probes, as the run
// package's benchmark builds.
func manyActivities(n int) any {
	items := make([]string, n)
	for i := range items {
		items[i] = fmt.Sprintf(`{"type": "probe", "name": "true-%04d", "provider": {"type": "process", "path": "true"}}`, i)
	}
	doc, _, err := value.ParseJSON([]byte(activityDoc(strings.Join(items, ","))))
	if err != nil {
		panic(err)
	}
	return doc
}

// BenchmarkCompile is what the first validation of a process pays once:
// the library's draft 2020-12 metaschema, the check of the schema against
// it, and the schema's compilation.
func BenchmarkCompile(b *testing.B) {
	for b.Loop() {
		if _, err := compile(document); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidate1000Activities is the schema's share of validating an
// experiment of 1,000 activities; experiment.BenchmarkDecode1000Activities
// is the whole format check.
func BenchmarkValidate1000Activities(b *testing.B) {
	doc := manyActivities(1000)
	load()
	for b.Loop() {
		if v := Validate(doc); len(v) != 0 {
			b.Fatal(v)
		}
	}
}
