package report

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/chaostracing/chaostracing/internal/redact"

	"github.com/chaostracing/chaostracing/value"
)

// MaxOutput caps, in bytes, the output and definition a row keeps: a
// report shows what an activity returned, not a 16 MiB response body.
const MaxOutput = 32 << 10

// Redacted replaces what a report must not show.
const Redacted = redact.Mask

// hiddenKeys are the keys of an activity document never shown: the
// secrets and configuration an activity may declare or carry.
var hiddenKeys = map[string]bool{"secrets": true, "configuration": true}

// sensitiveKey matches the names of headers, fields and attributes whose
// values are credentials, wherever they appear in an output, a definition
// or a span attribute.
var sensitiveKey = regexp.MustCompile(`(?i)(^|[._-])(authorization|proxy-authorization|cookie|set-cookie|password|passwd|secret|client[._-]?secret|api[._-]?key|x-api-key|access[._-]?token|refresh[._-]?token|id[._-]?token|token|private[._-]?key)$`)

// IsSensitiveKey reports whether values under this key (a header, a JSON
// field, a span attribute) are credentials that a report masks.
func IsSensitiveKey(key string) bool { return sensitiveKey.MatchString(key) }

// mask returns v with the values under sensitive keys replaced and the
// secrets and configuration keys dropped; v itself is not changed.
func mask(v any) any {
	switch t := v.(type) {
	case *value.Object:
		if t == nil {
			return t
		}
		out := &value.Object{}
		for _, k := range t.Keys() {
			x, _ := t.Get(k)
			switch {
			case hiddenKeys[k]:
				continue
			case IsSensitiveKey(k) && x != nil:
				out.Set(k, Redacted)
			default:
				out.Set(k, mask(x))
			}
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = mask(x)
		}
		return out
	}
	return v
}

// prettyValue renders a journal value as indented JSON, sensitive keys
// masked, cut at MaxOutput; "" for null.
func prettyValue(v any) string {
	if v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		// A plain string output (a python function's return value) reads
		// better as itself than as a JSON string with escapes.
		return truncateText(s, MaxOutput)
	}
	var buf bytes.Buffer
	if err := value.Encode(&buf, mask(v), "  "); err != nil {
		return truncateText(fmt.Sprint(v), MaxOutput)
	}
	return truncateText(strings.TrimRight(buf.String(), "\n"), MaxOutput)
}

// prettyJSON renders JSON text (an output recorded on a span) indented;
// text that is not JSON, such as an output the tracer cut short, is kept
// as it is.
func prettyJSON(s string) string {
	v, _, err := value.ParseJSON([]byte(s))
	if err != nil {
		return truncateText(s, MaxOutput)
	}
	return prettyValue(v)
}

// truncateText cuts s to at most limit bytes on a character boundary and
// says how much was dropped.
func truncateText(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	keep := limit
	for keep > 0 && !utf8.RuneStart(s[keep]) {
		keep--
	}
	return s[:keep] + fmt.Sprintf("\n… (%d more bytes not shown)", len(s)-keep)
}

// SecretsRedactor returns a function that replaces, in any text, the
// values of the secrets an experiment document declares: inline values,
// and those of "env" secrets as getenv (os.LookupEnv when nil) finds them
// now, each also in its JSON-escaped form. It returns the identity when
// there is nothing to hide.
func SecretsRedactor(experiment *value.Object, getenv func(string) (string, bool)) func(string) string {
	if getenv == nil {
		getenv = os.LookupEnv
	}
	var values []string
	var collect func(v any)
	collect = func(v any) {
		switch t := v.(type) {
		case string:
			values = append(values, t)
		case *value.Object:
			if t.Has("type") {
				// A secret read from elsewhere: only an env secret's value
				// can be known here.
				if t.String("type") == "env" {
					if s, ok := getenv(t.String("key")); ok {
						values = append(values, s)
					}
				}
				return
			}
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
	if sec, ok := experiment.Get("secrets"); ok {
		collect(sec)
	}
	return NewRedactor(values...)
}

// NewRedactor returns a function that replaces each of the given values
// (those at least 4 bytes long), and its JSON-escaped form, with "***".
func NewRedactor(secrets ...string) func(string) string {
	return redact.New(secrets...).String
}

func identity(s string) string { return s }
