package python

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
)

const (
	// maxLine is the longest stderr line logged whole; longer ones are
	// logged in pieces.
	maxLine = 64 << 10
	// tailLines is how many last stderr lines an error message quotes.
	tailLines = 5
	// tailWidth caps each quoted line.
	tailWidth = 300
)

// stderrLog forwards the child's stderr to a logger at debug level, one
// record per line, and remembers the last lines for error messages.
type stderrLog struct {
	mu      sync.Mutex
	log     *slog.Logger
	attrs   []any
	partial []byte
	last    []string
}

func newStderrLog(log *slog.Logger, attrs ...any) *stderrLog {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &stderrLog{log: log, attrs: attrs}
}

// Write logs each complete line of b and keeps the rest for later.
func (s *stderrLog) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.partial = append(s.partial, b...)
	rest := s.partial
	for {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			break
		}
		s.line(rest[:i])
		rest = rest[i+1:]
	}
	for len(rest) > maxLine {
		s.line(rest[:maxLine])
		rest = rest[maxLine:]
	}
	s.partial = append(s.partial[:0], rest...)
	return len(b), nil
}

// flush logs an unterminated last line.
func (s *stderrLog) flush() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.partial) > 0 {
		s.line(s.partial)
		s.partial = s.partial[:0]
	}
}

func (s *stderrLog) line(b []byte) {
	text := strings.TrimRight(string(b), "\r")
	s.log.Debug("python stderr", append([]any{"line", text}, s.attrs...)...)
	if len(text) > tailWidth {
		text = strings.ToValidUTF8(text[:tailWidth], "") + "..."
	}
	if len(s.last) == tailLines {
		s.last = append(s.last[:0], s.last[1:]...)
	}
	s.last = append(s.last, text)
}

// tail returns the last lines, joined.
func (s *stderrLog) tail() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.TrimSpace(strings.Join(s.last, "\n"))
}
