package settings

import (
	"fmt"
	"slices"
	"strings"

	"github.com/chaostracing/chaostracing/value"
)

// Get returns the value at key; the empty key is the whole document. A
// key that is not in the settings is an error located at the closest
// value that is.
func (s *Settings) Get(key Key) (any, error) {
	var cur any = s.Doc
	for i := range key {
		next, err := s.child(cur, key, i)
		if err != nil {
			return nil, err
		}
		cur = next
	}
	return cur, nil
}

// child returns the value at key[i] in cur, the value at key[:i].
func (s *Settings) child(cur any, key Key, i int) (any, error) {
	st := key[i]
	if st.Index >= 0 {
		list, ok := cur.([]any)
		if !ok {
			return nil, s.notA(key[:i], cur, "an array")
		}
		if st.Index >= len(list) {
			return nil, fmt.Errorf("%s: %s has %d item(s), no [%d]", s.where(key[:i].jsonPath()), key[:i], len(list), st.Index)
		}
		return list[st.Index], nil
	}
	obj, ok := cur.(*value.Object)
	if !ok {
		return nil, s.notA(key[:i], cur, "an object")
	}
	v, ok := obj.Get(st.Name)
	if !ok {
		return nil, s.missing(key[:i], obj, st.Name)
	}
	return v, nil
}

func (s *Settings) notA(key Key, v any, want string) error {
	return fmt.Errorf("%s: %s is %s, not %s", s.where(key.jsonPath()), key, article(value.TypeName(v)), want)
}

func (s *Settings) missing(parent Key, obj *value.Object, name string) error {
	what := "no key " + Key{{Name: name, Index: -1}}.String()
	if len(parent) > 0 {
		what = parent.String() + " has " + what
	}
	keys := "it has none"
	if obj.Len() > 0 {
		names := make([]string, obj.Len())
		for i, k := range obj.Keys() {
			names[i] = Key{{Name: k, Index: -1}}.String()
		}
		keys = "its keys: " + strings.Join(names, ", ")
	}
	return fmt.Errorf("%s: %s (%s)", s.where(parent.jsonPath()), what, keys)
}

// article puts "a" or "an" before a type name; null needs neither.
func article(typeName string) string {
	if typeName == "null" {
		return typeName
	}
	if strings.IndexByte("aeiou", typeName[0]) >= 0 {
		return "an " + typeName
	}
	return "a " + typeName
}

// Set sets the value at key to v, a value tree (see package value).
//
// Unlike the Python tool, which only changes keys that exist, Set creates
// what is missing on the way: a missing or null value becomes an object
// when a name follows it, and an index one past the end of an array (or
// [0] of a missing one) appends an item. An existing value of another
// type is never replaced on the way: setting a.b when a is a string is an
// error. Setting a runtime strategy the runner does not know is an error,
// and the settings are then unchanged.
func (s *Settings) Set(key Key, v any) error {
	if len(key) == 0 {
		return fmt.Errorf("cannot set the whole settings document: name a key")
	}
	doc := value.NewObject()
	if s.Doc != nil {
		doc = value.DeepCopy(s.Doc).(*value.Object)
	}
	if _, err := s.setIn(doc, key, 0, v); err != nil {
		return err
	}
	if p, ok := firstProblem(doc, key.jsonPath()); ok {
		return fmt.Errorf("cannot set %s: %s", key, p)
	}
	s.Doc, s.Positions = doc, nil
	return nil
}

// setIn returns cur, the value at key[:i], with key[i:] set to v.
func (s *Settings) setIn(cur any, key Key, i int, v any) (any, error) {
	if i == len(key) {
		return v, nil
	}
	if key[i].Index >= 0 {
		return s.setInArray(cur, key, i, v)
	}
	if cur == nil {
		cur = value.NewObject()
	}
	obj, ok := cur.(*value.Object)
	if !ok {
		return nil, s.notA(key[:i], cur, "an object")
	}
	child, _ := obj.Get(key[i].Name)
	x, err := s.setIn(child, key, i+1, v)
	if err != nil {
		return nil, err
	}
	obj.Set(key[i].Name, x)
	return obj, nil
}

func (s *Settings) setInArray(cur any, key Key, i int, v any) (any, error) {
	list, ok := cur.([]any)
	if !ok && cur != nil {
		return nil, s.notA(key[:i], cur, "an array")
	}
	idx := key[i].Index
	if idx > len(list) {
		return nil, fmt.Errorf("%s: %s has %d item(s), no [%d] (use [%d] to append one)", s.where(key[:i].jsonPath()), key[:i], len(list), idx, len(list))
	}
	var child any
	if idx < len(list) {
		child = list[idx]
	}
	x, err := s.setIn(child, key, i+1, v)
	if err != nil {
		return nil, err
	}
	if idx == len(list) {
		return append(list, x), nil
	}
	list[idx] = x
	return list, nil
}

// Remove removes the value at key, which must exist: a key with its
// value, or an array item (the items after it move up).
func (s *Settings) Remove(key Key) error {
	if len(key) == 0 {
		return fmt.Errorf("cannot remove the whole settings document: name a key")
	}
	if _, err := s.Get(key); err != nil {
		return err
	}
	parentKey, last := key[:len(key)-1], key[len(key)-1]
	parent, _ := s.Get(parentKey)
	if last.Index < 0 {
		parent.(*value.Object).Delete(last.Name)
	} else {
		list := slices.Delete(slices.Clone(parent.([]any)), last.Index, last.Index+1)
		_, _ = s.setIn(s.Doc, parentKey, 0, list) // parentKey exists: this cannot fail
	}
	s.Positions = nil
	return nil
}
