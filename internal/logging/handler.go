// Package logging formats the run's log lines as Chaos Toolkit users know
// them: "[2026-01-02 03:04:05 INFO] message", coloured by level on a
// terminal, and writes them to the console and an optional log file.
package logging

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"
)

// LevelCritical matches Chaos Toolkit's CRITICAL (logger.fatal) lines.
const LevelCritical = slog.Level(12)

// Handler writes one line per record: the message, then any attributes as
// key=value pairs (messages are complete sentences, as in Chaos Toolkit;
// attributes carry detail such as a python function's stderr line).
type Handler struct {
	mu    *sync.Mutex
	w     io.Writer
	level slog.Leveler
	color bool
	now   func() time.Time
}

// NewHandler returns a handler writing records at or above level to w,
// coloured when color is set.
func NewHandler(w io.Writer, level slog.Leveler, color bool) *Handler {
	return &Handler{mu: &sync.Mutex{}, w: w, level: level, color: color, now: time.Now}
}

// Enabled implements slog.Handler.
func (h *Handler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level.Level() }

// Handle implements slog.Handler.
func (h *Handler) Handle(_ context.Context, r slog.Record) error {
	t := r.Time
	if t.IsZero() {
		t = h.now()
	}
	line := fmt.Sprintf("[%s %s] %s", t.Format("2006-01-02 15:04:05"), LevelName(r.Level), r.Message)
	r.Attrs(func(a slog.Attr) bool {
		line += " " + a.String()
		return true
	})
	if h.color {
		line = colorOf(r.Level) + line + "\x1b[0m"
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := io.WriteString(h.w, line+"\n")
	return err
}

// WithAttrs implements slog.Handler; attributes bound to a logger are not
// printed, only those of each record.
func (h *Handler) WithAttrs([]slog.Attr) slog.Handler { return h }

// WithGroup implements slog.Handler; groups are not printed.
func (h *Handler) WithGroup(string) slog.Handler { return h }

// ParseLevel reads a Python logging level name (debug, info, warning or
// error, any case) as used by --log-file-level.
func ParseLevel(name string) (slog.Level, bool) {
	switch strings.ToLower(name) {
	case "debug":
		return slog.LevelDebug, true
	case "info":
		return slog.LevelInfo, true
	case "warning", "warn":
		return slog.LevelWarn, true
	case "error":
		return slog.LevelError, true
	}
	return 0, false
}

// NewJSONHandler returns a handler writing one JSON object per record to w
// (--log-format json): "time" (RFC 3339), "level" (Python's level names),
// "message", then the record's attributes.
func NewJSONHandler(w io.Writer, level slog.Leveler) slog.Handler {
	return slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level, ReplaceAttr: pythonNames})
}

// pythonNames renames slog's built-in keys and levels to the names Chaos
// Toolkit's JSON log uses.
func pythonNames(groups []string, a slog.Attr) slog.Attr {
	if len(groups) > 0 {
		return a
	}
	switch a.Key {
	case slog.MessageKey:
		a.Key = "message"
	case slog.LevelKey:
		if l, ok := a.Value.Any().(slog.Level); ok {
			a.Value = slog.StringValue(LevelName(l))
		}
	}
	return a
}

// LevelName names levels as Python's logging does.
func LevelName(l slog.Level) string {
	switch {
	case l >= LevelCritical:
		return "CRITICAL"
	case l >= slog.LevelError:
		return "ERROR"
	case l >= slog.LevelWarn:
		return "WARNING"
	case l >= slog.LevelInfo:
		return "INFO"
	}
	return "DEBUG"
}

func colorOf(l slog.Level) string {
	switch {
	case l >= slog.LevelError:
		return "\x1b[31m"
	case l >= slog.LevelWarn:
		return "\x1b[33m"
	case l >= slog.LevelInfo:
		return "\x1b[32m"
	}
	return "\x1b[36m"
}

// UseColor reports whether f is a terminal and NO_COLOR is unset.
func UseColor(f *os.File) bool {
	if _, off := os.LookupEnv("NO_COLOR"); off {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0 && !strings.EqualFold(os.Getenv("TERM"), "dumb")
}

// Fanout sends each record to every handler that accepts it.
type Fanout []slog.Handler

// Enabled implements slog.Handler.
func (f Fanout) Enabled(ctx context.Context, l slog.Level) bool {
	for _, h := range f {
		if h.Enabled(ctx, l) {
			return true
		}
	}
	return false
}

// Handle implements slog.Handler.
func (f Fanout) Handle(ctx context.Context, r slog.Record) error {
	for _, h := range f {
		if h.Enabled(ctx, r.Level) {
			_ = h.Handle(ctx, r.Clone())
		}
	}
	return nil
}

// WithAttrs implements slog.Handler.
func (f Fanout) WithAttrs([]slog.Attr) slog.Handler { return f }

// WithGroup implements slog.Handler.
func (f Fanout) WithGroup(string) slog.Handler { return f }
