// Package redact hides secret values in text: spans, reports and logs
// show "***" where a secret of the run would appear.
package redact

import (
	"bytes"
	"sort"
	"strconv"
	"strings"

	"github.com/chaostracing/chaostracing/value"
)

// Mask replaces every secret value.
const Mask = "***"

// MinLen is the shortest secret value replaced: shorter ones ("1",
// "true") would blank out unrelated text.
const MinLen = 4

// Redactor replaces secret values in text. The nil Redactor, and one
// made without secrets, change nothing.
type Redactor struct {
	r       *strings.Replacer
	longest int // length of the longest pattern, in bytes
}

// New returns a Redactor for the given values of at least MinLen bytes,
// each also in its JSON-escaped form, as it appears in an output encoded
// as JSON.
func New(secrets ...string) *Redactor {
	seen := map[string]bool{}
	for _, s := range secrets {
		if len(s) < MinLen {
			continue
		}
		seen[s] = true
		if e := jsonEscaped(s); e != s {
			seen[e] = true
		}
	}
	if len(seen) == 0 {
		return &Redactor{}
	}
	patterns := make([]string, 0, len(seen))
	for s := range seen {
		patterns = append(patterns, s)
	}
	// Longer first: the replacer tries patterns in argument order, so a
	// secret that contains another is replaced whole.
	sort.Slice(patterns, func(i, j int) bool {
		if len(patterns[i]) != len(patterns[j]) {
			return len(patterns[i]) > len(patterns[j])
		}
		return patterns[i] < patterns[j]
	})
	pairs := make([]string, 0, 2*len(patterns))
	for _, p := range patterns {
		pairs = append(pairs, p, Mask)
	}
	return &Redactor{r: strings.NewReplacer(pairs...), longest: len(patterns[0])}
}

// CredentialKeys are the configuration keys whose values are credentials
// although Chaos Toolkit reads them from the configuration: Vault's.
var CredentialKeys = []string{"vault_token", "vault_role_secret", "vault_role_id"}

// Scope collects what a run must hide: the values of its secrets and of
// the CredentialKeys of its configuration.
func Scope(configuration, secrets *value.Object) []string {
	values := Values(secrets)
	for _, k := range CredentialKeys {
		if v, ok := configuration.Get(k); ok {
			values = append(values, Values(v)...)
		}
	}
	return values
}

// Values collects the values of a secrets tree (nested objects and lists
// walked), such as a run's resolved secrets, scope -> name -> value:
// strings, and numbers as the text they print as.
func Values(secrets any) []string {
	var values []string
	var collect func(v any)
	collect = func(v any) {
		switch t := v.(type) {
		case string:
			values = append(values, t)
		case int64:
			values = append(values, strconv.FormatInt(t, 10))
		case float64:
			values = append(values, value.FormatFloat(t))
		case *value.Object:
			for _, k := range t.Keys() {
				x, _ := t.Get(k)
				collect(x)
			}
		case []any:
			for _, x := range t {
				collect(x)
			}
		}
	}
	collect(secrets)
	return values
}

// String returns s with every secret replaced.
func (r *Redactor) String(s string) string {
	if r == nil || r.r == nil {
		return s
	}
	return r.r.Replace(s)
}

// Strings returns a redacted copy of list (list itself when there is
// nothing to redact).
func (r *Redactor) Strings(list []string) []string {
	if r == nil || r.r == nil {
		return list
	}
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = r.r.Replace(s)
	}
	return out
}

// Empty reports whether the Redactor has no secret to hide.
func (r *Redactor) Empty() bool { return r == nil || r.r == nil }

// Longest is the length in bytes of the longest pattern: how many bytes
// past a cut may belong to a secret that starts before it.
func (r *Redactor) Longest() int {
	if r == nil {
		return 0
	}
	return r.longest
}

// jsonEscaped returns s as it appears inside a JSON string.
func jsonEscaped(s string) string {
	var buf bytes.Buffer
	_ = value.Encode(&buf, s, "")
	out := strings.TrimRight(buf.String(), "\n")
	return out[1 : len(out)-1]
}

// Value returns v with every secret replaced in its strings, objects and
// lists walked; v itself is not changed, and is returned as is when there
// is nothing to hide.
func (r *Redactor) Value(v any) any {
	if r.Empty() {
		return v
	}
	return value.MapStrings(v, func(s string) any { return r.r.Replace(s) })
}

// Declared returns a copy of an experiment's secrets block with every
// value written inline replaced by Mask; references to where a secret
// lives ({"type": "env", "key": ...}, vault) are kept, since they are not
// secret themselves.
func Declared(secrets *value.Object) *value.Object {
	out := &value.Object{}
	for _, k := range secrets.Keys() {
		v, _ := secrets.Get(k)
		out.Set(k, declared(v))
	}
	return out
}

// declared is one secret value as it may be shown: a reference kept, an
// object of secrets walked, an inline value masked.
func declared(v any) any {
	switch t := v.(type) {
	case *value.Object:
		if t.Has("type") {
			return t
		}
		return Declared(t)
	case nil:
		return nil
	}
	return Mask
}

// Document returns a copy of an experiment document whose secrets block
// and credential configuration keys (CredentialKeys) show only where the
// secrets live (see Declared): what may leave the run, in the journal or
// a notification.
func Document(doc *value.Object) *value.Object {
	out := doc.Clone()
	if secrets := out.Object("secrets"); secrets != nil {
		out.Set("secrets", Declared(secrets))
	}
	if cfg := out.Object("configuration"); cfg != nil {
		masked := cfg.Clone()
		for _, k := range CredentialKeys {
			if v, ok := cfg.Get(k); ok {
				masked.Set(k, declared(v))
			}
		}
		out.Set("configuration", masked)
	}
	return out
}
