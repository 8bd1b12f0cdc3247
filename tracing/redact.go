package tracing

import (
	"sort"
	"strings"

	"github.com/chaostracing/chaostracing/value"
)

// redacted replaces every secret value in span attributes.
const redacted = "***"

// minSecretLen is the shortest secret value redacted: shorter ones ("1",
// "true") would blank out unrelated text.
const minSecretLen = 4

// redactor replaces the run's secret values in text bound for span
// attributes. A nil redactor, or one without secrets, changes nothing.
type redactor struct {
	r       *strings.Replacer
	longest int // length of the longest pattern, in bytes
}

// newRedactor collects the string values of secrets (scope -> name ->
// value, nested objects and lists walked) of at least minSecretLen bytes,
// each also in its JSON-escaped form, as it appears in an output encoded
// as JSON.
func newRedactor(secrets *value.Object) *redactor {
	seen := map[string]bool{}
	var collect func(v any)
	collect = func(v any) {
		switch t := v.(type) {
		case string:
			if len(t) < minSecretLen {
				return
			}
			seen[t] = true
			if e := jsonEscaped(t); e != t {
				seen[e] = true
			}
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
	if len(seen) == 0 {
		return &redactor{}
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
		pairs = append(pairs, p, redacted)
	}
	return &redactor{r: strings.NewReplacer(pairs...), longest: len(patterns[0])}
}

// string returns s with every secret replaced.
func (r *redactor) string(s string) string {
	if r == nil || r.r == nil {
		return s
	}
	return r.r.Replace(s)
}

// strings returns a redacted copy of list (list itself when there is
// nothing to redact).
func (r *redactor) strings(list []string) []string {
	if r == nil || r.r == nil {
		return list
	}
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = r.r.Replace(s)
	}
	return out
}

// slack is how many bytes past a cut may belong to a secret that starts
// before it.
func (r *redactor) slack() int {
	if r == nil {
		return 0
	}
	return r.longest
}

// jsonEscaped returns s as it appears inside a JSON string.
func jsonEscaped(s string) string {
	var b strings.Builder
	w := &boundedWriter{limit: -1, b: &b}
	writeJSONString(w, s)
	out := b.String()
	return out[1 : len(out)-1]
}
