package redact

import (
	"context"
	"log/slog"
)

// Logger returns a logger that writes through log's handler with every
// secret replaced in messages and string attributes; log itself when
// there is nothing to hide.
func (r *Redactor) Logger(log *slog.Logger) *slog.Logger {
	if r.Empty() || log == nil {
		return log
	}
	return slog.New(handler{inner: log.Handler(), r: r})
}

type handler struct {
	inner slog.Handler
	r     *Redactor
}

func (h handler) Enabled(ctx context.Context, l slog.Level) bool { return h.inner.Enabled(ctx, l) }

func (h handler) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, h.r.String(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.inner.Handle(ctx, out)
}

func (h handler) attr(a slog.Attr) slog.Attr {
	if a.Value.Kind() == slog.KindString {
		return slog.String(a.Key, h.r.String(a.Value.String()))
	}
	return a
}

func (h handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	red := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		red[i] = h.attr(a)
	}
	return handler{inner: h.inner.WithAttrs(red), r: h.r}
}

func (h handler) WithGroup(name string) slog.Handler {
	return handler{inner: h.inner.WithGroup(name), r: h.r}
}
