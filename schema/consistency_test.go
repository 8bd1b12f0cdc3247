package schema_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/schema"
)

// published is the schema document as a plain tree.
func published(t *testing.T) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(schema.JSON(), &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// properties returns the properties of the definition named def, or of
// the root when def is "".
func properties(t *testing.T, doc map[string]any, def string) map[string]any {
	t.Helper()
	s := doc
	if def != "" {
		s, _ = doc["$defs"].(map[string]any)[def].(map[string]any)
	}
	props, _ := s["properties"].(map[string]any)
	if len(props) == 0 {
		t.Fatalf("the schema has no properties for %q", def)
	}
	return props
}

// formatTables maps each section of docs/experiment-format.md whose first
// table lists keys to the schema definition that must document them.
var formatTables = map[string]string{
	"## Top-level keys": "",
	"## Activities":     "activityDefinition",
	"### process":       "processProvider",
	"### http":          "httpProvider",
	"### python":        "pythonProvider",
	"## Controls":       "control",
}

// The schema cannot drift from the format's reference page: every key a
// table of docs/experiment-format.md lists is a property of the matching
// schema definition.
func TestSchemaDocumentsEveryKeyOfTheFormatPage(t *testing.T) {
	page, err := os.ReadFile("../docs/experiment-format.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := published(t)
	for heading, def := range formatTables {
		keys := tableKeys(string(page), heading)
		if len(keys) < 3 {
			t.Errorf("%s: found %d keys in its table, the page's layout changed", heading, len(keys))
		}
		for _, key := range keys {
			props := properties(t, doc, def)
			if key == "ref" && def == "activityDefinition" {
				props = properties(t, doc, "activityReference")
			}
			if _, ok := props[key]; !ok {
				t.Errorf("%s lists %q, which the schema's %q does not document", heading, key, def)
			}
		}
	}
}

var keyCell = regexp.MustCompile("^\\| `([^`]+)` \\|")

// tableKeys returns the keys in the first column of the first table under
// heading, up to the next heading.
func tableKeys(page, heading string) []string {
	_, section, _ := strings.Cut(page, "\n"+heading+"\n")
	var keys []string
	for _, line := range strings.Split(section, "\n") {
		if strings.HasPrefix(line, "#") {
			break
		}
		if m := keyCell.FindStringSubmatch(line); m != nil {
			keys = append(keys, m[1])
		}
	}
	return keys
}

// The schema's closed lists are the decoder's: what one accepts, the other
// does too.
func TestSchemaChoicesAreTheDecoders(t *testing.T) {
	doc := published(t)
	defs := doc["$defs"].(map[string]any)
	choice := func(def string, path ...string) []string {
		s := defs[def].(map[string]any)
		for _, p := range path {
			s = s["properties"].(map[string]any)[p].(map[string]any)
		}
		var out []string
		for _, v := range s["enum"].([]any) {
			out = append(out, v.(string))
		}
		return out
	}
	tests := []struct {
		name         string
		schema, want []string
	}{
		{"rollback strategies", choice("runtime", "rollbacks", "strategy"), experiment.RollbackStrategies},
		{"hypothesis strategies", choice("runtime", "hypothesis", "strategy"), experiment.HypothesisStrategies},
		{"env_var_type", choice("envConfiguration", "env_var_type"), experiment.EnvVarTypes},
	}
	for _, tt := range tests {
		if !slices.Equal(tt.schema, tt.want) {
			t.Errorf("%s: schema %v, decoder %v", tt.name, tt.schema, tt.want)
		}
	}
	var dry []string
	for _, v := range properties(t, doc, "activityDefinition")["dry"].(map[string]any)["examples"].([]any) {
		dry = append(dry, v.(string))
	}
	if !slices.Equal(dry, experiment.DryModes) {
		t.Errorf("dry modes: schema suggests %v, decoder accepts %v", dry, experiment.DryModes)
	}
}

// parsed returns the documents of the experiment files matching patterns,
// by file name.
func parsed(tb testing.TB, patterns ...string) map[string]any {
	tb.Helper()
	docs := map[string]any{}
	for _, pattern := range patterns {
		files, _ := filepath.Glob(pattern)
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				tb.Fatal(err)
			}
			if docs[f], _, err = experiment.Parse(f, data); err != nil {
				tb.Fatal(err)
			}
		}
	}
	return docs
}

var examples = []string{"../examples/*.json", "../examples/*.yaml", "../examples/*/*.json"}

// Every example and every reference experiment of the Python tool
// validates against the schema, except the one the Python tool found
// invalid.
func TestExamplesAndReferenceExperimentsValidate(t *testing.T) {
	docs := parsed(t, append(examples, "../../shared/ctk/reference/experiments/*.json")...)
	if len(docs) < 25 {
		t.Fatalf("found %d experiments, want the examples and the reference experiments", len(docs))
	}
	for f, doc := range docs {
		violations := schema.Validate(doc)
		if invalid := filepath.Base(f) == "invalid.json"; invalid != (len(violations) > 0) {
			t.Errorf("%s: violations %v", f, violations)
		}
	}
}

// BenchmarkValidateExamples is the schema's share of validating each
// example, once the schema is compiled.
func BenchmarkValidateExamples(b *testing.B) {
	docs := parsed(b, examples...)
	for f, doc := range docs {
		schema.Validate(doc)
		b.Run(filepath.Base(f), func(b *testing.B) {
			for b.Loop() {
				schema.Validate(doc)
			}
		})
	}
}
