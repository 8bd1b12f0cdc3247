// Package settings reads Chaos Toolkit's settings file
// (~/.chaostoolkit/settings.yaml): global controls, runtime strategies,
// per-host authorization for remote experiments and notifications.
//
// The file keeps the Python tool's layout, so one file serves both tools:
//
//	controls:      {name: {provider: {type: python, module: ...}}}
//	runtime:
//	  rollbacks:   {strategy: always}
//	  hypothesis:  {strategy: continuously}
//	auths:         {host[:port]: {type: bearer, value: TOKEN}}
//	notifications: [{type: http, url: ..., events: [...]}]
package settings

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/value"
)

// Settings is a loaded settings file. The zero value (and nil) holds no
// settings.
type Settings struct {
	// Path is the file the settings came from, "" when none was read.
	Path string
	// Doc is the whole document in file order; never nil after Load.
	Doc *value.Object
	// Positions locates Doc's values in the file.
	Positions value.Positions
}

// DefaultPath is the Python tool's settings file,
// ~/.chaostoolkit/settings.yaml, whether or not it exists.
func DefaultPath() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return filepath.Join(".chaostoolkit", "settings.yaml")
	}
	return filepath.Join(home, ".chaostoolkit", "settings.yaml")
}

// Load reads the settings file at path, as Read does, and checks its
// values (Check).
func Load(path string) (*Settings, error) {
	s, err := Read(path)
	if err != nil {
		return nil, err
	}
	return s, s.Check()
}

// Read reads the settings file at path. An empty path means the default
// file, which may be missing (no settings then); a file the user named must
// exist. An empty file holds no settings; anything but a YAML or JSON
// mapping is an error located as file:line:col. Read does not check the
// values, so that a file Load rejects can still be shown and fixed.
func Read(path string) (*Settings, error) {
	named := path != ""
	if !named {
		path = DefaultPath()
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && !named {
		return &Settings{Doc: value.NewObject()}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read settings file: %w", err)
	}
	s := &Settings{Path: path, Doc: value.NewObject()}
	if len(bytes.TrimSpace(data)) == 0 {
		return s, nil
	}
	doc, pos, err := experiment.Parse(path, data)
	if err != nil {
		return nil, fmt.Errorf("invalid settings file: %w", err)
	}
	if doc == nil {
		return s, nil
	}
	obj, ok := doc.(*value.Object)
	if !ok {
		return nil, fmt.Errorf("%s: a settings file must hold a mapping, not %s", path, value.TypeName(doc))
	}
	s.Doc, s.Positions = obj, pos
	return s, nil
}

// Check rejects a runtime block of the wrong shape or a strategy the
// runner does not know, so a typo in the settings file is not silently the
// default. The error is located as
// file:line:col.
func (s *Settings) Check() error {
	if p, ok := firstProblem(s.Doc, "$"); ok {
		return fmt.Errorf("%s: %s", s.where(p.path), p)
	}
	return nil
}

// problem is a value of the settings the runner would reject.
type problem struct {
	path string // JSONPath of the value
	msg  string
}

func (p problem) String() string { return p.path + " " + p.msg }

// firstProblem returns the first problem of doc at or under the JSONPath
// under, which is "$" for the whole document.
func firstProblem(doc *value.Object, under string) (problem, bool) {
	for _, keys := range [][]string{{"runtime"}, {"runtime", "rollbacks"}, {"runtime", "hypothesis"}} {
		path := "$." + strings.Join(keys, ".")
		v := at(doc, keys...)
		if _, isObj := v.(*value.Object); v != nil && !isObj && within(path, under) {
			return problem{path, "must be a mapping (such as {strategy: always}), not " + value.TypeName(v)}, true
		}
	}
	checks := []struct {
		key     string
		choices []string
	}{
		{"rollbacks", experiment.RollbackStrategies},
		{"hypothesis", experiment.HypothesisStrategies},
	}
	for _, c := range checks {
		path := "$.runtime." + c.key + ".strategy"
		v := at(doc, "runtime", c.key, "strategy")
		if str, ok := v.(string); v == nil || ok && slices.Contains(c.choices, str) || !within(path, under) {
			continue
		}
		return problem{path, fmt.Sprintf("must be one of %s, not %v", strings.Join(c.choices, ", "), v)}, true
	}
	return problem{}, false
}

// within reports whether the JSONPath path is under, or is, the JSONPath
// under.
func within(path, under string) bool {
	rest, ok := strings.CutPrefix(path, under)
	return ok && (rest == "" || rest[0] == '.' || rest[0] == '[')
}

// where locates a JSONPath of the document as file:line:col, or names the
// file alone when the position is unknown (after a change).
func (s *Settings) where(path string) string {
	name := s.Path
	if name == "" {
		name = "settings"
	}
	if pos := s.Positions.Of(path).String(); pos != "" {
		return name + ":" + pos
	}
	return name
}

// at returns the value at a chain of object keys, nil when any is missing
// or not an object.
func (s *Settings) at(keys ...string) any {
	if s == nil {
		return nil
	}
	return at(s.Doc, keys...)
}

// at returns the value of doc at a chain of object keys, nil when any is
// missing or not an object.
func at(doc *value.Object, keys ...string) any {
	if doc == nil {
		return nil
	}
	var cur any = doc
	for _, k := range keys {
		o, ok := cur.(*value.Object)
		if !ok {
			return nil
		}
		cur, _ = o.Get(k)
	}
	return cur
}

// Runtime returns the strategies under runtime.rollbacks.strategy and
// runtime.hypothesis.strategy, "" when unset or not a string.
func (s *Settings) Runtime() experiment.Runtime {
	rb, _ := s.at("runtime", "rollbacks", "strategy").(string)
	hyp, _ := s.at("runtime", "hypothesis", "strategy").(string)
	return experiment.Runtime{Present: rb != "" || hyp != "", RollbackStrategy: rb, HypothesisStrategy: hyp}
}

// Auth returns the Authorization header value for a remote experiment
// host ("host" or "host:port", as in the URL), "<type> <value>" from
// auths, and whether one is set.
func (s *Settings) Auth(host string) (string, bool) {
	a, ok := s.at("auths", host).(*value.Object)
	if !ok {
		return "", false
	}
	typ, val := a.String("type"), a.String("value")
	if typ == "" || val == "" {
		return "", false
	}
	return typ + " " + val, true
}

// Notifications returns the raw notifications list, nil when unset.
func (s *Settings) Notifications() []any {
	list, _ := s.at("notifications").([]any)
	return list
}
