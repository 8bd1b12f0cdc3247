package value

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// EncodeYAML writes v as a block-style YAML document with a 2-space
// indent, keeping object key order. Strings that would read back as
// another type (yes, 1, null...) are quoted, and floats always carry a
// dot, so both this package and Python's yaml.safe_load read back the
// values written. Values of other Go types are converted with FromGo.
func EncodeYAML(w io.Writer, v any) error {
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(yamlNode(v)); err != nil {
		return fmt.Errorf("cannot encode YAML: %w", err)
	}
	return enc.Close()
}

// yamlNode converts a value tree to a yaml.Node tree.
func yamlNode(v any) *yaml.Node {
	switch t := v.(type) {
	case *Object:
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		for _, k := range t.Keys() {
			x, _ := t.Get(k)
			n.Content = append(n.Content, yamlScalar(k), yamlNode(x))
		}
		return n
	case []any:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for _, x := range t {
			n.Content = append(n.Content, yamlNode(x))
		}
		return n
	case float64:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: yamlFloat(t)}
	case nil, bool, int64, string:
		return yamlScalar(t)
	}
	return yamlNode(FromGo(v))
}

// yamlScalar converts nil, a boolean, an integer or a string. For strings
// the yaml package chooses the quoting, for YAML 1.1 readers too ("yes"
// and "on" are quoted).
func yamlScalar(v any) *yaml.Node {
	switch t := v.(type) {
	case nil:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(t)}
	case int64:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatInt(t, 10)}
	}
	var n yaml.Node
	_ = n.Encode(v.(string)) // encoding a string cannot fail
	return &n
}

// yamlFloat formats f as Python's yaml representer does: repr, with ".0"
// added before an exponent that has no dot (1.0e-05), since YAML 1.1 needs
// the dot to read a float; NaN and infinities as YAML's .nan and .inf.
func yamlFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return ".nan"
	case math.IsInf(f, 1):
		return ".inf"
	case math.IsInf(f, -1):
		return "-.inf"
	}
	s := FormatFloat(f)
	if !strings.Contains(s, ".") {
		s = strings.Replace(s, "e", ".0e", 1)
	}
	return s
}
