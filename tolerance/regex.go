package tolerance

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Chaos Toolkit patterns are Python re patterns; we run them on Go's RE2
// engine. Most syntax is shared. translateRegex rewrites what differs and
// can be rewritten, and names what RE2 cannot do (lookarounds,
// backreferences, atomic groups, possessive quantifiers, conditionals,
// verbose mode) instead of leaving Go's terser parse error. One difference
// remains: \d, \w, \s and \b are ASCII-only in Go, Unicode-aware in Python.

var regexCache cache[*regexp.Regexp]

// compileRegex translates and compiles a Python pattern, cached.
func compileRegex(pattern string) (*regexp.Regexp, error) {
	return regexCache.get(pattern, func(p string) (*regexp.Regexp, error) {
		goPattern, err := translateRegex(p)
		if err != nil {
			return nil, fmt.Errorf("regex pattern %q %w", p, err)
		}
		rx, err := regexp.Compile(goPattern)
		if err != nil {
			return nil, fmt.Errorf("invalid regex pattern %q: %v", p, err)
		}
		return rx, nil
	})
}

// unsupported names a Python construct that RE2 lacks.
type unsupported string

func (u unsupported) Error() string {
	return "uses " + string(u) + ", which Go's RE2 regex engine does not support"
}

// rxTranslator walks a Python pattern and writes its RE2 equivalent.
type rxTranslator struct {
	src       string
	i         int
	out       strings.Builder
	multiline bool   // (?m) is on where we are
	saved     []bool // multiline to restore at each ')'
	quant     bool   // the last thing written was a quantifier
}

func translateRegex(p string) (string, error) {
	t := &rxTranslator{src: p}
	for t.i < len(t.src) {
		if err := t.step(); err != nil {
			return "", err
		}
	}
	return t.out.String(), nil
}

func (t *rxTranslator) step() error {
	c := t.src[t.i]
	wasQuant := t.quant
	t.quant = false
	switch c {
	case '\\':
		return t.escape(false)
	case '[':
		return t.class()
	case '(':
		return t.group()
	case ')':
		t.close()
	case '$':
		t.dollar()
	case '{':
		t.brace()
	case '*', '+', '?':
		return t.quantifier(c, wasQuant)
	default:
		t.out.WriteByte(c)
		t.i++
	}
	return nil
}

// dollar: without MULTILINE, Python's $ also matches before a final
// newline, as in "ok\n" from a process. RE2 has no lookahead; consuming
// that newline gives the same answer to a search.
func (t *rxTranslator) dollar() {
	t.i++
	if t.multiline {
		t.out.WriteByte('$')
		return
	}
	t.out.WriteString(`(?:\n?\z)`)
}

func (t *rxTranslator) quantifier(c byte, afterQuant bool) error {
	t.i++
	switch {
	case c == '+' && afterQuant:
		return unsupported("a possessive quantifier (*+, ++, ?+, {m,n}+)")
	case c == '?' && afterQuant:
		t.out.WriteByte('?') // lazy
		return nil
	}
	t.out.WriteByte(c)
	t.quant = true
	return nil
}

// brace writes a {m,n} quantifier, completing Python's {,n} (0 to n)
// which RE2 would read as literal text.
var braceQuant = regexp.MustCompile(`^\{(\d*)(,(\d*))?\}`)

func (t *rxTranslator) brace() {
	m := braceQuant.FindStringSubmatch(t.src[t.i:])
	if m == nil || m[0] == "{}" {
		t.out.WriteString(`\{`)
		t.i++
		return
	}
	t.i += len(m[0])
	lo := m[1]
	if lo == "" {
		lo = "0"
	}
	if m[2] == "" {
		t.out.WriteString("{" + lo + "}")
	} else {
		t.out.WriteString("{" + lo + "," + m[3] + "}")
	}
	t.quant = true
}

func (t *rxTranslator) close() {
	t.i++
	t.out.WriteByte(')')
	if n := len(t.saved); n > 0 {
		t.multiline = t.saved[n-1]
		t.saved = t.saved[:n-1]
	}
}

func (t *rxTranslator) open(text string, skip int) {
	t.saved = append(t.saved, t.multiline)
	t.out.WriteString(text)
	t.i += skip
}

var groupErrors = []struct{ prefix, what string }{
	{"(?P=", "a backreference (?P=name)"},
	{"(?=", "a lookahead (?=...)"},
	{"(?!", "a negative lookahead (?!...)"},
	{"(?<=", "a lookbehind (?<=...)"},
	{"(?<!", "a negative lookbehind (?<!...)"},
	{"(?>", "an atomic group (?>...)"},
	{"(?(", "a conditional group (?(id)yes|no)"},
}

func (t *rxTranslator) group() error {
	rest := t.src[t.i:]
	for _, g := range groupErrors {
		if strings.HasPrefix(rest, g.prefix) {
			return unsupported(g.what)
		}
	}
	switch {
	case strings.HasPrefix(rest, "(?#"):
		return t.comment()
	case strings.HasPrefix(rest, "(?P<"), strings.HasPrefix(rest, "(?<"), strings.HasPrefix(rest, "(?:"):
		t.open("(", 1) // the rest of the group syntax is the same in RE2
	case strings.HasPrefix(rest, "(?"):
		return t.flags()
	default:
		t.open("(", 1)
	}
	return nil
}

// comment drops (?#...), which RE2 lacks.
func (t *rxTranslator) comment() error {
	end := strings.IndexByte(t.src[t.i:], ')')
	if end < 0 {
		return fmt.Errorf("has an unterminated comment (?#")
	}
	t.i += end + 1
	return nil
}

// flags handles (?aiLmsux) and (?aiLmsux-imsx:...). a and u are dropped:
// u is Python's default, and a (ASCII classes) is what RE2 does anyway.
func (t *rxTranslator) flags() error {
	j := t.i + 2
	var on, off strings.Builder
	cur := &on
	for ; j < len(t.src); j++ {
		c := t.src[j]
		switch {
		case c == '-' && cur == &on:
			cur = &off
		case c == 'x':
			return unsupported("verbose mode (?x)")
		case c == 'L':
			return unsupported("the locale flag (?L)")
		case c == 'a' || c == 'u':
		case c == 'i' || c == 'm' || c == 's':
			cur.WriteByte(c)
		case c == ')' || c == ':':
			return t.applyFlags(on.String(), off.String(), c == ':', j)
		default:
			return fmt.Errorf("has an unknown flag %q", rune(c))
		}
	}
	return fmt.Errorf("has an unterminated flag group (?")
}

func (t *rxTranslator) applyFlags(on, off string, scoped bool, end int) error {
	flags := on
	if off != "" {
		flags += "-" + off
	}
	if !scoped {
		t.i = end + 1
		if strings.Contains(on, "m") {
			t.multiline = true
		}
		if strings.Contains(off, "m") {
			t.multiline = false
		}
		if flags != "" {
			t.out.WriteString("(?" + flags + ")")
		}
		return nil
	}
	t.open("(?"+flags+":", end+1-t.i)
	if strings.Contains(on, "m") {
		t.multiline = true
	} else if strings.Contains(off, "m") {
		t.multiline = false
	}
	return nil
}

// class copies a [...] set. A '[' inside a set is a literal in Python, so
// it is escaped: RE2 would read [[:alpha:]] as a POSIX class.
func (t *rxTranslator) class() error {
	t.out.WriteByte('[')
	t.i++
	if t.i < len(t.src) && t.src[t.i] == '^' {
		t.out.WriteByte('^')
		t.i++
	}
	if t.i < len(t.src) && t.src[t.i] == ']' {
		t.out.WriteString(`\]`)
		t.i++
	}
	for t.i < len(t.src) {
		switch c := t.src[t.i]; c {
		case ']':
			t.out.WriteByte(']')
			t.i++
			return nil
		case '\\':
			if err := t.escape(true); err != nil {
				return err
			}
		case '[':
			t.out.WriteString(`\[`)
			t.i++
		default:
			t.out.WriteByte(c)
			t.i++
		}
	}
	return fmt.Errorf("has an unterminated character set [")
}

// Escapes that mean the same in both engines.
const (
	sameEscapes      = "AbBdDsSwWafnrtvz"
	sameClassEscapes = "dDsSwWafnrtv"
)

// escape translates the escape at t.i.
func (t *rxTranslator) escape(inClass bool) error {
	if t.i+1 >= len(t.src) {
		return fmt.Errorf("ends with a backslash")
	}
	c := t.src[t.i+1]
	switch {
	case c >= '0' && c <= '9':
		return t.digitEscape(inClass)
	case c == 'Z' && !inClass:
		t.write(`\z`, 2) // Python's end of string
	case c == 'b' && inClass:
		t.write(`\x08`, 2) // backspace, as in Python
	case c == 'u' || c == 'U' || c == 'x':
		return t.hexEscape(c)
	case c == 'N':
		return unsupported(`named Unicode escapes \N{...}`)
	case inClass && strings.IndexByte(sameClassEscapes, c) >= 0, !inClass && strings.IndexByte(sameEscapes, c) >= 0:
		t.write(t.src[t.i:t.i+2], 2)
	case isLetter(c):
		return fmt.Errorf("has a bad escape \\%c", c)
	case c >= utf8.RuneSelf:
		_, size := utf8.DecodeRuneInString(t.src[t.i+1:])
		t.write(regexp.QuoteMeta(t.src[t.i+1:t.i+1+size]), 1+size)
	default:
		t.write(t.src[t.i:t.i+2], 2)
	}
	return nil
}

func (t *rxTranslator) write(s string, consumed int) {
	t.out.WriteString(s)
	t.i += consumed
}

// hexEscape handles \xhh, and Python's \uhhhh and \Uhhhhhhhh, which RE2
// writes \x{...}.
func (t *rxTranslator) hexEscape(c byte) error {
	n := map[byte]int{'x': 2, 'u': 4, 'U': 8}[c]
	digits := t.src[t.i+2 : min(t.i+2+n, len(t.src))]
	if len(digits) < n || !isHex(digits) {
		return fmt.Errorf("has an incomplete escape \\%c%s", c, digits)
	}
	r, _ := strconv.ParseUint(digits, 16, 32)
	if r > utf8.MaxRune {
		return fmt.Errorf("has an escape \\%c%s beyond Unicode", c, digits)
	}
	t.write(fmt.Sprintf(`\x{%x}`, r), 2+n)
	return nil
}

// digitEscape follows Python's rules: \0 and three octal digits are
// characters, other digits are backreferences.
func (t *rxTranslator) digitEscape(inClass bool) error {
	rest := t.src[t.i+1:]
	octal := 0
	for octal < len(rest) && octal < 3 && rest[octal] >= '0' && rest[octal] <= '7' {
		octal++
	}
	switch {
	case inClass && octal > 0, rest[0] == '0':
		return t.octal(rest[:octal])
	case inClass:
		return fmt.Errorf("has a bad escape \\%c", rest[0])
	case octal == 3:
		return t.octal(rest[:3])
	}
	ref := rest[:1]
	if len(rest) > 1 && isDigit(rest[1]) {
		ref = rest[:2]
	}
	return unsupported(`a backreference \` + ref)
}

func (t *rxTranslator) octal(digits string) error {
	n, _ := strconv.ParseUint(digits, 8, 32)
	if n > 0o377 {
		return fmt.Errorf("has an octal escape \\%s above \\377", digits)
	}
	t.write(fmt.Sprintf(`\x{%x}`, n), 1+len(digits))
	return nil
}
