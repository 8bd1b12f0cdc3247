package capture

import (
	"io"
	"strings"
	"testing"
)

func TestBufferKeepsTheCapAndCountsTheRest(t *testing.T) {
	c := Buffer{Limit: 5}
	for _, s := range []string{"ab", "cdef", "gh"} {
		if n, err := c.Write([]byte(s)); n != len(s) || err != nil {
			t.Fatalf("Write = %d, %v", n, err)
		}
	}
	if got, want := c.String(), "abcde\n... [truncated 3 bytes]"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
	if !c.Truncated() || string(c.Bytes()) != "abcde" {
		t.Errorf("Truncated %v Bytes %q", c.Truncated(), c.Bytes())
	}
}

func TestReadFromNeverHoldsMoreThanTheCap(t *testing.T) {
	c := Buffer{Limit: 1000}
	n, err := c.ReadFrom(io.LimitReader(zeroes{}, 10<<20))
	if err != nil || n != 10<<20 {
		t.Fatalf("ReadFrom = %d, %v", n, err)
	}
	if len(c.Bytes()) != 1000 || cap(c.Bytes()) > 4096 {
		t.Errorf("kept %d bytes in a buffer of %d", len(c.Bytes()), cap(c.Bytes()))
	}
	if !strings.HasSuffix(c.String(), "[truncated 10484760 bytes]") {
		t.Errorf("marker: %q", c.String()[990:])
	}
}

type zeroes struct{}

func (zeroes) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestTextDecoding(t *testing.T) {
	tests := []struct {
		in     string
		limit  int
		latin1 bool
		want   string
	}{
		{"caf\xc3\xa9", 10, false, "café"},
		{"bad\xff", 10, false, "bad\ufffd"},
		{"caf\xe9", 10, true, "café"},
		// The cap cuts é in half: the partial rune is dropped and counted.
		{"caf\xc3\xa9!", 4, false, "caf\n... [truncated 3 bytes]"},
	}
	for _, tt := range tests {
		c := Buffer{Limit: tt.limit}
		c.Write([]byte(tt.in))
		if got := c.Text(tt.latin1); got != tt.want {
			t.Errorf("Text(%q, latin1=%v) = %q, want %q", tt.in, tt.latin1, got, tt.want)
		}
	}
}
