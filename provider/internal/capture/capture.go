// Package capture holds the bounded output buffer the providers share: it
// keeps the first bytes of a stream up to a cap, counts the rest, and
// decodes what it kept as text with a truncation marker.
package capture

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

const (
	// minRead is the first buffer size for a stream; most commands print
	// little.
	minRead = 512
	// discardSize is the scratch buffer used to count bytes past the cap.
	discardSize = 32 << 10
	// truncMarker is appended to a capped stream.
	truncMarker = "\n... [truncated %d bytes]"
)

// Buffer keeps the first limit bytes written to it and counts the rest.
// It never holds more than limit bytes of output.
type Buffer struct {
	buf []byte
	// Limit is the most bytes kept.
	Limit   int
	dropped int64
	scratch []byte
}

// Write keeps what fits under the cap and counts the rest; it never fails.
func (c *Buffer) Write(p []byte) (int, error) {
	n := min(len(p), c.Limit-len(c.buf))
	c.buf = append(c.buf, p[:n]...)
	c.dropped += int64(len(p) - n)
	return len(p), nil
}

// ReadFrom reads r to its end straight into the buffer, so copying a pipe
// needs no intermediate buffer.
func (c *Buffer) ReadFrom(r io.Reader) (int64, error) {
	var total int64
	for {
		dst, keep := c.space()
		n, err := r.Read(dst)
		if keep {
			c.buf = c.buf[:len(c.buf)+n]
		} else {
			c.dropped += int64(n)
		}
		total += int64(n)
		if err == io.EOF {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}

// space returns where the next read goes, and whether it is kept.
func (c *Buffer) space() ([]byte, bool) {
	room := c.Limit - len(c.buf)
	if room <= 0 {
		if c.scratch == nil {
			c.scratch = make([]byte, discardSize)
		}
		return c.scratch, false
	}
	if len(c.buf) == cap(c.buf) {
		c.buf = slices.Grow(c.buf, min(room, max(minRead, len(c.buf))))
	}
	free := c.buf[len(c.buf):cap(c.buf)]
	return free[:min(len(free), room)], true
}

// String returns the kept output decoded as UTF-8, with a marker telling
// how many bytes were cut.
func (c *Buffer) String() string { return c.Text(false) }

// Bytes returns the kept bytes.
func (c *Buffer) Bytes() []byte { return c.buf }

// Truncated reports whether bytes were dropped.
func (c *Buffer) Truncated() bool { return c.dropped > 0 }

// Text decodes the kept bytes as UTF-8 (invalid bytes replaced), or as
// Latin-1 when latin1 is set, with a marker telling how many were cut.
func (c *Buffer) Text(latin1 bool) string {
	b, dropped := c.buf, c.dropped
	var s string
	if latin1 {
		s = decodeLatin1(b)
	} else {
		if dropped > 0 {
			cut := partialRune(b)
			b, dropped = b[:len(b)-cut], dropped+int64(cut)
		}
		s = DecodeUTF8(b)
	}
	if dropped > 0 {
		s += fmt.Sprintf(truncMarker, dropped)
	}
	return s
}

// decodeLatin1 maps each byte to the code point of the same value.
func decodeLatin1(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b))
	for _, c := range b {
		sb.WriteRune(rune(c))
	}
	return sb.String()
}

// partialRune returns the length of an incomplete UTF-8 sequence at the
// end of b, left there by the cap.
func partialRune(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if utf8.FullRune(b[i:]) {
				return 0
			}
			return len(b) - i
		}
	}
	return 0
}

// DecodeUTF8 decodes b as UTF-8, replacing each invalid byte with U+FFFD
// as Python's bytes.decode("utf-8", "replace") mostly does.
func DecodeUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var sb strings.Builder
	sb.Grow(len(b) + 8)
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 {
			sb.WriteRune(utf8.RuneError)
		} else {
			sb.Write(b[:size])
		}
		b = b[size:]
	}
	return sb.String()
}
