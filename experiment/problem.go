package experiment

import (
	"fmt"
	"sort"
	"strings"

	"github.com/chaostracing/chaostracing/value"
)

// Problem is one thing wrong with an experiment, located by JSONPath and,
// when known, by line and column in the source.
type Problem struct {
	Path string
	Pos  value.Pos
	Msg  string
}

func (p Problem) String() string {
	loc := p.Path
	if p.Pos.Line > 0 {
		loc += " (line " + p.Pos.String() + ")"
	}
	if loc == "" {
		return p.Msg
	}
	return loc + ": " + p.Msg
}

// InvalidError lists every problem found in an experiment.
type InvalidError struct {
	Source   string
	Problems []Problem
}

func (e *InvalidError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s is not a valid experiment (%d problem", e.Source, len(e.Problems))
	if len(e.Problems) != 1 {
		b.WriteByte('s')
	}
	b.WriteString("):")
	for _, p := range e.Problems {
		b.WriteString("\n  - ")
		b.WriteString(p.String())
	}
	return b.String()
}

// Problems collects problems while walking a document.
type Problems struct {
	Positions value.Positions
	List      []Problem
}

// Addf records a problem at path.
func (ps *Problems) Addf(path, format string, args ...any) {
	ps.List = append(ps.List, Problem{Path: path, Pos: ps.Positions.Of(path), Msg: fmt.Sprintf(format, args...)})
}

// Err returns an *InvalidError when any problem was recorded, else nil.
func (ps *Problems) Err(source string) error {
	if len(ps.List) == 0 {
		return nil
	}
	SortProblems(ps.List)
	return &InvalidError{Source: source, Problems: ps.List}
}

// SortProblems orders problems by source position, then path, so that
// reports read top to bottom.
func SortProblems(ps []Problem) {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i].Pos, ps[j].Pos
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		return ps[i].Path < ps[j].Path
	})
}

// Covers reports whether any problem lies at path or inside it.
func Covers(problems []Problem, path string) bool {
	for _, p := range problems {
		if p.Path == path || strings.HasPrefix(p.Path, path+".") || strings.HasPrefix(p.Path, path+"[") {
			return true
		}
	}
	return false
}
