package tolerance

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/chaostracing/chaostracing/value"
)

// This file parses the JSONPath dialect of the Python jsonpath2 package,
// which Chaos Toolkit uses, following its ANTLR grammar
// (jsonpath2/parser/JSONPath.g4) token for token, so that exactly the paths
// the Python tool accepts are read in that dialect and every other path is
// left to the RFC 9535 parser.

type tokKind int

const (
	tEOF tokKind = iota
	tRoot
	tCurrent
	tDotDot
	tDot
	tStar
	tLBrack
	tRBrack
	tLParen
	tRParen
	tLBrace
	tRBrace
	tColon
	tComma
	tQuestion
	tEq
	tNe
	tLt
	tLe
	tGt
	tGe
	tAnd
	tOr
	tNot
	tTrue
	tFalse
	tNull
	tID
	tNumber
	tString
)

var punct = map[byte]tokKind{
	'$': tRoot, '@': tCurrent, '*': tStar, '[': tLBrack, ']': tRBrack,
	'(': tLParen, ')': tRParen, '{': tLBrace, '}': tRBrace, ':': tColon,
	',': tComma, '?': tQuestion, '=': tEq,
}

// keywords win over identifiers of the same length, as in the ANTLR lexer
// where they are declared first: "$.true" is not a jsonpath2 path.
var keywords = map[string]tokKind{
	"and": tAnd, "or": tOr, "not": tNot, "true": tTrue, "false": tFalse, "null": tNull,
}

// callables are jsonpath2's function subscripts; any other name followed by
// arguments is a parse error in Python.
var callables = map[string]bool{
	"length": true, "entries": true, "keys": true, "values": true, "charAt": true, "substring": true,
}

type token struct {
	kind tokKind
	text string
	pos  int
}

// lex2 splits a jsonpath2 path into tokens, skipping blanks anywhere.
func lex2(s string) ([]token, error) {
	var toks []token
	for i := 0; i < len(s); {
		c := s[i]
		if strings.IndexByte(" \t\r\n", c) >= 0 {
			i++
			continue
		}
		n, kind, err := lexOne(s, i)
		if err != nil {
			return nil, err
		}
		toks = append(toks, token{kind: kind, text: s[i : i+n], pos: i})
		i += n
	}
	return append(toks, token{kind: tEOF, pos: len(s)}), nil
}

// lexOne returns the length and kind of the token starting at s[i].
func lexOne(s string, i int) (int, tokKind, error) {
	c := s[i]
	if k, ok := punct[c]; ok {
		return 1, k, nil
	}
	switch {
	case c == '.':
		if strings.HasPrefix(s[i:], "..") {
			return 2, tDotDot, nil
		}
		return 1, tDot, nil
	case c == '!' || c == '<' || c == '>':
		return lexCompare(s, i)
	case c == '"':
		n, err := lexString(s, i)
		return n, tString, err
	case c == '-' || isDigit(c):
		n, err := lexNumber(s, i)
		return n, tNumber, err
	case c == '_' || isLetter(c):
		n := 1
		for i+n < len(s) && (s[i+n] == '_' || isLetter(s[i+n]) || isDigit(s[i+n])) {
			n++
		}
		if k, ok := keywords[s[i:i+n]]; ok {
			return n, k, nil
		}
		return n, tID, nil
	}
	return 0, 0, fmt.Errorf("unexpected character %q at position %d", rune(s[i]), i+1)
}

func lexCompare(s string, i int) (int, tokKind, error) {
	eq := i+1 < len(s) && s[i+1] == '='
	switch {
	case s[i] == '!' && eq:
		return 2, tNe, nil
	case s[i] == '!':
		return 0, 0, fmt.Errorf("unexpected character '!' at position %d", i+1)
	case s[i] == '<' && eq:
		return 2, tLe, nil
	case s[i] == '<':
		return 1, tLt, nil
	case eq:
		return 2, tGe, nil
	}
	return 1, tGt, nil
}

// lexString accepts a JSON string: escapes from JSON only, no raw control
// characters.
func lexString(s string, i int) (int, error) {
	for j := i + 1; j < len(s); j++ {
		switch c := s[j]; {
		case c == '"':
			return j - i + 1, nil
		case c < 0x20:
			return 0, fmt.Errorf("control character in a string at position %d", j+1)
		case c == '\\':
			n, err := escapeLen(s, j)
			if err != nil {
				return 0, err
			}
			j += n - 1
		}
	}
	return 0, fmt.Errorf("unterminated string at position %d", i+1)
}

func escapeLen(s string, j int) (int, error) {
	if j+1 < len(s) && strings.IndexByte(`"\/bfnrt`, s[j+1]) >= 0 {
		return 2, nil
	}
	if j+6 <= len(s) && s[j+1] == 'u' && isHex(s[j+2:j+6]) {
		return 6, nil
	}
	return 0, fmt.Errorf("invalid escape in a string at position %d", j+1)
}

// lexNumber takes the longest prefix matching '-'? INT ('.' DIGIT+)? EXP?,
// INT being 0 or a number without a leading zero, as the ANTLR lexer does.
func lexNumber(s string, i int) (int, error) {
	j := i
	if s[j] == '-' {
		j++
	}
	k := intEnd(s, j)
	if k == j {
		return 0, fmt.Errorf("unexpected character '-' at position %d", i+1)
	}
	j = k
	if j+1 < len(s) && s[j] == '.' && isDigit(s[j+1]) {
		j += 2
		for j < len(s) && isDigit(s[j]) {
			j++
		}
	}
	if j < len(s) && (s[j] == 'e' || s[j] == 'E') {
		k := j + 1
		if k < len(s) && (s[k] == '+' || s[k] == '-') {
			k++
		}
		if e := intEnd(s, k); e > k {
			j = e
		}
	}
	return j - i, nil
}

// intEnd returns where INT ('0' | [1-9][0-9]*) starting at j ends, or j.
func intEnd(s string, j int) int {
	switch {
	case j >= len(s) || !isDigit(s[j]):
		return j
	case s[j] == '0':
		return j + 1
	}
	for j < len(s) && isDigit(s[j]) {
		j++
	}
	return j
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }
func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if !isDigit(s[i]) && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// path2 is a parsed jsonpath2 query: $ or @ followed by steps.
type path2 struct {
	current bool
	steps   []step2
}

// step2 is one subscript: .name, ..name, [a, b] or ..[a, b].
type step2 struct {
	recursive bool
	subs      []sub2
}

type subKind int

const (
	subName subKind = iota
	subIndex
	subSlice
	subWildcard
	subFilter
	subQuery
	subCall
)

// sub2 is one subscriptable inside a step.
type sub2 struct {
	kind   subKind
	name   string    // subName, subCall
	index  int64     // subIndex
	slice  [3]*int64 // subSlice: start, end, step
	filter *expr2    // subFilter
	query  *path2    // subQuery: [@.x] or [$.x]
	args   []operand // subCall
}

type exprKind int

const (
	exAnd exprKind = iota
	exOr
	exNot
	exCmp
	exSome
)

// expr2 is a filter expression. and/or/not use subs; a comparison uses op,
// left and right; a bare operand (existence or constant) uses left.
type expr2 struct {
	kind        exprKind
	subs        []*expr2
	op          tokKind
	left, right operand
}

// operand is a query or, when path is nil, a JSON literal.
type operand struct {
	path *path2
	lit  any
}

// maxNesting bounds recursion so a hostile path cannot exhaust the stack.
const maxNesting = 100

type parser2 struct {
	toks  []token
	i     int
	depth int
}

// parseJSONPath2 parses s as the Python tool would; any error means the
// Python tool rejects s.
func parseJSONPath2(s string) (*path2, error) {
	toks, err := lex2(s)
	if err != nil {
		return nil, err
	}
	p := &parser2{toks: toks}
	if _, err := p.expect(tRoot); err != nil {
		return nil, err
	}
	steps, err := p.steps()
	if err != nil {
		return nil, err
	}
	if _, err := p.expect(tEOF); err != nil {
		return nil, err
	}
	return &path2{steps: steps}, nil
}

func (p *parser2) peek() token { return p.toks[p.i] }

func (p *parser2) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser2) expect(k tokKind) (token, error) {
	t := p.next()
	if t.kind != k {
		return t, unexpected(t)
	}
	return t, nil
}

func unexpected(t token) error {
	if t.kind == tEOF {
		return fmt.Errorf("unexpected end of path")
	}
	return fmt.Errorf("unexpected %q at position %d", t.text, t.pos+1)
}

func (p *parser2) enter() error {
	p.depth++
	if p.depth > maxNesting {
		return fmt.Errorf("path nested more than %d levels deep", maxNesting)
	}
	return nil
}

// steps parses the optional subscript chain after $ or @.
func (p *parser2) steps() ([]step2, error) {
	var steps []step2
	for {
		var st step2
		var err error
		switch p.peek().kind {
		case tDotDot:
			p.next()
			st, err = p.afterDots()
			st.recursive = true
		case tDot:
			p.next()
			st, err = p.bareword()
		case tLBrack:
			st, err = p.brackets()
		default:
			return steps, nil
		}
		if err != nil {
			return nil, err
		}
		steps = append(steps, st)
	}
}

func (p *parser2) afterDots() (step2, error) {
	if p.peek().kind == tLBrack {
		return p.brackets()
	}
	return p.bareword()
}

// bareword parses ID, ID(args) or * after a dot.
func (p *parser2) bareword() (step2, error) {
	t := p.next()
	switch t.kind {
	case tStar:
		return step2{subs: []sub2{{kind: subWildcard}}}, nil
	case tID:
		if p.peek().kind != tLParen {
			return step2{subs: []sub2{{kind: subName, name: t.text}}}, nil
		}
		s, err := p.call(t)
		return step2{subs: []sub2{s}}, err
	}
	return step2{}, unexpected(t)
}

// brackets parses [subscriptable, ...].
func (p *parser2) brackets() (step2, error) {
	if err := p.enter(); err != nil {
		return step2{}, err
	}
	defer func() { p.depth-- }()
	p.next()
	var st step2
	for {
		s, err := p.subscriptable()
		if err != nil {
			return st, err
		}
		st.subs = append(st.subs, s)
		t := p.next()
		if t.kind == tRBrack {
			return st, nil
		}
		if t.kind != tComma {
			return st, unexpected(t)
		}
	}
}

func (p *parser2) subscriptable() (sub2, error) {
	t := p.peek()
	switch t.kind {
	case tString:
		p.next()
		return sub2{kind: subName, name: decodeString(t.text)}, nil
	case tNumber:
		return p.indexOrSlice()
	case tColon:
		return p.slice(nil)
	case tStar:
		p.next()
		return sub2{kind: subWildcard}, nil
	case tQuestion:
		return p.filter()
	case tRoot, tCurrent:
		q, err := p.query()
		return sub2{kind: subQuery, query: q}, err
	case tID:
		p.next()
		if p.peek().kind != tLParen {
			return sub2{}, unexpected(p.peek())
		}
		return p.call(t)
	}
	return sub2{}, unexpected(t)
}

func (p *parser2) indexOrSlice() (sub2, error) {
	n, err := p.integer()
	if err != nil {
		return sub2{}, err
	}
	if p.peek().kind == tColon {
		return p.slice(&n)
	}
	return sub2{kind: subIndex, index: n}, nil
}

// integer reads a NUMBER that Python's int() accepts.
func (p *parser2) integer() (int64, error) {
	t := p.next()
	if t.kind != tNumber || strings.ContainsAny(t.text, ".eE") {
		return 0, fmt.Errorf("expected an integer at position %d, found %q", t.pos+1, t.text)
	}
	n, err := strconv.ParseInt(t.text, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("integer %s out of range at position %d", t.text, t.pos+1)
	}
	return n, nil
}

// slice parses ':' NUMBER? (':' NUMBER?)? after an optional start.
func (p *parser2) slice(start *int64) (sub2, error) {
	s := sub2{kind: subSlice}
	s.slice[0] = start
	for part := 1; part <= 2 && p.peek().kind == tColon; part++ {
		p.next()
		if p.peek().kind == tNumber {
			n, err := p.integer()
			if err != nil {
				return s, err
			}
			s.slice[part] = &n
		}
	}
	return s, nil
}

func (p *parser2) filter() (sub2, error) {
	p.next()
	if _, err := p.expect(tLParen); err != nil {
		return sub2{}, err
	}
	e, err := p.expression()
	if err != nil {
		return sub2{}, err
	}
	_, err = p.expect(tRParen)
	return sub2{kind: subFilter, filter: e}, err
}

// call parses the arguments of a function subscript named by t.
func (p *parser2) call(t token) (sub2, error) {
	if !callables[t.text] {
		return sub2{}, fmt.Errorf("unknown function %s() at position %d", t.text, t.pos+1)
	}
	p.next()
	s := sub2{kind: subCall, name: t.text}
	if p.peek().kind == tRParen {
		p.next()
		return s, nil
	}
	for {
		o, err := p.operand()
		if err != nil {
			return s, err
		}
		s.args = append(s.args, o)
		if t := p.next(); t.kind == tRParen {
			return s, nil
		} else if t.kind != tComma {
			return s, unexpected(t)
		}
	}
}

// query parses ($ | @) subscript? inside a filter or a subscript.
func (p *parser2) query() (*path2, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	t := p.next()
	steps, err := p.steps()
	return &path2{current: t.kind == tCurrent, steps: steps}, err
}

// expression follows the grammar, where "or" binds tighter than "and".
func (p *parser2) expression() (*expr2, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	return p.binary(tAnd, exAnd, p.orExpr)
}

func (p *parser2) orExpr() (*expr2, error) { return p.binary(tOr, exOr, p.notExpr) }

// binary parses operand (op operand)*, flattening as jsonpath2 does.
func (p *parser2) binary(op tokKind, kind exprKind, operand func() (*expr2, error)) (*expr2, error) {
	first, err := operand()
	if err != nil {
		return nil, err
	}
	list := []*expr2{first}
	for p.peek().kind == op {
		p.next()
		e, err := operand()
		if err != nil {
			return nil, err
		}
		list = append(list, e)
	}
	if len(list) == 1 {
		return first, nil
	}
	return &expr2{kind: kind, subs: list}, nil
}

func (p *parser2) notExpr() (*expr2, error) {
	switch p.peek().kind {
	case tNot:
		p.next()
		if err := p.enter(); err != nil {
			return nil, err
		}
		defer func() { p.depth-- }()
		e, err := p.notExpr()
		return &expr2{kind: exNot, subs: []*expr2{e}}, err
	case tLParen:
		p.next()
		e, err := p.expression()
		if err != nil {
			return nil, err
		}
		_, err = p.expect(tRParen)
		return e, err
	}
	return p.comparison()
}

func (p *parser2) comparison() (*expr2, error) {
	left, err := p.operand()
	if err != nil {
		return nil, err
	}
	switch op := p.peek().kind; op {
	case tEq, tNe, tLt, tLe, tGt, tGe:
		p.next()
		right, err := p.operand()
		return &expr2{kind: exCmp, op: op, left: left, right: right}, err
	}
	return &expr2{kind: exSome, left: left}, nil
}

// operand parses jsonpath__: a query or a JSON value.
func (p *parser2) operand() (operand, error) {
	if k := p.peek().kind; k == tRoot || k == tCurrent {
		q, err := p.query()
		return operand{path: q}, err
	}
	v, err := p.literal()
	return operand{lit: v}, err
}

func (p *parser2) literal() (any, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	t := p.next()
	switch t.kind {
	case tString:
		return decodeString(t.text), nil
	case tNumber:
		return decodeNumber(t.text), nil
	case tTrue, tFalse:
		return t.kind == tTrue, nil
	case tNull:
		return nil, nil
	case tLBrace:
		return p.object()
	case tLBrack:
		return p.array()
	}
	return nil, unexpected(t)
}

func (p *parser2) object() (any, error) {
	o := &value.Object{}
	if p.peek().kind == tRBrace {
		p.next()
		return o, nil
	}
	for {
		k, err := p.expect(tString)
		if err != nil {
			return nil, err
		}
		if _, err := p.expect(tColon); err != nil {
			return nil, err
		}
		v, err := p.literal()
		if err != nil {
			return nil, err
		}
		o.Set(decodeString(k.text), v)
		if t := p.next(); t.kind == tRBrace {
			return o, nil
		} else if t.kind != tComma {
			return nil, unexpected(t)
		}
	}
}

func (p *parser2) array() (any, error) {
	list := []any{}
	if p.peek().kind == tRBrack {
		p.next()
		return list, nil
	}
	for {
		v, err := p.literal()
		if err != nil {
			return nil, err
		}
		list = append(list, v)
		if t := p.next(); t.kind == tRBrack {
			return list, nil
		} else if t.kind != tComma {
			return nil, unexpected(t)
		}
	}
}

// decodeString unescapes a lexed JSON string. jsonpath2 itself keeps the
// escapes verbatim (it strips the quotes only), which makes ["a\"b"] look
// for a key with a backslash in it; we read the escapes as JSON and RFC 9535
// do, the sensible reading.
func decodeString(quoted string) string {
	var s string
	if err := json.Unmarshal([]byte(quoted), &s); err != nil {
		return quoted[1 : len(quoted)-1]
	}
	return s
}

// decodeNumber reads a NUMBER as Python's int() or float() would.
func decodeNumber(text string) any {
	if !strings.ContainsAny(text, ".eE") {
		if n, err := strconv.ParseInt(text, 10, 64); err == nil {
			return n
		}
	}
	f, _ := strconv.ParseFloat(text, 64)
	return f
}
