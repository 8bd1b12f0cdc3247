package value

import (
	"bytes"
	"fmt"
)

// Object is a JSON object that keeps its keys in insertion order. The zero
// value is an empty object ready to use. Setting an existing key keeps its
// position, as a Python dict does.
type Object struct {
	keys []string
	vals map[string]any
}

// NewObject returns an object holding the given key/value pairs in order.
// It panics if pairs has an odd length or a key that is not a string, which
// is a programming error.
func NewObject(pairs ...any) *Object {
	o := &Object{}
	for i := 0; i+1 < len(pairs); i += 2 {
		o.Set(pairs[i].(string), pairs[i+1])
	}
	if len(pairs)%2 != 0 {
		panic("value.NewObject: odd number of arguments")
	}
	return o
}

// Len returns the number of keys.
func (o *Object) Len() int {
	if o == nil {
		return 0
	}
	return len(o.keys)
}

// Keys returns the keys in order. The slice must not be modified.
func (o *Object) Keys() []string {
	if o == nil {
		return nil
	}
	return o.keys
}

// Get returns the value of key and whether it is present.
func (o *Object) Get(key string) (any, bool) {
	if o == nil {
		return nil, false
	}
	v, ok := o.vals[key]
	return v, ok
}

// Has reports whether key is present.
func (o *Object) Has(key string) bool {
	_, ok := o.Get(key)
	return ok
}

// Set sets key to v, appending key if it is new.
func (o *Object) Set(key string, v any) {
	if o.vals == nil {
		o.vals = make(map[string]any)
	}
	if _, ok := o.vals[key]; !ok {
		o.keys = append(o.keys, key)
	}
	o.vals[key] = v
}

// Delete removes key if present.
func (o *Object) Delete(key string) {
	if _, ok := o.vals[key]; !ok {
		return
	}
	delete(o.vals, key)
	for i, k := range o.keys {
		if k == key {
			o.keys = append(o.keys[:i:i], o.keys[i+1:]...)
			return
		}
	}
}

// String returns the value of key when it is a string, else "".
func (o *Object) String(key string) string {
	v, _ := o.Get(key)
	s, _ := v.(string)
	return s
}

// Object returns the value of key when it is an object, else nil.
func (o *Object) Object(key string) *Object {
	v, _ := o.Get(key)
	m, _ := v.(*Object)
	return m
}

// Clone returns a shallow copy: a new key list, the same values.
func (o *Object) Clone() *Object {
	if o == nil {
		return nil
	}
	c := &Object{keys: append([]string(nil), o.keys...), vals: make(map[string]any, len(o.vals))}
	for k, v := range o.vals {
		c.vals[k] = v
	}
	return c
}

// MarshalJSON writes the object compactly with its keys in order.
func (o *Object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	if err := Encode(&b, o, ""); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// UnmarshalJSON reads a JSON object, keeping its key order.
func (o *Object) UnmarshalJSON(data []byte) error {
	v, _, err := ParseJSON(data)
	if err != nil {
		return err
	}
	m, ok := v.(*Object)
	if !ok {
		return fmt.Errorf("expected a JSON object, got %s", TypeName(v))
	}
	*o = *m
	return nil
}
