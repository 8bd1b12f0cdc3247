package settings

import (
	"strings"

	"github.com/chaostracing/chaostracing/value"
)

// Masked is what Redacted shows in place of a secret.
const Masked = "***"

// secretWords are the parts of a key name that make its value a secret.
var secretWords = []string{"token", "password", "passwd", "secret", "authorization", "api_key", "apikey", "api-key"}

// Redacted returns a copy of the document in which secrets read Masked:
// the value of every entry of auths (auths.HOST.value), and every string
// or number whose key names a secret (a key containing token, password,
// passwd, secret, authorization or api key, in any case), such as a
// notification's Authorization header. The settings are not changed.
func (s *Settings) Redacted() *value.Object {
	doc := value.NewObject()
	for _, k := range s.Doc.Keys() {
		v, _ := s.Doc.Get(k)
		if k == "auths" {
			v = redactAuths(v)
		}
		doc.Set(k, redact(k, v))
	}
	return doc
}

// redactAuths masks the value of each host's entry.
func redactAuths(v any) any {
	auths, ok := v.(*value.Object)
	if !ok {
		return v
	}
	out := value.NewObject()
	for _, host := range auths.Keys() {
		entry, _ := auths.Get(host)
		if e, ok := entry.(*value.Object); ok && e.Has("value") {
			e = e.Clone()
			e.Set("value", Masked)
			entry = e
		}
		out.Set(host, entry)
	}
	return out
}

// redact copies v, the value of key, masking the scalars of secret keys.
func redact(key string, v any) any {
	switch t := v.(type) {
	case *value.Object:
		out := value.NewObject()
		for _, k := range t.Keys() {
			x, _ := t.Get(k)
			out.Set(k, redact(k, x))
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = redact("", x)
		}
		return out
	case string, int64, float64:
		if isSecretKey(key) {
			return Masked
		}
	}
	return v
}

func isSecretKey(key string) bool {
	key = strings.ToLower(key)
	for _, w := range secretWords {
		if strings.Contains(key, w) {
			return true
		}
	}
	return false
}
