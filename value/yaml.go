package value

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"time"

	"go.yaml.in/yaml/v3"
)

// maxYAMLNodes bounds alias expansion ("billion laughs").
const maxYAMLNodes = 1_000_000

// ParseYAML parses one YAML document the way the Python tool's safe loader
// reads it (core schema scalars, anchors, aliases and merge keys), keeping
// key order and positions. An empty document is an error.
func ParseYAML(data []byte) (any, Positions, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, nil, yamlError(err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, nil, &SyntaxError{Pos: Pos{Line: 1, Col: 1}, Msg: "the document is empty"}
	}
	c := &yamlConverter{pos: Positions{}}
	v, err := c.convert(doc.Content[0], "$", 0)
	if err != nil {
		return nil, nil, err
	}
	return v, c.pos, nil
}

var yamlLine = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)

func yamlError(err error) error {
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		err = errors.New(te.Errors[0])
	}
	m := yamlLine.FindStringSubmatch(err.Error())
	if m == nil {
		return &SyntaxError{Msg: err.Error()}
	}
	line, _ := strconv.Atoi(m[1])
	pos := Pos{}
	if line > 0 {
		pos = Pos{Line: line, Col: 1}
	}
	return &SyntaxError{Pos: pos, Msg: m[2]}
}

type yamlConverter struct {
	pos   Positions
	nodes int
}

func (c *yamlConverter) convert(n *yaml.Node, path string, depth int) (any, error) {
	c.nodes++
	if depth > MaxDepth {
		return nil, &SyntaxError{Pos: Pos{n.Line, n.Column}, Msg: fmt.Sprintf("nesting deeper than %d levels", MaxDepth)}
	}
	if c.nodes > maxYAMLNodes {
		return nil, &SyntaxError{Pos: Pos{n.Line, n.Column}, Msg: "too many values (alias expansion?)"}
	}
	if _, seen := c.pos[path]; !seen {
		c.pos[path] = Pos{n.Line, n.Column}
	}
	switch n.Kind {
	case yaml.AliasNode:
		return c.convert(n.Alias, path, depth+1)
	case yaml.MappingNode:
		return c.mapping(n, path, depth)
	case yaml.SequenceNode:
		list := make([]any, 0, len(n.Content))
		for i, item := range n.Content {
			v, err := c.convert(item, Index(path, i), depth+1)
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
		return list, nil
	default:
		return scalar(n)
	}
}

func (c *yamlConverter) mapping(n *yaml.Node, path string, depth int) (any, error) {
	o := &Object{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Tag == "!!merge" {
			if err := c.merge(o, v, path, depth); err != nil {
				return nil, err
			}
			continue
		}
		key := k.Value
		if k.Kind != yaml.ScalarNode {
			return nil, &SyntaxError{Pos: Pos{k.Line, k.Column}, Msg: "mapping keys must be scalars"}
		}
		val, err := c.convert(v, Key(path, key), depth+1)
		if err != nil {
			return nil, err
		}
		o.Set(key, val)
	}
	return o, nil
}

// merge applies a "<<" merge key: keys already present win.
func (c *yamlConverter) merge(into *Object, n *yaml.Node, path string, depth int) error {
	sources := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		sources = n.Content
	}
	for _, s := range sources {
		v, err := c.convert(s, path, depth+1)
		if err != nil {
			return err
		}
		m, ok := v.(*Object)
		if !ok {
			return &SyntaxError{Pos: Pos{s.Line, s.Column}, Msg: "a merge key (<<) needs a mapping"}
		}
		for _, k := range m.Keys() {
			if !into.Has(k) {
				mv, _ := m.Get(k)
				into.Set(k, mv)
			}
		}
	}
	return nil
}

func scalar(n *yaml.Node) (any, error) {
	var v any
	if err := n.Decode(&v); err != nil {
		return nil, &SyntaxError{Pos: Pos{n.Line, n.Column}, Msg: err.Error()}
	}
	switch t := v.(type) {
	case int:
		return int64(t), nil
	case uint64:
		return float64(t), nil
	case float64:
		if math.IsInf(t, 0) || math.IsNaN(t) {
			return n.Value, nil
		}
		return t, nil
	case time.Time:
		return n.Value, nil // timestamps stay text, as JSON has no date type
	case []byte:
		return string(t), nil
	default:
		return t, nil // nil, bool, string
	}
}
