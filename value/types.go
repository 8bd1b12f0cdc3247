package value

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"
)

// TypeName names the type of v as an experiment author would: object,
// array, string, integer, number, boolean or null.
func TypeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case int64, int:
		return "integer"
	case float64:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case *Object:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// Float returns v as a float64 when it is a number (not a boolean).
func Float(v any) (float64, bool) {
	switch n := v.(type) {
	case int64:
		return float64(n), true
	case int:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

// Truthy reports whether Python's bool(v) would be true.
func Truthy(v any) bool {
	switch t := v.(type) {
	case nil:
		return false
	case bool:
		return t
	case string:
		return t != ""
	case []any:
		return len(t) > 0
	case *Object:
		return t.Len() > 0
	}
	if f, ok := Float(v); ok {
		return f != 0
	}
	return true
}

// pyNumber returns the numeric value Python would use for v in a comparison,
// counting booleans as 0 and 1.
func pyNumber(v any) (float64, bool) {
	if b, ok := v.(bool); ok {
		if b {
			return 1, true
		}
		return 0, true
	}
	return Float(v)
}

// Equal compares a and b as Python's == does on the equivalent values:
// numbers and booleans compare by value (1 == 1.0 == True), lists and
// objects element by element, objects regardless of key order.
func Equal(a, b any) bool {
	if x, ok := pyNumber(a); ok {
		y, ok := pyNumber(b)
		return ok && x == y
	}
	switch x := a.(type) {
	case nil:
		return b == nil
	case string:
		y, ok := b.(string)
		return ok && x == y
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !Equal(x[i], y[i]) {
				return false
			}
		}
		return true
	case *Object:
		y, ok := b.(*Object)
		if !ok || x.Len() != y.Len() {
			return false
		}
		for _, k := range x.Keys() {
			xv, _ := x.Get(k)
			yv, ok := y.Get(k)
			if !ok || !Equal(xv, yv) {
				return false
			}
		}
		return true
	}
	return false
}

// Compare orders a and b as Python's < does for numbers (booleans
// included) and strings. Other pairs are not ordered and give an error, as
// they raise TypeError in Python.
func Compare(a, b any) (int, error) {
	if x, ok := pyNumber(a); ok {
		if y, ok := pyNumber(b); ok {
			switch {
			case x < y:
				return -1, nil
			case x > y:
				return 1, nil
			}
			return 0, nil
		}
	}
	if x, ok := a.(string); ok {
		if y, ok := b.(string); ok {
			return strings.Compare(x, y), nil
		}
	}
	return 0, fmt.Errorf("cannot compare %s with %s", TypeName(a), TypeName(b))
}

// DeepCopy copies objects and arrays recursively; scalars are shared.
func DeepCopy(v any) any {
	switch t := v.(type) {
	case *Object:
		c := &Object{keys: append([]string(nil), t.keys...), vals: make(map[string]any, len(t.vals))}
		for k, x := range t.vals {
			c.vals[k] = DeepCopy(x)
		}
		return c
	case []any:
		c := make([]any, len(t))
		for i, x := range t {
			c[i] = DeepCopy(x)
		}
		return c
	}
	return v
}

// Plain converts v to the types encoding/json produces (map[string]any,
// []any, float64, ...), for libraries that expect them.
func Plain(v any) any {
	switch t := v.(type) {
	case *Object:
		m := make(map[string]any, t.Len())
		for _, k := range t.Keys() {
			m[k] = Plain(t.vals[k])
		}
		return m
	case []any:
		c := make([]any, len(t))
		for i, x := range t {
			c[i] = Plain(x)
		}
		return c
	case int64:
		return float64(t)
	case int:
		return float64(t)
	}
	return v
}

// FromGo converts any Go value (maps, slices, structs, numbers of any
// width) into this package's types. Map keys are sorted, since Go maps
// have no order; structs go through encoding/json, so their field order
// and tags are kept. Values JSON cannot represent become their fmt text.
func FromGo(v any) any {
	switch t := v.(type) {
	case nil, bool, int64, float64, string, *Object:
		return t
	case int:
		return int64(t)
	case []any:
		c := make([]any, len(t))
		for i, x := range t {
			c[i] = FromGo(x)
		}
		return c
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		o := &Object{}
		for _, k := range keys {
			o.Set(k, FromGo(t[k]))
		}
		return o
	case float32:
		return float64(t)
	}
	return fromReflect(v)
}

func fromReflect(v any) any {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32:
		return rv.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if u := rv.Uint(); u <= math.MaxInt64 {
			return int64(u)
		}
		return float64(rv.Uint())
	}
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	parsed, _, err := ParseJSON(data)
	if err != nil {
		return fmt.Sprint(v)
	}
	return parsed
}

// MapStrings returns a copy of v in which every string, at any depth in
// object values and list items (not keys), is replaced by what f returns
// for it; other scalars are kept. v itself is not changed.
func MapStrings(v any, f func(string) any) any {
	switch t := v.(type) {
	case string:
		return f(t)
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = MapStrings(x, f)
		}
		return out
	case *Object:
		out := &Object{}
		for _, k := range t.Keys() {
			x, _ := t.Get(k)
			out.Set(k, MapStrings(x, f))
		}
		return out
	}
	return v
}
