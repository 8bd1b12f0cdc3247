package value

import (
	"strconv"
	"strings"
)

// Key returns the JSONPath of member key under path, in the dotted form when
// the key allows it ($.method) and the bracket form otherwise ($["a b"]).
func Key(path, key string) string {
	if isPlainKey(key) {
		return path + "." + key
	}
	return path + "[" + strconv.Quote(key) + "]"
}

// Index returns the JSONPath of element i under path.
func Index(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}

func isPlainKey(key string) bool {
	if key == "" {
		return false
	}
	for i, r := range key {
		letter := r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
		if !letter && (i == 0 || !(r == '-' || (r >= '0' && r <= '9'))) {
			return false
		}
	}
	return true
}

// Pos is a 1-based line and column in a source document.
type Pos struct {
	Line, Col int
}

// String formats the position as line:col, or "" when unknown.
func (p Pos) String() string {
	if p.Line == 0 {
		return ""
	}
	return strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Col)
}

// Positions maps the JSONPath of each value in a parsed document to where
// it starts in the source.
type Positions map[string]Pos

// Of returns the position of path, falling back to its closest recorded
// ancestor so that a missing key points at the object that lacks it.
func (p Positions) Of(path string) Pos {
	for path != "" {
		if pos, ok := p[path]; ok {
			return pos
		}
		cut := strings.LastIndexAny(path, ".[")
		if cut <= 0 {
			break
		}
		path = path[:cut]
	}
	return p["$"]
}

// lineIndex converts byte offsets to line:col positions.
type lineIndex []int

func newLineIndex(data []byte) lineIndex {
	starts := lineIndex{0}
	for i, b := range data {
		if b == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

func (l lineIndex) pos(data []byte, offset int) Pos {
	lo, hi := 0, len(l)
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if l[mid] <= offset {
			lo = mid
		} else {
			hi = mid
		}
	}
	col := 1
	if offset > len(data) {
		offset = len(data)
	}
	for _, r := range string(data[l[lo]:offset]) {
		_ = r
		col++
	}
	return Pos{Line: lo + 1, Col: col}
}
