package value

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxDepth bounds the nesting of parsed documents so hostile input cannot
// exhaust the stack.
const MaxDepth = 512

// SyntaxError is a document that cannot be parsed, with where it went wrong.
type SyntaxError struct {
	Pos Pos
	Msg string
}

func (e *SyntaxError) Error() string {
	if e.Pos.Line == 0 {
		return e.Msg
	}
	return fmt.Sprintf("%s: %s", e.Pos, e.Msg)
}

// ParseJSON parses one JSON document, keeping object key order and the
// position of every value. Integers that fit become int64, other numbers
// float64. Invalid UTF-8 and trailing data are errors.
func ParseJSON(data []byte) (any, Positions, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	lines := newLineIndex(data)
	if !utf8.Valid(data) {
		return nil, nil, &SyntaxError{Pos: lines.pos(data, firstInvalidUTF8(data)), Msg: "invalid UTF-8"}
	}
	p := &jsonParser{data: data, lines: lines, dec: json.NewDecoder(bytes.NewReader(data))}
	p.dec.UseNumber()
	v, err := p.value("$", 0)
	if err != nil {
		return nil, nil, p.located(err)
	}
	end := int(p.dec.InputOffset())
	if _, err := p.dec.Token(); err != io.EOF {
		return nil, nil, &SyntaxError{Pos: p.at(end), Msg: "unexpected data after the document"}
	}
	return v, p.positions(), nil
}

type jsonParser struct {
	data    []byte
	lines   lineIndex
	dec     *json.Decoder
	offsets []pathOffset // where each value starts, in document order
}

type pathOffset struct {
	path   string
	offset int
}

// positions converts the recorded offsets to line:col in one pass, since
// offsets grow through the document; computing each from its line's start
// would be quadratic on a long single-line document.
func (p *jsonParser) positions() Positions {
	pos := make(Positions, len(p.offsets))
	line, col, at := 0, 1, 0
	for _, po := range p.offsets {
		off := p.skipSpace(po.offset)
		for line+1 < len(p.lines) && p.lines[line+1] <= off {
			line++
			col, at = 1, p.lines[line]
		}
		col += utf8.RuneCount(p.data[at:off])
		at = off
		pos[po.path] = Pos{Line: line + 1, Col: col}
	}
	return pos
}

func (p *jsonParser) skipSpace(offset int) int {
	for offset < len(p.data) && strings.IndexByte(" \t\r\n,:", p.data[offset]) >= 0 {
		offset++
	}
	return offset
}

// at returns the position of the next token at or after offset.
func (p *jsonParser) at(offset int) Pos {
	return p.lines.pos(p.data, p.skipSpace(offset))
}

func (p *jsonParser) located(err error) error {
	var se *json.SyntaxError
	var own *SyntaxError
	switch {
	case errors.As(err, &own):
		return own
	case errors.As(err, &se):
		return &SyntaxError{Pos: p.lines.pos(p.data, int(se.Offset)), Msg: se.Error()}
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return &SyntaxError{Pos: p.lines.pos(p.data, len(p.data)), Msg: "unexpected end of JSON input"}
	}
	return &SyntaxError{Pos: p.at(int(p.dec.InputOffset())), Msg: err.Error()}
}

func (p *jsonParser) value(path string, depth int) (any, error) {
	if depth > MaxDepth {
		return nil, &SyntaxError{Pos: p.at(int(p.dec.InputOffset())), Msg: fmt.Sprintf("nesting deeper than %d levels", MaxDepth)}
	}
	p.offsets = append(p.offsets, pathOffset{path, int(p.dec.InputOffset())})
	tok, err := p.dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			return p.object(path, depth)
		}
		return p.array(path, depth)
	case json.Number:
		n, ok := number(string(t))
		if !ok {
			return nil, &SyntaxError{Pos: p.at(p.offsets[len(p.offsets)-1].offset), Msg: fmt.Sprintf("number %s is out of range", t)}
		}
		return n, nil
	default:
		return t, nil // nil, bool or string
	}
}

func (p *jsonParser) object(path string, depth int) (any, error) {
	o := &Object{}
	for p.dec.More() {
		tok, err := p.dec.Token()
		if err != nil {
			return nil, err
		}
		key := tok.(string)
		v, err := p.value(Key(path, key), depth+1)
		if err != nil {
			return nil, err
		}
		o.Set(key, v)
	}
	_, err := p.dec.Token() // '}'
	return o, err
}

func (p *jsonParser) array(path string, depth int) (any, error) {
	list := []any{}
	for p.dec.More() {
		v, err := p.value(Index(path, len(list)), depth+1)
		if err != nil {
			return nil, err
		}
		list = append(list, v)
	}
	_, err := p.dec.Token() // ']'
	return list, err
}

// number keeps integers as int64, as Python keeps them as int, so that
// "tolerance": 0 is written back as 0 and not 0.0. A number too large for
// a float64 is not ok: it would become an infinity, which JSON cannot
// write back.
func number(s string) (any, bool) {
	if !strings.ContainsAny(s, ".eE") {
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return i, true
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	return f, err == nil || !math.IsInf(f, 0)
}

func firstInvalidUTF8(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(data)
}
