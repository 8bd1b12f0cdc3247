package tolerance

import (
	"unicode/utf8"

	"github.com/chaostracing/chaostracing/value"
)

// jsonpath2's function subscripts ($.items.length(), $.name.charAt(0)...)
// have no RFC 9535 equivalent outside filters; experiments may use them, so
// we run them ourselves as a step of the path.

// call runs a jsonpath2 function subscript on v, with Python's semantics
// (lengths and indexes count code points).
func call(name string, v any, args []any) (any, bool) {
	switch name {
	case "length":
		return length(v)
	case "entries", "keys", "values":
		o, ok := v.(*value.Object)
		if !ok {
			return nil, false
		}
		return members(name, o), true
	case "charAt":
		return charAt(v, args)
	}
	return substring(v, args)
}

func length(v any) (any, bool) {
	switch t := v.(type) {
	case []any:
		return int64(len(t)), true
	case string:
		return int64(utf8.RuneCountInString(t)), true
	}
	return nil, false
}

func members(name string, o *value.Object) []any {
	out := make([]any, 0, o.Len())
	for _, k := range o.Keys() {
		x, _ := o.Get(k)
		switch name {
		case "keys":
			out = append(out, k)
		case "values":
			out = append(out, x)
		default:
			out = append(out, []any{k, x})
		}
	}
	return out
}

func charAt(v any, args []any) (any, bool) {
	s, ok := v.(string)
	if !ok || len(args) != 1 {
		return nil, false
	}
	i, ok := pyInt(args[0])
	runes := []rune(s)
	if i < 0 {
		i += int64(len(runes))
	}
	if !ok || i < 0 || i >= int64(len(runes)) {
		return nil, false
	}
	return string(runes[i]), true
}

func substring(v any, args []any) (any, bool) {
	s, ok := v.(string)
	if !ok || len(args) < 1 || len(args) > 2 {
		return nil, false
	}
	runes := []rune(s)
	n := int64(len(runes))
	start, ok := pyInt(args[0])
	end := n
	if len(args) == 2 {
		var ok2 bool
		end, ok2 = pyInt(args[1])
		ok = ok && ok2
	}
	if !ok {
		return nil, false
	}
	start, end = pyBound(start, n), pyBound(end, n)
	if start >= end {
		return "", true
	}
	return string(runes[start:end]), true
}

// pyBound clamps a slice bound as Python does.
func pyBound(i, n int64) int64 {
	if i < 0 {
		i += n
	}
	return max(0, min(i, n))
}

// pyInt accepts what Python's isinstance(x, int) does, booleans included.
func pyInt(v any) (int64, bool) {
	switch t := v.(type) {
	case int64:
		return t, true
	case bool:
		return int64(boolInt(t)), true
	}
	return 0, false
}
