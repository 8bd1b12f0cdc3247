package http

import (
	"errors"
	"math"
	"net/url"
	"strconv"
	"strings"

	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/value"
)

// encodeParams encodes arguments as requests encodes params and form
// data: keys in order, a list value repeating its key, null items dropped,
// other values formatted with str(); a string is used as is.
func encodeParams(args any) string {
	switch t := args.(type) {
	case string:
		return t
	case *value.Object:
		var parts []string
		for _, k := range t.Keys() {
			v, _ := t.Get(k)
			for _, item := range paramValues(v) {
				if item != nil {
					parts = append(parts, url.QueryEscape(k)+"="+url.QueryEscape(experiment.PyStr(item)))
				}
			}
		}
		return strings.Join(parts, "&")
	}
	return ""
}

// paramValues lists the values of one parameter: the items of a list, the
// keys of an object (what iterating a dict gives), or the value itself.
func paramValues(v any) []any {
	switch t := v.(type) {
	case []any:
		return t
	case *value.Object:
		keys := make([]any, t.Len())
		for i, k := range t.Keys() {
			keys[i] = k
		}
		return keys
	}
	return []any{v}
}

// errNaN is json.dumps(allow_nan=False)'s refusal.
var errNaN = errors.New("out of range float values are not JSON compliant")

// pyJSON encodes v as Python's json.dumps does by default, which is what
// requests sends for json=: ", " and ": " separators, non-ASCII escaped.
func pyJSON(v any) ([]byte, error) {
	var sb strings.Builder
	err := writeJSON(&sb, v)
	return []byte(sb.String()), err
}

func writeJSON(sb *strings.Builder, v any) error {
	switch t := v.(type) {
	case nil:
		sb.WriteString("null")
	case bool:
		sb.WriteString(strconv.FormatBool(t))
	case int64:
		sb.WriteString(strconv.FormatInt(t, 10))
	case float64:
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return errNaN
		}
		sb.WriteString(value.FormatFloat(t))
	case string:
		writeJSONString(sb, t)
	case []any:
		return writeJSONList(sb, t)
	case *value.Object:
		return writeJSONObject(sb, t)
	default:
		return writeJSON(sb, value.FromGo(v))
	}
	return nil
}

func writeJSONList(sb *strings.Builder, list []any) error {
	sb.WriteByte('[')
	for i, item := range list {
		if i > 0 {
			sb.WriteString(", ")
		}
		if err := writeJSON(sb, item); err != nil {
			return err
		}
	}
	sb.WriteByte(']')
	return nil
}

func writeJSONObject(sb *strings.Builder, o *value.Object) error {
	sb.WriteByte('{')
	for i, k := range o.Keys() {
		if i > 0 {
			sb.WriteString(", ")
		}
		writeJSONString(sb, k)
		sb.WriteString(": ")
		v, _ := o.Get(k)
		if err := writeJSON(sb, v); err != nil {
			return err
		}
	}
	sb.WriteByte('}')
	return nil
}

// jsonEscapes are the short escapes json.dumps uses.
var jsonEscapes = map[rune]string{'"': `\"`, '\\': `\\`, '\n': `\n`, '\r': `\r`, '\t': `\t`, '\b': `\b`, '\f': `\f`}

// writeJSONString writes s quoted with ensure_ascii: everything outside
// printable ASCII as \uXXXX, surrogate pairs beyond the BMP. Invalid
// UTF-8 bytes come out as \ufffd.
func writeJSONString(sb *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	u4 := func(r rune) {
		sb.WriteString(`\u`)
		for shift := 12; shift >= 0; shift -= 4 {
			sb.WriteByte(hex[(r>>shift)&0xf])
		}
	}
	sb.WriteByte('"')
	for _, r := range s {
		switch {
		case jsonEscapes[r] != "":
			sb.WriteString(jsonEscapes[r])
		case r >= 0x20 && r < 0x7f:
			sb.WriteRune(r)
		case r > 0xffff:
			r -= 0x10000
			u4(0xd800 + (r>>10)&0x3ff)
			u4(0xdc00 + r&0x3ff)
		default:
			u4(r)
		}
	}
	sb.WriteByte('"')
}
