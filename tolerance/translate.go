package tolerance

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file writes jsonpath2 paths in RFC 9535 form. What jsonpath2 does,
// read from its source (pacifica/python-jsonpath2):
//
//   - A filter [?(e)] tests the node it follows, not that node's children
//     (FilterSubscript.match yields the current value when e holds), so
//     jsonpath2's way to filter an array is [*][?(e)], RFC 9535's [?e].
//   - Comparisons hold when any match of the left side compares true with
//     any match of the right side, so a missing member never compares,
//     not even with != (RFC 9535: a missing member != 1 is true).
//   - <, <=, >, >= compare numbers only; strings never compare.
//   - "or" binds tighter than "and"; "=" is equality.
//   - .. visits the node then its descendants depth first, and * visits
//     object members in key order, as RFC 9535 allows.

// maxRFCIndex is the largest index RFC 9535 accepts (2^53 - 1).
const maxRFCIndex = 1<<53 - 1

// segWriter writes jsonpath2 steps as RFC 9535 segments.
type segWriter struct {
	segs      []string
	wild      bool   // the last segment is a lone [*]
	merged    string // the filter of the last segment, when it came from [*][?(...)]
	recursive bool   // the last segment is a descendant segment
}

// add appends st. It returns false, with no error, for a step RFC 9535
// cannot express in place: a filter on the node itself or a function call.
func (w *segWriter) add(st step2) (bool, error) {
	if len(st.subs) == 1 {
		switch st.subs[0].kind {
		case subFilter:
			return w.addFilter(st)
		case subCall:
			if st.recursive {
				return false, fmt.Errorf("..%s() has no RFC 9535 form", st.subs[0].name)
			}
			return false, nil
		}
	}
	seg, err := segmentRFC(st)
	if err != nil {
		return false, err
	}
	w.segs = append(w.segs, seg)
	w.wild = len(st.subs) == 1 && st.subs[0].kind == subWildcard
	w.merged, w.recursive = "", st.recursive
	return true, nil
}

// addFilter merges [*][?(e)] into RFC 9535's [?e], and a further [?(f)]
// into [?(e) && (f)]: both keep the same children.
func (w *segWriter) addFilter(st step2) (bool, error) {
	text, err := filterRFC(st.subs[0].filter)
	if err != nil {
		return false, err
	}
	if st.recursive {
		return false, fmt.Errorf("..[?(...)] tests every node, the root included, and RFC 9535 has no such form; "+
			"to test every node below the root write ..[?%s]", text)
	}
	switch {
	case w.wild:
		w.merged = text
	case w.merged != "":
		w.merged = "(" + w.merged + ") && (" + text + ")"
	default:
		return false, nil
	}
	seg := "[?" + w.merged + "]"
	if w.recursive {
		seg = ".." + seg
	}
	w.segs[len(w.segs)-1] = seg
	w.wild = false
	return true, nil
}

// segmentRFC writes a step made of names, indexes, slices and wildcards.
func segmentRFC(st step2) (string, error) {
	dots := ""
	if st.recursive {
		dots = ".."
	}
	if len(st.subs) == 1 && st.subs[0].kind == subName && isIdentifier(st.subs[0].name) {
		if st.recursive {
			return ".." + st.subs[0].name, nil
		}
		return "." + st.subs[0].name, nil
	}
	sels := make([]string, len(st.subs))
	for i, s := range st.subs {
		sel, err := selectorRFC(s)
		if err != nil {
			return "", err
		}
		sels[i] = sel
	}
	return dots + "[" + strings.Join(sels, ",") + "]", nil
}

func selectorRFC(s sub2) (string, error) {
	switch s.kind {
	case subName:
		return quoteRFC(s.name), nil
	case subIndex:
		return indexRFC(&s.index)
	case subSlice:
		return sliceRFC(s.slice)
	case subWildcard:
		return "*", nil
	case subFilter:
		return "", errors.New("a filter in a list of subscripts ([a, ?(...)]) has no RFC 9535 form; use it on its own, as in [*][?(...)]")
	case subQuery:
		return "", errors.New("a query used as a subscript ([@.x] or [$.x]) has no RFC 9535 form")
	}
	return "", fmt.Errorf("%s() must be a step of its own (.%s()), not part of a list of subscripts", s.name, s.name)
}

func indexRFC(n *int64) (string, error) {
	if n == nil {
		return "", nil
	}
	if *n > maxRFCIndex || *n < -maxRFCIndex {
		return "", fmt.Errorf("index %d is outside the range RFC 9535 allows", *n)
	}
	return strconv.FormatInt(*n, 10), nil
}

// sliceRFC writes start:end:step. jsonpath2 differs on two odd cases that
// RFC 9535 and Python's own slices agree on: [::-1] selects nothing there,
// and a start before the beginning of a short array wraps around.
func sliceRFC(parts [3]*int64) (string, error) {
	out := make([]string, 3)
	for i, p := range parts {
		s, err := indexRFC(p)
		if err != nil {
			return "", err
		}
		out[i] = s
	}
	if parts[2] == nil {
		return out[0] + ":" + out[1], nil
	}
	return strings.Join(out, ":"), nil
}

func isIdentifier(s string) bool {
	if s == "" || isDigit(s[0]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != '_' && !isLetter(c) && !isDigit(c) {
			return false
		}
	}
	return true
}

// quoteRFC writes s as an RFC 9535 string literal.
func quoteRFC(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20:
			fmt.Fprintf(&b, `\u%04x`, r)
		case r == utf8.RuneError:
			b.WriteString(`\ufffd`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// filterRFC writes a jsonpath2 filter expression as an RFC 9535 logical
// expression with the same truth value.
func filterRFC(e *expr2) (string, error) {
	text, _, err := exprRFC(e)
	return text, err
}

// exprRFC also reports whether the text needs parentheses inside a larger
// expression.
func exprRFC(e *expr2) (string, bool, error) {
	switch e.kind {
	case exAnd, exOr:
		sep := " && "
		if e.kind == exOr {
			sep = " || "
		}
		parts := make([]string, len(e.subs))
		for i, s := range e.subs {
			text, compound, err := exprRFC(s)
			if err != nil {
				return "", false, err
			}
			parts[i] = parenthesize(text, compound)
		}
		return strings.Join(parts, sep), true, nil
	case exNot:
		text, _, err := exprRFC(e.subs[0])
		return "!(" + text + ")", false, err
	case exSome:
		return someRFC(e.left)
	}
	return cmpRFC(e)
}

func parenthesize(text string, compound bool) string {
	if compound {
		return "(" + text + ")"
	}
	return text
}

// someRFC writes a bare operand: an existence test.
func someRFC(o operand) (string, bool, error) {
	if o.path == nil {
		return "", false, fmt.Errorf("a filter that is a constant (%s) has no RFC 9535 form", show(o.lit))
	}
	q, err := queryRFC(o.path)
	return q.text, false, err
}

var rfcOps = map[tokKind]string{tEq: "==", tNe: "!=", tLt: "<", tLe: "<=", tGt: ">", tGe: ">="}

// side is one operand of a comparison in RFC 9535 form.
type side struct {
	filterQuery
	isPath bool
	lit    any
}

func cmpRFC(e *expr2) (string, bool, error) {
	l, err := sideRFC(e.left)
	if err != nil {
		return "", false, err
	}
	r, err := sideRFC(e.right)
	if err != nil {
		return "", false, err
	}
	op := rfcOps[e.op]
	if e.op != tEq && e.op != tNe && (!numberSide(l) || !numberSide(r)) {
		return "", false, fmt.Errorf("jsonpath2 compares only numbers with %s, so %s %s %s never held in Chaos Toolkit; "+
			"RFC 9535 also compares strings: write [?%s %s %s] if that is what you mean", op, l.text, op, r.text, l.text, op, r.text)
	}
	if l.isPath && !l.singular || r.isPath && !r.singular {
		return anyRFC(l, op, r)
	}
	text, guarded := singularCmp(l, e.op, r)
	return text, guarded, nil
}

// singularCmp compares two single-node queries or literals. A missing node
// never compares in jsonpath2, hence the existence tests that RFC 9535
// needs for != and for two queries (where missing == missing). It reports
// whether it added any, making the text a conjunction.
func singularCmp(l side, op tokKind, r side) (string, bool) {
	cmp := l.text + " " + rfcOps[op] + " " + r.text
	var guards []string
	if op == tNe || (l.isPath && r.isPath && op == tEq) {
		for _, s := range []side{l, r} {
			if s.isPath {
				guards = append(guards, s.text)
			}
		}
	}
	return strings.Join(append(guards, cmp), " && "), len(guards) > 0
}

// anyRFC writes a comparison on a query ending in [*] as a filter on its
// elements: "any element compares true" is "some element passes".
func anyRFC(l side, op string, r side) (string, bool, error) {
	switch {
	case l.isPath && l.wildBase != "" && !r.isPath:
		return l.wildBase + "[?@ " + op + " " + r.text + "]", false, nil
	case r.isPath && r.wildBase != "" && !l.isPath:
		return r.wildBase + "[?" + l.text + " " + op + " @]", false, nil
	}
	q := l
	if !q.isPath || q.singular {
		q = r
	}
	return "", false, fmt.Errorf("jsonpath2 compares every match of %s; RFC 9535 compares single-node queries "+
		"(names and indexes only), or write [?...] on the elements of a query ending in [*]", q.text)
}

func numberSide(s side) bool {
	if s.isPath {
		return true
	}
	switch s.lit.(type) {
	case int64, float64:
		return true
	}
	return false
}

func sideRFC(o operand) (side, error) {
	if o.path != nil {
		q, err := queryRFC(o.path)
		return side{filterQuery: q, isPath: true}, err
	}
	text, err := literalRFC(o.lit)
	return side{filterQuery: filterQuery{text: text}, lit: o.lit}, err
}

func literalRFC(v any) (string, error) {
	switch t := v.(type) {
	case string:
		return quoteRFC(t), nil
	case float64:
		if math.IsInf(t, 0) || math.IsNaN(t) {
			return "", errors.New("a number in the filter is out of range")
		}
		return strconv.FormatFloat(t, 'g', -1, 64), nil
	case int64, bool, nil:
		return show(t), nil
	}
	return "", fmt.Errorf("RFC 9535 has no object or array literals (%s)", show(v))
}

// filterQuery is a query inside a filter in RFC 9535 form.
type filterQuery struct {
	text     string
	singular bool   // names and indexes only: RFC 9535 can compare it
	wildBase string // when it ends in a lone [*]: the query before it
}

func queryRFC(p *path2) (filterQuery, error) {
	start := "$"
	if p.current {
		start = "@"
	}
	var w segWriter
	singular := true
	for _, st := range p.steps {
		handled, err := w.add(st)
		if err != nil {
			return filterQuery{}, err
		}
		if !handled {
			return filterQuery{}, filterStepError(st.subs[0])
		}
		one := len(st.subs) == 1 && (st.subs[0].kind == subName || st.subs[0].kind == subIndex)
		singular = singular && !st.recursive && one
	}
	q := filterQuery{text: start + strings.Join(w.segs, ""), singular: singular}
	if w.wild && !w.recursive {
		q.wildBase = start + strings.Join(w.segs[:len(w.segs)-1], "")
	}
	return q, nil
}

func filterStepError(s sub2) error {
	if s.kind == subCall {
		return fmt.Errorf("%s() inside a filter has no RFC 9535 form; RFC 9535 has functions such as length(@.x)", s.name)
	}
	return errors.New("inside a filter, a nested [?(...)] must follow [*]: jsonpath2 applies it to the node itself, " +
		"which RFC 9535 cannot express there")
}
