package settings

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/chaostracing/chaostracing/value"
)

// Step is one step of a Key: a mapping key, or a list index.
type Step struct {
	// Name is the mapping key of a name step, "" for an index step.
	Name string
	// Index is the list index of an index step, -1 for a name step.
	Index int
}

// Key addresses a value in the settings file, as the Python tool's
// `chaos settings` commands do: mapping keys joined by dots, a literal dot
// in a key written `\.`, list items as `[i]`:
//
//	runtime.rollbacks.strategy
//	auths.example\.com:8443.value
//	notifications[0].url
//
// A backslash makes the character after it literal (`\\`, `\[`, `\]`);
// `[i]` may repeat for nested lists (`a[0][1]`). A Key always starts with
// a name and has no empty name.
type Key []Step

// maxIndex bounds list indexes so that no index overflows an int.
const maxIndex = 1<<31 - 1

// ParseKey parses a dotted key. Its errors name the column (1-based, in
// bytes) where the key goes wrong.
func ParseKey(s string) (Key, error) {
	p := keyParser{s: s}
	for {
		if err := p.segment(); err != nil {
			return nil, fmt.Errorf("invalid key %q: %w", s, err)
		}
		if p.i == len(s) {
			return p.key, nil
		}
		p.i++ // the dot
	}
}

type keyParser struct {
	s   string
	i   int
	key Key
}

// segment reads a name and its indexes, up to a dot or the end.
func (p *keyParser) segment() error {
	start := p.i
	var name strings.Builder
	for p.i < len(p.s) && p.s[p.i] != '.' && p.s[p.i] != '[' {
		c := p.s[p.i]
		switch c {
		case '\\':
			if p.i+1 == len(p.s) {
				return fmt.Errorf("a backslash at column %d escapes nothing", p.i+1)
			}
			p.i++
			c = p.s[p.i]
		case ']':
			return fmt.Errorf("unexpected ] at column %d (write \\] for a literal one)", p.i+1)
		}
		name.WriteByte(c)
		p.i++
	}
	if p.i == start {
		return fmt.Errorf("empty name at column %d", p.i+1)
	}
	p.key = append(p.key, Step{Name: name.String(), Index: -1})
	for p.i < len(p.s) && p.s[p.i] == '[' {
		if err := p.index(); err != nil {
			return err
		}
	}
	if p.i < len(p.s) && p.s[p.i] != '.' {
		return fmt.Errorf("expected . or [ at column %d, after an index", p.i+1)
	}
	return nil
}

// index reads [digits].
func (p *keyParser) index() error {
	open := p.i
	end := strings.IndexByte(p.s[open:], ']')
	if end < 0 {
		return fmt.Errorf("[ at column %d is not closed", open+1)
	}
	digits := p.s[open+1 : open+end]
	n, err := strconv.Atoi(digits)
	if digits == "" || strings.Trim(digits, "0123456789") != "" || err != nil || n > maxIndex {
		return fmt.Errorf("[%s] at column %d is not a list index (a number from 0)", digits, open+1)
	}
	p.key = append(p.key, Step{Index: n})
	p.i = open + end + 1
	return nil
}

// String writes the key back in its canonical form: the characters
// `.`, `[`, `]` and `\` of names escaped, so ParseKey(k.String()) is k.
func (k Key) String() string {
	var b strings.Builder
	for i, st := range k {
		if st.Index >= 0 {
			fmt.Fprintf(&b, "[%d]", st.Index)
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		for j := 0; j < len(st.Name); j++ {
			if strings.IndexByte(`.[]\`, st.Name[j]) >= 0 {
				b.WriteByte('\\')
			}
			b.WriteByte(st.Name[j])
		}
	}
	return b.String()
}

// jsonPath is the key as the JSONPath that Positions and error messages
// use ($.runtime.rollbacks, $.auths["example.com"], $.notifications[0]).
func (k Key) jsonPath() string {
	path := "$"
	for _, st := range k {
		if st.Index >= 0 {
			path = value.Index(path, st.Index)
		} else {
			path = value.Key(path, st.Name)
		}
	}
	return path
}
