package value

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The journals the Python tool wrote come back byte for byte after a
// parse and an encode: same key order, same float and string forms.
func TestEncodeMatchesPythonJournals(t *testing.T) {
	files, _ := filepath.Glob("../../shared/ctk/reference/runs/*/journal.json")
	if len(files) == 0 {
		t.Fatal("no reference journals found in ../shared/ctk/reference/runs")
	}
	for _, f := range files {
		t.Run(filepath.Base(filepath.Dir(f)), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			v, _, err := ParseJSON(data)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if err := Encode(&out, v, "  "); err != nil {
				t.Fatal(err)
			}
			want := strings.TrimRight(string(data), "\n")
			got := strings.TrimRight(out.String(), "\n")
			if got != want {
				t.Errorf("re-encoded journal differs; first difference at byte %d", firstDiff(got, want))
			}
		})
	}
}

func firstDiff(a, b string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func TestParseJSONPositionsAndTypes(t *testing.T) {
	doc := "{\n  \"title\": \"t\",\n  \"method\": [\n    {\"n\": 1, \"f\": 1.5, \"big\": 1e300, \"b\": true, \"z\": null}\n  ]\n}"
	v, pos, err := ParseJSON([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	o := v.(*Object)
	if got := o.Keys(); strings.Join(got, ",") != "title,method" {
		t.Errorf("keys = %v", got)
	}
	item := o.vals["method"].([]any)[0].(*Object)
	if _, ok := item.vals["n"].(int64); !ok {
		t.Errorf("integer parsed as %T", item.vals["n"])
	}
	if _, ok := item.vals["f"].(float64); !ok {
		t.Errorf("float parsed as %T", item.vals["f"])
	}
	tests := map[string]string{"$": "1:1", "$.title": "2:12", "$.method[0]": "4:5", "$.method[0].f": "4:19"}
	for path, want := range tests {
		if got := pos[path].String(); got != want {
			t.Errorf("pos[%s] = %s, want %s", path, got, want)
		}
	}
	if got := pos.Of("$.method[0].missing").String(); got != "4:5" {
		t.Errorf("missing key falls back to %s, want its object at 4:5", got)
	}
}

func TestParseErrorsAreLocated(t *testing.T) {
	tests := []struct {
		name, doc, want string
		yaml            bool
	}{
		{"missing comma", "{\n  \"a\": 1\n  \"b\": 2\n}", "3:3", false},
		{"truncated", "{\"a\": [1, 2", "1:12", false},
		{"trailing data", "{} {}", "1:4", false},
		{"invalid utf8", "{\"a\": \"\xff\"}", "1:8", false},
		{"number out of range", "{\"a\":\n  -1e400}", "2:3", false},
		{"too deep", strings.Repeat("[", MaxDepth+2) + strings.Repeat("]", MaxDepth+2), "1:", false},
		{"yaml indentation", "a: 1\n b: 2\n", "line", true},
		{"yaml empty", "", "1:1", true},
		{"yaml tab", "a:\n\t- b\n", "line", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parse := ParseJSON
			if tt.yaml {
				parse = ParseYAML
			}
			_, _, err := parse([]byte(tt.doc))
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("err = %v, want a *SyntaxError", err)
			}
			if tt.want == "line" {
				if se.Pos.Line == 0 {
					t.Errorf("no line in %v", err)
				}
				return
			}
			if !strings.HasPrefix(se.Pos.String(), tt.want) {
				t.Errorf("position %s, want %s (%v)", se.Pos, tt.want, err)
			}
		})
	}
}

func TestParseYAMLScalarsAnchorsMerge(t *testing.T) {
	doc := `
base: &base
  type: process
  path: "true"
p:
  <<: *base
  path: echo
n: 3
f: 0.5
b: yes
s: "3"
date: 2026-01-02
nul: ~
list: [1, two]
`
	v, pos, err := ParseYAML([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	o := v.(*Object)
	p := o.Object("p")
	if p.String("type") != "process" || p.String("path") != "echo" {
		t.Errorf("merge gave %v", p.Keys())
	}
	checks := map[string]any{"n": int64(3), "f": 0.5, "s": "3", "date": "2026-01-02", "nul": nil, "b": "yes"}
	for k, want := range checks {
		if got := o.vals[k]; got != want {
			t.Errorf("%s = %#v, want %#v", k, got, want)
		}
	}
	if pos["$.n"].Line != 8 {
		t.Errorf("pos of n = %v", pos["$.n"])
	}
}

func TestYAMLAliasBombIsBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 9; i++ {
		b.WriteString("a" + string(rune('0'+i)) + ": &a" + string(rune('0'+i)) + " [")
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*a" + string(rune('0'+i-1)))
		}
		b.WriteString("]\n")
	}
	if _, _, err := ParseYAML([]byte(b.String())); err == nil {
		t.Fatal("alias expansion to 10^9 nodes was accepted")
	}
}

func TestEqualAndCompareFollowPython(t *testing.T) {
	eq := []struct {
		a, b any
		want bool
	}{
		{int64(1), 1.0, true},
		{true, int64(1), true},
		{false, int64(0), true},
		{"1", int64(1), false},
		{nil, nil, true},
		{[]any{int64(1), "a"}, []any{1.0, "a"}, true},
		{NewObject("a", int64(1), "b", int64(2)), NewObject("b", int64(2), "a", 1.0), true},
		{NewObject("a", int64(1)), NewObject("a", int64(2)), false},
	}
	for _, tt := range eq {
		if got := Equal(tt.a, tt.b); got != tt.want {
			t.Errorf("Equal(%v, %v) = %v", tt.a, tt.b, got)
		}
	}
	if c, err := Compare(int64(2), 1.5); err != nil || c != 1 {
		t.Errorf("Compare(2, 1.5) = %d, %v", c, err)
	}
	if c, err := Compare("a", "b"); err != nil || c != -1 {
		t.Errorf("Compare(a, b) = %d, %v", c, err)
	}
	if _, err := Compare("a", int64(1)); err == nil {
		t.Error("Compare(str, int) did not fail")
	}
}

func TestFormatFloatLikePythonRepr(t *testing.T) {
	tests := map[float64]string{0.5: "0.5", 1: "1.0", 0.00001: "1e-05", 1e16: "1e+16", 1.5e16: "1.5e+16", 123456789.125: "123456789.125", 0.0001: "0.0001", -2.5: "-2.5", 0: "0.0"}
	for f, want := range tests {
		if got := FormatFloat(f); got != want {
			t.Errorf("FormatFloat(%v) = %s, want %s", f, got, want)
		}
	}
}

func TestEncodeEscapesLikePython(t *testing.T) {
	var b bytes.Buffer
	_ = Encode(&b, NewObject("s", "é\"\\\n\t\x01<>&", "e", []any{}, "o", &Object{}), "  ")
	want := "{\n  \"s\": \"é\\\"\\\\\\n\\t\\u0001<>&\",\n  \"e\": [],\n  \"o\": {}\n}\n"
	if b.String() != want {
		t.Errorf("got %q\nwant %q", b.String(), want)
	}
}

func TestFromGoConvertsGoValues(t *testing.T) {
	type point struct {
		X int `json:"x"`
		Y int `json:"y"`
	}
	v := FromGo(map[string]any{"b": []int{1, 2}, "a": point{1, 2}, "u": uint8(7)})
	o := v.(*Object)
	if strings.Join(o.Keys(), ",") != "a,b,u" {
		t.Errorf("keys %v", o.Keys())
	}
	if p := o.Object("a"); p == nil || strings.Join(p.Keys(), ",") != "x,y" {
		t.Errorf("struct gave %#v", o.vals["a"])
	}
	if o.vals["u"] != int64(7) {
		t.Errorf("uint8 gave %#v", o.vals["u"])
	}
}

func TestObjectSetKeepsPositionAndDelete(t *testing.T) {
	o := NewObject("a", int64(1), "b", int64(2), "c", int64(3))
	o.Set("a", int64(9))
	o.Delete("b")
	if strings.Join(o.Keys(), ",") != "a,c" || o.vals["a"] != int64(9) {
		t.Errorf("got %v %v", o.Keys(), o.vals)
	}
	c := o.Clone()
	c.Set("d", int64(4))
	if o.Has("d") {
		t.Error("Clone shares keys")
	}
}

func FuzzParseJSON(f *testing.F) {
	for _, s := range []string{`{"a": [1, 2.5, "x", null, true]}`, `[]`, `{"a": {"b": {}}}`, `"\u00e9"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, _, err := ParseJSON(data)
		if err != nil {
			return
		}
		var b bytes.Buffer
		if err := Encode(&b, v, "  "); err != nil {
			t.Fatal(err)
		}
		again, _, err := ParseJSON(b.Bytes())
		if err != nil {
			t.Fatalf("re-parse of encoded value failed: %v\n%s", err, b.String())
		}
		if !Equal(v, again) {
			t.Fatalf("round trip changed the value: %s", b.String())
		}
	})
}

func FuzzParseYAML(f *testing.F) {
	for _, s := range []string{"a: 1\nb: [x, y]\n", "- &a x\n- *a\n", "a: !!binary aGVsbG8=\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _, _ = ParseYAML(data)
	})
}

func TestMapStrings(t *testing.T) {
	in := NewObject("a", "x", "n", int64(1), "l", []any{"y", NewObject("k", "z")})
	out := MapStrings(in, func(s string) any { return s + "!" })
	want := NewObject("a", "x!", "n", int64(1), "l", []any{"y!", NewObject("k", "z!")})
	if !Equal(out, want) || in.String("a") != "x" {
		t.Errorf("MapStrings = %v (input now %v)", out, in)
	}
}
