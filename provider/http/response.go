package http

import (
	"fmt"
	"io"
	"mime"
	nethttp "net/http"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/chaostracing/chaostracing/value"
)

const (
	minRead     = 512
	discardSize = 32 << 10
	truncMarker = "\n... [truncated %d bytes]"
)

// response is what a request got back.
type response struct {
	status int64
	header nethttp.Header
	body   capBuffer
}

// output builds {"status", "headers", "body"}.
func (r *request) output(res *response) (any, error) {
	body, err := res.decodeBody()
	if err != nil {
		return nil, fmt.Errorf("the response to HTTP request %s %s says application/json but its body is not JSON: %v", r.method, r.safeURL, err)
	}
	return value.NewObject("status", res.status, "headers", headerObject(res.header), "body", body), nil
}

// headerObject lists the headers by name, values joined with ", ".
func headerObject(h nethttp.Header) *value.Object {
	names := make([]string, 0, len(h))
	for name := range h {
		names = append(names, name)
	}
	sort.Strings(names)
	o := &value.Object{}
	for _, name := range names {
		o.Set(name, strings.Join(h[name], ", "))
	}
	return o
}

// decodeBody parses the body as JSON when the Content-Type is exactly
// application/json, as chaoslib does, and decodes it as text otherwise.
func (res *response) decodeBody() (any, error) {
	contentType := strings.Join(res.header.Values("Content-Type"), ", ")
	b := &res.body
	if contentType != "application/json" || b.dropped > 0 {
		return b.text(latin1(contentType)), nil
	}
	if len(b.buf) == 0 {
		return nil, nil
	}
	v, _, err := value.ParseJSON(b.buf)
	return v, err
}

// latin1 reports whether a Content-Type declares ISO-8859-1.
func latin1(contentType string) bool {
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	switch strings.ToLower(params["charset"]) {
	case "iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1":
		return true
	}
	return false
}

// capBuffer keeps the first limit bytes written to it and counts the rest.
type capBuffer struct {
	buf     []byte
	limit   int
	dropped int64
	scratch []byte
}

// Write keeps what fits under the cap and counts the rest; it never fails.
func (c *capBuffer) Write(p []byte) (int, error) {
	n := min(len(p), c.limit-len(c.buf))
	c.buf = append(c.buf, p[:n]...)
	c.dropped += int64(len(p) - n)
	return len(p), nil
}

// ReadFrom reads r to its end straight into the buffer.
func (c *capBuffer) ReadFrom(r io.Reader) (int64, error) {
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
func (c *capBuffer) space() ([]byte, bool) {
	room := c.limit - len(c.buf)
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

// text decodes the kept bytes, with a marker telling how many were cut.
func (c *capBuffer) text(isLatin1 bool) string {
	b, dropped := c.buf, c.dropped
	var s string
	if isLatin1 {
		s = decodeLatin1(b)
	} else {
		if dropped > 0 {
			cut := partialRune(b)
			b, dropped = b[:len(b)-cut], dropped+int64(cut)
		}
		s = decodeUTF8(b)
	}
	if dropped > 0 {
		s += fmt.Sprintf(truncMarker, dropped)
	}
	return s
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

// decodeUTF8 decodes b as UTF-8, each invalid byte becoming U+FFFD.
func decodeUTF8(b []byte) string {
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

// decodeLatin1 maps each byte to the code point of the same value.
func decodeLatin1(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b))
	for _, c := range b {
		sb.WriteRune(rune(c))
	}
	return sb.String()
}
