package tracing

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/chaostracing/chaostracing/value"
)

// DefaultOutputMax is the default cap, in bytes, of the
// chaostoolkit.activity.output attribute.
const DefaultOutputMax = 4096

// truncatedMarker ends an output cut to fit the cap.
const truncatedMarker = "…[truncated]"

// effectiveOutputMax maps Config.OutputMax to the cap in force: 0 is the
// default, negative means outputs are not recorded (0 returned).
func effectiveOutputMax(n int) int {
	switch {
	case n == 0:
		return DefaultOutputMax
	case n < 0:
		return 0
	}
	return n
}

// renderOutput returns an activity's output as JSON laid out as Python's
// json.dumps writes it ({"status": 0, "stdout": ""}, as the Python
// extension records it, but UTF-8 rather than \u escapes), with the
// secrets redacted, then cut to at most limit bytes ending with
// truncatedMarker. Only the first limit bytes, plus enough to recognise a
// secret that straddles the cut, are ever encoded, so a 16 MiB HTTP body
// costs no more than a short one.
func renderOutput(v any, limit int, red *redactor) string {
	slack := red.Longest()
	var b strings.Builder
	b.Grow(min(limit, 96))
	w := &boundedWriter{limit: limit + 2*slack + len(truncatedMarker), b: &b}
	writeJSON(w, v, true)
	text := red.String(b.String())
	if w.cut {
		// The encoding stopped early: the last slack bytes may hold the
		// start of a secret whose end was not seen.
		text = text[:max(0, len(text)-slack)]
		return truncate(text, limit, true)
	}
	return truncate(text, limit, false)
}

// truncate cuts s to at most limit bytes, on a character boundary, ending
// with truncatedMarker (when the cap leaves room for it), when it is
// longer (or when forced, because text was already dropped).
func truncate(s string, limit int, forced bool) string {
	if !forced && len(s) <= limit {
		return s
	}
	marker := truncatedMarker
	if limit < len(marker) {
		marker = "" // a cap too small for the marker
	}
	keep := min(len(s), limit-len(marker))
	for keep > 0 && keep < len(s) && !utf8.RuneStart(s[keep]) {
		keep--
	}
	return s[:keep] + marker
}

// boundedWriter collects at most limit bytes (no limit when negative)
// and remembers whether it dropped any.
type boundedWriter struct {
	limit int
	b     *strings.Builder
	cut   bool
}

func (w *boundedWriter) full() bool { return w.cut }

func (w *boundedWriter) writeString(s string) {
	if w.cut {
		return
	}
	if w.limit >= 0 && w.b.Len()+len(s) > w.limit {
		w.b.WriteString(s[:w.limit-w.b.Len()])
		w.cut = true
		return
	}
	w.b.WriteString(s)
}

func (w *boundedWriter) writeByte(c byte) {
	if w.cut {
		return
	}
	if w.limit >= 0 && w.b.Len()+1 > w.limit {
		w.cut = true
		return
	}
	w.b.WriteByte(c)
}

// writeJSON encodes v with json.dumps' default separators (", " and
// ": "). Values of other Go types are converted with value.FromGo once.
func writeJSON(w *boundedWriter, v any, convert bool) {
	if w.full() {
		return
	}
	switch t := v.(type) {
	case nil:
		w.writeString("null")
	case bool:
		w.writeString(strconv.FormatBool(t))
	case int64:
		w.writeString(strconv.FormatInt(t, 10))
	case int:
		w.writeString(strconv.Itoa(t))
	case float64:
		w.writeString(value.FormatFloat(t))
	case string:
		writeJSONString(w, t)
	case []any:
		w.writeByte('[')
		for i, x := range t {
			if i > 0 {
				w.writeString(", ")
			}
			writeJSON(w, x, true)
			if w.full() {
				return
			}
		}
		w.writeByte(']')
	case *value.Object:
		w.writeByte('{')
		for i, k := range t.Keys() {
			if i > 0 {
				w.writeString(", ")
			}
			writeJSONString(w, k)
			w.writeString(": ")
			x, _ := t.Get(k)
			writeJSON(w, x, true)
			if w.full() {
				return
			}
		}
		w.writeByte('}')
	default:
		if convert {
			writeJSON(w, value.FromGo(v), false)
			return
		}
		writeJSONString(w, "<unserialisable>")
	}
}

// writeJSONString writes s as a JSON string: quotes, backslashes and
// control characters escaped, invalid UTF-8 replaced.
func writeJSONString(w *boundedWriter, s string) {
	if w.full() {
		return
	}
	if w.limit >= 0 {
		// Input bytes never shrink when encoded: past the room left, the
		// rest would be cut anyway, so it is not even scanned.
		if room := w.limit - w.b.Len(); room >= 0 && len(s) > room+1 {
			s = s[:room+1]
		}
	}
	w.writeByte('"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r != utf8.RuneError || size != 1 {
				i += size
				continue
			}
		}
		w.writeString(s[start:i])
		switch c {
		case '"':
			w.writeString(`\"`)
		case '\\':
			w.writeString(`\\`)
		case '\n':
			w.writeString(`\n`)
		case '\r':
			w.writeString(`\r`)
		case '\t':
			w.writeString(`\t`)
		case '\b':
			w.writeString(`\b`)
		case '\f':
			w.writeString(`\f`)
		default:
			if c < 0x20 {
				w.writeString(`\u00`)
				w.writeByte(hexDigits[c>>4])
				w.writeByte(hexDigits[c&0xf])
			} else {
				w.writeString(`\ufffd`)
			}
		}
		i++
		start = i
		if w.full() {
			return
		}
	}
	w.writeString(s[start:])
	w.writeByte('"')
}

const hexDigits = "0123456789abcdef"
