package functional

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chaostracing/chaostracing/schema"
)

// schemaCaught is an experiment whose only mistakes are ones the JSON
// Schema catches and the hand-written rules let through.
const schemaCaught = `title: Header values the schema catches
description: A list is no HTTP header value, and a URL needs its scheme
method:
  - type: probe
    name: health
    provider:
      type: http
      url: localhost:8080/health
      headers:
        X-Ids: [1, 2]
`

// validate and run (even with --no-validation) report what only the
// schema catches as they report every problem: file, JSONPath, line:col,
// message; and run runs nothing.
func TestSchemaViolationsAreReportedWithLineAndColumn(t *testing.T) {
	path := filepath.Join(t.TempDir(), "headers.yaml")
	if err := os.WriteFile(path, []byte(schemaCaught), 0o644); err != nil {
		t.Fatal(err)
	}
	want := []string{
		path + ": $.method[0].provider.url (line 8:12): URL: must start with http:// or https://",
		path + ": $.method[0].provider.headers.X-Ids (line 10:16): HTTP header value: must be null, a number or a string, not a list",
		path + " is not a valid experiment: 2 problem(s)",
	}
	for _, args := range [][]string{{"validate", path}, {"run", path}, {"run", "--no-validation", path}} {
		res := chaostracing(t, invocation{args: append([]string{"--no-log-file"}, args...)})
		if res.code != 1 {
			t.Errorf("%v: exit %d, want 1\n%s", args, res.code, res.stderr)
		}
		for _, w := range want {
			if !strings.Contains(res.stderr, w) {
				t.Errorf("%v: stderr lacks %q:\n%s", args, w, res.stderr)
			}
		}
		if res.journal != nil {
			t.Errorf("%v: a journal was written for an invalid experiment", args)
		}
	}
}

// `chaostracing schema` prints the published schema, which editors can
// then use: the file in the repository, byte for byte, with its $id.
func TestSchemaCommandPrintsThePublishedSchema(t *testing.T) {
	res := chaostracing(t, invocation{args: []string{"schema", "--no-log-file"}})
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	published, err := os.ReadFile(abs(t, "../../schema/experiment.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal([]byte(res.stdout), published) {
		t.Error("the printed schema differs from schema/experiment.schema.json")
	}
	var doc struct {
		ID string `json:"$id"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &doc); err != nil || doc.ID != schema.ID {
		t.Errorf("printed $id %q (%v), want %s", doc.ID, err, schema.ID)
	}
	if res.stderr != "" {
		t.Errorf("stderr: %s", res.stderr)
	}
}
