package value

import (
	"bytes"
	"math"
	"testing"
)

func TestEncodeYAML(t *testing.T) {
	tests := []struct {
		name string
		in   any
		want string
		// lossy: reading the YAML back does not give in (NaN, Go types).
		lossy bool
	}{
		{name: "order kept", in: NewObject("z", int64(1), "a", NewObject("y", true, "b", nil)), want: "z: 1\na:\n  \"y\": true\n  b: null\n"},
		{name: "lists", in: NewObject("l", []any{"x", []any{int64(1)}, NewObject("k", "v", "w", "u")}), want: "l:\n  - x\n  - - 1\n  - k: v\n    w: u\n"},
		{name: "empty containers", in: NewObject("o", NewObject(), "l", []any{}), want: "o: {}\nl: []\n"},
		{name: "strings that look like other types", in: []any{"yes", "on", "1", "1.5", "null", "true", "", "~", "0x1F"},
			want: "- \"yes\"\n- \"on\"\n- \"1\"\n- \"1.5\"\n- \"null\"\n- \"true\"\n- \"\"\n- \"~\"\n- \"0x1F\"\n"},
		{name: "strings that need quotes", in: []any{"a: b", "- x", "#c", " lead"}, want: "- 'a: b'\n- '- x'\n- '#c'\n- ' lead'\n"},
		{name: "multi-line string", in: NewObject("s", "one\ntwo\n"), want: "s: |\n  one\n  two\n"},
		{name: "keys that look like other types", in: NewObject("yes", int64(1), "example.com:8443", int64(2)), want: "\"yes\": 1\nexample.com:8443: 2\n"},
		{name: "floats", in: []any{0.5, 1.0, 1e-05, 1e+16, -2.5e-7}, want: "- 0.5\n- 1.0\n- 1.0e-05\n- 1.0e+16\n- -2.5e-07\n"},
		{name: "special floats", in: []any{math.NaN(), math.Inf(1), math.Inf(-1)}, want: "- .nan\n- .inf\n- -.inf\n", lossy: true},
		{name: "Go values", in: map[string]any{"n": 3, "s": []string{"a"}}, want: "\"n\": 3\ns:\n  - a\n", lossy: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := EncodeYAML(&buf, tt.in); err != nil {
				t.Fatal(err)
			}
			if buf.String() != tt.want {
				t.Fatalf("got\n%s\nwant\n%s", buf.String(), tt.want)
			}
			if tt.lossy {
				return
			}
			back, _, err := ParseYAML(buf.Bytes())
			if err != nil || !sameTree(back, tt.in) {
				t.Errorf("read back %#v, %v", back, err)
			}
		})
	}
}

// sameTree is Equal that also tells integers, floats and booleans apart.
func sameTree(a, b any) bool {
	if TypeName(a) != TypeName(b) {
		return false
	}
	switch x := a.(type) {
	case []any:
		y := b.([]any)
		for i := range x {
			if i >= len(y) || !sameTree(x[i], y[i]) {
				return false
			}
		}
		return len(x) == len(y)
	case *Object:
		y := b.(*Object)
		for i, k := range x.Keys() {
			xv, _ := x.Get(k)
			yv, ok := y.Get(k)
			if !ok || i >= y.Len() || y.Keys()[i] != k || !sameTree(xv, yv) {
				return false
			}
		}
		return x.Len() == y.Len()
	}
	return Equal(a, b)
}
