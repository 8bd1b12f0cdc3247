package experiment

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/chaostracing/chaostracing/schema"
	"github.com/chaostracing/chaostracing/value"
)

// problemsOf loads doc and returns its problems.
func problemsOf(t *testing.T, source, doc string) []Problem {
	t.Helper()
	_, err := Load(source, []byte(doc))
	var invalid *InvalidError
	if err != nil && !errors.As(err, &invalid) {
		t.Fatalf("err = %v, want *InvalidError", err)
	}
	if invalid == nil {
		return nil
	}
	return invalid.Problems
}

// What only the schema catches comes out as the decoder's problems do:
// JSONPath, line:col, a message.
func TestSchemaViolationsAreLocatedProblems(t *testing.T) {
	doc := `title: t
description: d
method:
  - type: probe
    name: health
    provider:
      type: http
      url: localhost:8080/health
      headers:
        X-Ids: [1, 2]
  - type: action
    name: restart
    provider:
`
	tests := []struct {
		path, pos, msg string
	}{
		{"$.method[0].provider.url", "8:12", "URL: must start with http:// or https://"},
		{"$.method[0].provider.headers.X-Ids", "10:16", "HTTP header value: must be null, a number or a string, not a list"},
		{"$.method[1].provider", "13:14", "Provider: must be an object, not null"},
	}
	problems := problemsOf(t, "x.yaml", doc)
	if len(problems) != len(tests) {
		t.Fatalf("got %d problems, want %d: %v", len(problems), len(tests), problems)
	}
	for i, tt := range tests {
		p := problems[i]
		if p.Path != tt.path || p.Pos.String() != tt.pos || !strings.Contains(p.Msg, tt.msg) {
			t.Errorf("problem %d = %s, want %s (line %s): %s", i, p, tt.path, tt.pos, tt.msg)
		}
	}
}

// decoderOnly returns the problems the hand-written decoder finds, without
// the schema.
func decoderOnly(t *testing.T, doc string) []Problem {
	t.Helper()
	root, pos, err := Parse("x.json", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	d := &decoder{opts: newOptions(nil), ps: &Problems{Positions: pos}}
	d.checkRefs(d.experiment(root.(*value.Object)))
	return d.ps.List
}

// schemaOnly returns the schema's violations of doc.
func schemaOnly(t *testing.T, doc string) []schema.Violation {
	t.Helper()
	root, _, err := Parse("x.json", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return schema.Validate(root)
}

// The schema describes the format as the Python tool reads it; the decoder
// adds chaostracing's stricter rules, and the schema catches values both
// let through that no run could use. Where they disagree, this says so;
// where both object, Load reports the decoder's message only.
func TestDecoderAndSchemaDisagreements(t *testing.T) {
	const (
		byDecoder = "decoder only"
		bySchema  = "schema only"
		byBoth    = "both"
	)
	tests := []struct {
		name, doc, who string
	}{
		{"blank title", `{"title": " ", "description": "d", "method": []}`, byDecoder},
		{"float-valued integer tolerance", hypothesis(`"tolerance": 1.0`), byDecoder},
		{"ref to nothing", activityDoc(`{"ref": "nothing"}`), byDecoder},
		{"unknown provider type", activityDoc(`{"type": "action", "name": "a", "provider": {"type": "ssh"}}`), byDecoder},
		{"control provider type", `{"title": "t", "description": "d", "method": [], "controls": [{"name": "c", "provider": {"type": "http", "module": "m"}}]}`, byDecoder},
		{"activity dry mode", activityDoc(`{"type": "action", "name": "a", "dry": "sometimes", "provider": {"type": "process", "path": "p"}}`), byDecoder},
		{"vault entry without path", `{"title": "t", "description": "d", "method": [], "secrets": {"s": {"p": {"type": "vault", "key": "secret/p"}}}}`, byDecoder},
		{"regex lookbehind", hypothesis(`"tolerance": {"type": "regex", "pattern": "(?<=a)b"}`), byDecoder},
		{"provider null", activityDoc(`{"type": "action", "name": "a", "provider": null}`), bySchema},
		{"header value", activityDoc(`{"type": "probe", "name": "a", "provider": {"type": "http", "url": "http://h", "headers": {"X": true}}}`), bySchema},
		{"url without scheme", activityDoc(`{"type": "probe", "name": "a", "provider": {"type": "http", "url": "h:80/x"}}`), bySchema},
		{"no method", `{"title": "t", "description": "d"}`, byBoth},
		{"wrong type", activityDoc(`{"type": "action", "name": "a", "background": "yes", "provider": {"type": "process", "path": "p"}}`), byBoth},
		{"missing provider", activityDoc(`{"type": "action", "name": "a"}`), byBoth},
		{"bad strategy", `{"title": "t", "description": "d", "method": [], "runtime": {"rollbacks": {"strategy": "sometimes"}}}`, byBoth},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fromDecoder, fromSchema := decoderOnly(t, tt.doc), schemaOnly(t, tt.doc)
			who := map[[2]bool]string{{true, false}: byDecoder, {false, true}: bySchema, {true, true}: byBoth}[[2]bool{len(fromDecoder) > 0, len(fromSchema) > 0}]
			if who != tt.who {
				t.Fatalf("reported by %q, want %q\ndecoder: %v\nschema: %v", who, tt.who, fromDecoder, fromSchema)
			}
			loaded := problemsOf(t, "x.json", tt.doc)
			want := len(fromDecoder)
			if tt.who == bySchema {
				want = len(fromSchema)
			}
			if len(loaded) != want {
				t.Errorf("Load reports %v, want the %d of the %s", loaded, want, tt.who)
			}
		})
	}
}

// hypothesis returns an experiment whose one hypothesis probe has the
// given extra members.
func hypothesis(members string) string {
	return `{"title": "t", "description": "d", "method": [], "steady-state-hypothesis": {"title": "h",
	  "probes": [{"type": "probe", "name": "p", "provider": {"type": "process", "path": "true"}, ` + members + `}]}}`
}

// activityDoc returns an experiment whose method is the one activity.
func activityDoc(activity string) string {
	return `{"title": "t", "description": "d", "method": [` + activity + `]}`
}

// BenchmarkDecode1000Activities is the whole format check (decoder and
// schema) of an experiment of 1,000 activities, as run's
// BenchmarkRun1000TrueProbes plays; schema.BenchmarkValidate1000Activities
// is the schema's share.
func BenchmarkDecode1000Activities(b *testing.B) {
	items := make([]string, 1000)
	for i := range items {
		items[i] = fmt.Sprintf(`{"type": "probe", "name": "true-%04d", "provider": {"type": "process", "path": "true"}}`, i)
	}
	doc, pos, err := Parse("bench.json", []byte(activityDoc(strings.Join(items, ","))))
	if err != nil {
		b.Fatal(err)
	}
	schema.Validate(doc) // compiled once per process, not per run
	for b.Loop() {
		if _, err := Decode(doc, "bench.json", pos); err != nil {
			b.Fatal(err)
		}
	}
}
