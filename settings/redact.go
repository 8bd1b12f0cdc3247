package settings

import (
	"net/url"
	"strings"

	"github.com/chaostracing/chaostracing/value"
)

// Masked is what Redacted shows in place of a secret.
const Masked = "***"

// secretWords are the parts of a key name that make its value a secret.
var secretWords = []string{"token", "password", "passwd", "secret", "authorization", "api_key", "apikey", "api-key", "cookie"}

// Redacted returns a copy of the document in which secrets read Masked,
// for display. Masked are:
//   - every scalar under a key that names a secret (one containing token,
//     password, passwd, secret, authorization, api key or cookie, in any
//     case), however deep;
//   - under auths, every value of a host's entry but its type, and an
//     entry written as one string;
//   - every notification header value, and the user, query and path of a
//     notification URL (webhook URLs carry their secret in the path).
//
// The settings are not changed.
func (s *Settings) Redacted() *value.Object {
	doc := value.NewObject()
	for _, k := range s.Doc.Keys() {
		v, _ := s.Doc.Get(k)
		switch k {
		case "auths":
			v = redactAuths(v)
		case "notifications":
			v = redactNotifications(v)
		}
		doc.Set(k, redact(v, isSecretKey(k)))
	}
	return doc
}

// redactAuths masks each host's entry but its type.
func redactAuths(v any) any {
	auths, ok := v.(*value.Object)
	if !ok {
		return v
	}
	out := value.NewObject()
	for _, host := range auths.Keys() {
		entry, _ := auths.Get(host)
		e, ok := entry.(*value.Object)
		if !ok {
			out.Set(host, redact(entry, true))
			continue
		}
		masked := value.NewObject()
		for _, k := range e.Keys() {
			x, _ := e.Get(k)
			masked.Set(k, redact(x, k != "type"))
		}
		out.Set(host, masked)
	}
	return out
}

// redactNotifications masks the headers and URL of each notification.
func redactNotifications(v any) any {
	list, ok := v.([]any)
	if !ok {
		return v
	}
	out := make([]any, len(list))
	for i, entry := range list {
		out[i] = entry
		e, ok := entry.(*value.Object)
		if !ok {
			continue
		}
		e = e.Clone()
		if h, ok := e.Get("headers"); ok {
			e.Set("headers", redact(h, true))
		}
		if u, ok := e.Get("url"); ok {
			e.Set("url", redactURL(u))
		}
		out[i] = e
	}
	return out
}

// redactURL keeps a URL's scheme and host, which say where notifications
// go, and masks the rest when there is any.
func redactURL(v any) any {
	s, ok := v.(string)
	if !ok {
		return v
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return Masked
	}
	hidden := u.User != nil || u.RawQuery != "" || strings.Trim(u.Path, "/") != ""
	if !hidden {
		return s
	}
	return u.Scheme + "://" + u.Host + "/" + Masked
}

// redact copies v, masking its scalars when it is secret and, below it,
// those of every key that names a secret.
func redact(v any, secret bool) any {
	switch t := v.(type) {
	case *value.Object:
		out := value.NewObject()
		for _, k := range t.Keys() {
			x, _ := t.Get(k)
			out.Set(k, redact(x, secret || isSecretKey(k)))
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = redact(x, secret)
		}
		return out
	case string, int64, float64:
		if secret {
			return Masked
		}
	}
	return v
}

// MayHoldSecret reports whether a dotted key may address a secret, which
// messages must then not repeat: one under auths or a notification's
// headers or URL, or one naming a secret (see Redacted).
func MayHoldSecret(dotted string) bool {
	lower := strings.ToLower(dotted)
	return strings.HasPrefix(lower, "auths") || strings.Contains(lower, "headers") || strings.Contains(lower, "url") || isSecretKey(lower)
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
