package value

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Encode writes v as JSON followed by a newline. With a non-empty indent
// the layout is byte for byte what Python's json.dump(indent=2,
// ensure_ascii=False) writes, so our journals diff cleanly against the
// Python tool's; with an empty indent it is compact. Values of other Go
// types are converted with FromGo first; NaN and infinities become null.
func Encode(w io.Writer, v any, indent string) error {
	bw := bufio.NewWriter(w)
	e := &encoder{w: bw, indent: indent}
	e.value(v, 0)
	bw.WriteByte('\n')
	return bw.Flush()
}

type encoder struct {
	w      *bufio.Writer
	indent string
}

func (e *encoder) newline(depth int) {
	if e.indent == "" {
		return
	}
	e.w.WriteByte('\n')
	for i := 0; i < depth; i++ {
		e.w.WriteString(e.indent)
	}
}

func (e *encoder) value(v any, depth int) {
	switch t := v.(type) {
	case nil:
		e.w.WriteString("null")
	case bool:
		e.w.WriteString(strconv.FormatBool(t))
	case int64:
		e.w.WriteString(strconv.FormatInt(t, 10))
	case int:
		e.w.WriteString(strconv.Itoa(t))
	case float64:
		e.w.WriteString(FormatFloat(t))
	case string:
		writeString(e.w, t)
	case []any:
		e.array(t, depth)
	case *Object:
		e.object(t, depth)
	default:
		e.value(FromGo(v), depth)
	}
}

func (e *encoder) array(list []any, depth int) {
	if len(list) == 0 {
		e.w.WriteString("[]")
		return
	}
	e.w.WriteByte('[')
	for i, x := range list {
		if i > 0 {
			e.w.WriteByte(',')
		}
		e.newline(depth + 1)
		e.value(x, depth+1)
	}
	e.newline(depth)
	e.w.WriteByte(']')
}

func (e *encoder) object(o *Object, depth int) {
	if o.Len() == 0 {
		e.w.WriteString("{}")
		return
	}
	e.w.WriteByte('{')
	for i, k := range o.Keys() {
		if i > 0 {
			e.w.WriteByte(',')
		}
		e.newline(depth + 1)
		writeString(e.w, k)
		e.w.WriteByte(':')
		if e.indent != "" {
			e.w.WriteByte(' ')
		}
		v, _ := o.Get(k)
		e.value(v, depth+1)
	}
	e.newline(depth)
	e.w.WriteByte('}')
}

// FormatFloat formats f as Python's repr does (0.5, 1.0, 1e-05, 1e+16), so
// durations and float values look as in the Python tool's journals.
func FormatFloat(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "null"
	}
	exp := 0
	if f != 0 {
		sci := strconv.FormatFloat(f, 'e', -1, 64)
		exp, _ = strconv.Atoi(sci[strings.IndexByte(sci, 'e')+1:])
	}
	if exp < -4 || exp >= 16 {
		s := strconv.FormatFloat(f, 'e', -1, 64)
		mant, e, _ := strings.Cut(s, "e")
		sign := e[0]
		digits := strings.TrimLeft(e[1:], "0")
		if len(digits) < 2 {
			digits = strings.Repeat("0", 2-len(digits)) + digits
		}
		return mant + "e" + string(sign) + digits
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsAny(s, ".") {
		s += ".0"
	}
	return s
}

func writeString(w *bufio.Writer, s string) {
	w.WriteByte('"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '"':
			w.WriteString(`\"`)
		case r == '\\':
			w.WriteString(`\\`)
		case r == '\n':
			w.WriteString(`\n`)
		case r == '\r':
			w.WriteString(`\r`)
		case r == '\t':
			w.WriteString(`\t`)
		case r == '\b':
			w.WriteString(`\b`)
		case r == '\f':
			w.WriteString(`\f`)
		case r < 0x20:
			fmt.Fprintf(w, `\u%04x`, r)
		case r == utf8.RuneError && size == 1:
			w.WriteString(`\ufffd`)
		default:
			w.WriteString(s[i : i+size])
		}
		i += size
	}
	w.WriteByte('"')
}
