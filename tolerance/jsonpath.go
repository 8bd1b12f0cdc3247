package tolerance

import (
	"errors"
	"fmt"
	"strings"

	"github.com/theory/jsonpath"
	"github.com/theory/jsonpath/spec"

	"github.com/chaostracing/chaostracing/value"
)

// compiledPath is a JSONPath ready to run on our ordered values: a list of
// steps, each turning the current node list into the next.
type compiledPath struct {
	steps []pathStep
	// shown is the path in RFC 9535 form, for messages.
	shown string
}

type pathStep interface {
	apply(in []node, root any) []node
}

// node pairs a value with its value.Plain twin. We walk the ordered value
// so that results come in document order, as from Python's dicts (the
// library walks Go maps in random order, which would make "expect" lists
// flaky), and hand the twin to the library's filter evaluation.
type node struct{ v, p any }

var pathCache cache[*compiledPath]

// compileJSONPath reads a path in Chaos Toolkit's jsonpath2 dialect when
// the Python tool would accept it, and as RFC 9535 otherwise.
func compileJSONPath(src string) (*compiledPath, error) {
	return pathCache.get(src, func(src string) (*compiledPath, error) {
		s := strings.TrimSpace(src)
		if s == "" {
			return nil, errors.New("the JSONPath is empty")
		}
		p2, err2 := parseJSONPath2(s)
		if err2 == nil {
			return fromJSONPath2(p2, s)
		}
		q, err := jsonpath.Parse(s)
		if err != nil {
			return nil, fmt.Errorf("invalid JSONPath %q: as RFC 9535, %s; in Chaos Toolkit's jsonpath2 dialect, %v",
				s, strings.TrimPrefix(err.Error(), "jsonpath: "), err2)
		}
		return fromRFC(q.Query(), s)
	})
}

// fromRFC wraps a parsed RFC 9535 query.
func fromRFC(q *spec.PathQuery, s string) (*compiledPath, error) {
	c := &compiledPath{shown: s}
	for _, seg := range q.Segments() {
		for _, sel := range seg.Selectors() {
			if !knownSelector(sel) {
				return nil, fmt.Errorf("JSONPath %q: unsupported selector %v", s, sel)
			}
		}
		c.steps = append(c.steps, segStep{seg})
	}
	return c, nil
}

func knownSelector(sel spec.Selector) bool {
	switch sel.(type) {
	case spec.Name, spec.Index, spec.SliceSelector, spec.WildcardSelector, *spec.FilterSelector:
		return true
	}
	return false
}

// fromJSONPath2 translates a jsonpath2 path into RFC 9535 segments, plus
// the steps RFC 9535 cannot express (a filter on the node itself, a
// function call), which we run ourselves with jsonpath2's meaning.
func fromJSONPath2(p *path2, src string) (*compiledPath, error) {
	b := &builder{shown: "$"}
	for _, st := range p.steps {
		if err := b.add(st); err != nil {
			return nil, fmt.Errorf("JSONPath %q: %w", src, err)
		}
	}
	if err := b.flush(); err != nil {
		return nil, err
	}
	if b.self && rfcValid(src) {
		// Valid in both dialects with different meanings: either choice
		// would silently change someone's results, so ask.
		return nil, fmt.Errorf("JSONPath %q is ambiguous: Chaos Toolkit (jsonpath2) applies a filter "+
			"[?(...)] that does not follow [*] to the node before it, RFC 9535 to that node's children; "+
			"to filter the children, write %q (a filter on the node itself has no RFC 9535 form)", src, b.shown)
	}
	return &compiledPath{steps: b.steps, shown: b.shown}, nil
}

func rfcValid(s string) bool {
	_, err := jsonpath.Parse(s)
	return err == nil
}

// builder turns jsonpath2 steps into compiled steps.
type builder struct {
	w     segWriter
	steps []pathStep
	shown string
	self  bool // some filter applies to the node itself
}

func (b *builder) add(st step2) error {
	handled, err := b.w.add(st)
	if err != nil || handled {
		return err
	}
	if err := b.flush(); err != nil {
		return err
	}
	if s := st.subs[0]; s.kind == subCall {
		return b.addCall(s)
	}
	return b.addSelfFilter(st.subs[0].filter)
}

// flush compiles the pending RFC 9535 segments.
func (b *builder) flush() error {
	if len(b.w.segs) == 0 {
		return nil
	}
	text := strings.Join(b.w.segs, "")
	q, err := jsonpath.Parse("$" + text)
	if err != nil {
		return fmt.Errorf("internal error: the RFC 9535 form %q does not parse: %v", "$"+text, err)
	}
	for _, seg := range q.Query().Segments() {
		b.steps = append(b.steps, segStep{seg})
	}
	b.shown += text
	b.w = segWriter{}
	return nil
}

func (b *builder) addSelfFilter(e *expr2) error {
	text, err := filterRFC(e)
	if err != nil {
		return err
	}
	f, err := filterSelector(text)
	if err != nil {
		return err
	}
	b.steps = append(b.steps, selfFilter{f})
	b.shown += "[?" + text + "]"
	b.self = true
	return nil
}

func (b *builder) addCall(s sub2) error {
	args := make([]string, len(s.args))
	for i, a := range s.args {
		if a.path != nil {
			return fmt.Errorf("the arguments of %s() must be literals", s.name)
		}
		args[i] = show(a.lit)
	}
	b.steps = append(b.steps, callStep{name: s.name, args: literals(s.args)})
	b.shown += "." + s.name + "(" + strings.Join(args, ",") + ")"
	return nil
}

func literals(ops []operand) []any {
	out := make([]any, len(ops))
	for i, o := range ops {
		out[i] = o.lit
	}
	return out
}

// filterSelector compiles an RFC 9535 logical expression.
func filterSelector(text string) (*spec.FilterSelector, error) {
	q, err := jsonpath.Parse("$[?" + text + "]")
	if err != nil {
		return nil, fmt.Errorf("internal error: the RFC 9535 filter %q does not parse: %v", text, err)
	}
	if segs := q.Query().Segments(); len(segs) == 1 && len(segs[0].Selectors()) == 1 {
		if f, ok := segs[0].Selectors()[0].(*spec.FilterSelector); ok {
			return f, nil
		}
	}
	return nil, fmt.Errorf("internal error: %q is not a single RFC 9535 filter", text)
}

// eval runs the path on doc and returns the matched values in order.
func (c *compiledPath) eval(doc any) []any {
	root := value.Plain(doc)
	nodes := []node{{doc, root}}
	for _, st := range c.steps {
		nodes = st.apply(nodes, root)
	}
	out := make([]any, len(nodes))
	for i, n := range nodes {
		out[i] = n.v
	}
	return out
}

// segStep is an RFC 9535 segment, walked in document order.
type segStep struct{ seg *spec.Segment }

func (s segStep) apply(in []node, root any) []node {
	var out []node
	for _, n := range in {
		if s.seg.IsDescendant() {
			out = s.descend(n, root, out)
		} else {
			out = s.selectAll(n, root, out)
		}
	}
	return out
}

// descend visits n, then its descendants depth first, as both jsonpath2
// and the library do.
func (s segStep) descend(n node, root any, out []node) []node {
	out = s.selectAll(n, root, out)
	children(n, func(c node) { out = s.descend(c, root, out) })
	return out
}

func (s segStep) selectAll(n node, root any, out []node) []node {
	for _, sel := range s.seg.Selectors() {
		out = selectOne(sel, n, root, out)
	}
	return out
}

func selectOne(sel spec.Selector, n node, root any, out []node) []node {
	switch s := sel.(type) {
	case spec.Name:
		if o, ok := n.v.(*value.Object); ok {
			if v, ok := o.Get(string(s)); ok {
				out = append(out, node{v, plainMap(n, o)[string(s)]})
			}
		}
	case spec.Index:
		if list, ok := n.v.([]any); ok {
			if i := int(s) + len(list)*boolInt(s < 0); i >= 0 && i < len(list) {
				out = append(out, node{list[i], plainList(n, list)[i]})
			}
		}
	case spec.SliceSelector:
		out = slice(s, n, out)
	case spec.WildcardSelector:
		children(n, func(c node) { out = append(out, c) })
	case *spec.FilterSelector:
		children(n, func(c node) {
			if s.Eval(c.p, root) {
				out = append(out, c)
			}
		})
	}
	return out
}

func slice(s spec.SliceSelector, n node, out []node) []node {
	list, ok := n.v.([]any)
	if !ok {
		return out
	}
	plain := plainList(n, list)
	lower, upper := s.Bounds(len(list))
	switch step := s.Step(); {
	case step > 0:
		for i := lower; i < upper; i += step {
			out = append(out, node{list[i], plain[i]})
		}
	case step < 0:
		for i := upper; lower < i; i += step {
			out = append(out, node{list[i], plain[i]})
		}
	}
	return out
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// children visits the members of an object in key order, or the elements
// of an array.
func children(n node, visit func(node)) {
	switch v := n.v.(type) {
	case *value.Object:
		plain := plainMap(n, v)
		for _, k := range v.Keys() {
			x, _ := v.Get(k)
			visit(node{x, plain[k]})
		}
	case []any:
		plain := plainList(n, v)
		for i, x := range v {
			visit(node{x, plain[i]})
		}
	}
}

// plainMap and plainList return the twin of n, rebuilding it should it
// not match (it always does for twins built by eval).
func plainMap(n node, o *value.Object) map[string]any {
	if m, ok := n.p.(map[string]any); ok && len(m) == o.Len() {
		return m
	}
	return value.Plain(o).(map[string]any)
}

func plainList(n node, list []any) []any {
	if l, ok := n.p.([]any); ok && len(l) == len(list) {
		return l
	}
	return value.Plain(list).([]any)
}

// selfFilter keeps the nodes that pass a filter: jsonpath2's [?(...)],
// which tests the node it follows rather than that node's children.
type selfFilter struct{ f *spec.FilterSelector }

func (s selfFilter) apply(in []node, root any) []node {
	var out []node
	for _, n := range in {
		if s.f.Eval(n.p, root) {
			out = append(out, n)
		}
	}
	return out
}

// callStep is a jsonpath2 function subscript such as .length().
type callStep struct {
	name string
	args []any
}

func (c callStep) apply(in []node, _ any) []node {
	var out []node
	for _, n := range in {
		if v, ok := call(c.name, n.v, c.args); ok {
			out = append(out, node{v, value.Plain(v)})
		}
	}
	return out
}
