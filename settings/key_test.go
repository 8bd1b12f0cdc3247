package settings

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func name(n string) Step { return Step{Name: n, Index: -1} }
func index(i int) Step   { return Step{Index: i} }

func TestParseKey(t *testing.T) {
	tests := []struct {
		in   string
		want Key
		// canonical is String()'s form when it differs from in.
		canonical string
	}{
		{in: "auths", want: Key{name("auths")}},
		{in: "runtime.rollbacks.strategy", want: Key{name("runtime"), name("rollbacks"), name("strategy")}},
		{in: `auths.example\.com`, want: Key{name("auths"), name("example.com")}},
		{in: `auths.example\.com:8443.type`, want: Key{name("auths"), name("example.com:8443"), name("type")}},
		{in: "notifications[0].url", want: Key{name("notifications"), index(0), name("url")}},
		{in: "controls[12]", want: Key{name("controls"), index(12)}},
		{in: "a[0][3].b", want: Key{name("a"), index(0), index(3), name("b")}},
		{in: "a[007]", want: Key{name("a"), index(7)}, canonical: "a[7]"},
		{in: `back\\slash`, want: Key{name(`back\slash`)}},
		{in: `br\[ack\]et`, want: Key{name("br[ack]et")}},
		{in: `\x`, want: Key{name("x")}, canonical: "x"},
		{in: "with space:and-colon", want: Key{name("with space:and-colon")}},
		{in: "hôte", want: Key{name("hôte")}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseKey(tt.in)
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("ParseKey(%q) = %#v, %v; want %#v", tt.in, got, err, tt.want)
			}
			canonical := tt.canonical
			if canonical == "" {
				canonical = tt.in
			}
			if s := got.String(); s != canonical {
				t.Errorf("String() = %q, want %q", s, canonical)
			}
		})
	}
}

func TestParseKeyErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "empty name at column 1"},
		{".a", "empty name at column 1"},
		{"a.", "empty name at column 3"},
		{"a..b", "empty name at column 3"},
		{"[0]", "empty name at column 1"},
		{"a.[0]", "empty name at column 3"},
		{`a\`, "a backslash at column 2 escapes nothing"},
		{"a]", "unexpected ] at column 2"},
		{"a[0", "[ at column 2 is not closed"},
		{"a[]", "[] at column 2 is not a list index"},
		{"a[-1]", "[-1] at column 2 is not a list index"},
		{"a[+1]", "[+1] at column 2 is not a list index"},
		{"a[x]", "[x] at column 2 is not a list index"},
		{"a[99999999999999999999]", "is not a list index"},
		{"a[2147483648]", "is not a list index"},
		{"a[0]b", "expected . or [ at column 5, after an index"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			k, err := ParseKey(tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ParseKey(%q) = %v, %v; want an error with %q", tt.in, k, err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "invalid key ") {
				t.Errorf("error %q does not say which key", err)
			}
		})
	}
}

// FuzzParseKey checks that the parser never panics, that what it accepts
// starts with a non-empty name, and that String is its exact inverse.
func FuzzParseKey(f *testing.F) {
	for _, s := range []string{"auths", `auths.example\.com.type`, "notifications[0].url", "a[0][1]", `a\\b`, "a..b", "a[", "a[99999999999]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParseKey(s)
		if err != nil {
			return
		}
		if len(k) == 0 || k[0].Index >= 0 || k[0].Name == "" {
			t.Fatalf("ParseKey(%q) = %#v: must start with a name", s, k)
		}
		for _, st := range k {
			if st.Index < 0 && st.Name == "" || st.Index >= 0 && st.Name != "" {
				t.Fatalf("ParseKey(%q) = %#v: a step is a name or an index", s, k)
			}
		}
		again, err := ParseKey(k.String())
		if err != nil || !reflect.DeepEqual(again, k) {
			t.Fatalf("ParseKey(%q) = %#v, but ParseKey(%q) = %#v, %v", s, k, k.String(), again, err)
		}
		if utf8.ValidString(s) && !utf8.ValidString(k.String()) {
			t.Fatalf("String() of valid UTF-8 %q is not: %q", s, k.String())
		}
	})
}
