package tracing

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/chaostracing/chaostracing/control"
	"github.com/chaostracing/chaostracing/journal"
	"github.com/chaostracing/chaostracing/value"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// Control is the tracing control: a control.Control that turns one run into
// one trace (see the package documentation for the spans). Make one per
// run with New or NewFromConfig; Configure sets it up and starts the
// experiment span, Cleanup ends what is still open and flushes the spans,
// bounded by the flush timeout. Without a successful Configure every hook
// does nothing. It is safe for concurrent use, as background activities
// and the continuous hypothesis need.
type Control struct {
	preset *Config
	file   string // also write the trace to this local file, when set
	getenv func(string) string
	// exporter replaces the configured exporter (tests).
	exporter sdktrace.SpanExporter

	log       *slog.Logger
	p         *Provider
	tracer    trace.Tracer // nil while tracing is off
	red       *redactor
	outputMax int
	root      *node

	mu      sync.Mutex
	open    *node // the open nodes, most recent first
	pending map[*journal.Record]*node
	cont    continuous
	lastEnd atomic.Int64 // unix nanoseconds of the latest span end
}

var (
	_ control.Control    = (*Control)(nil)
	_ control.Configurer = (*Control)(nil)
	_ control.Cleaner    = (*Control)(nil)
)

// Option changes a Control made by New.
type Option func(*Control)

// WithFile also writes the run's trace to a local file in the OTLP/JSON
// file format (see FileExporter). When nothing else is configured, the
// file is the only destination: no network is used.
func WithFile(path string) Option { return func(c *Control) { c.file = path } }

// New returns a Control configured, when the run starts, from its
// declaration's arguments, the experiment's configuration and the OTEL_*
// environment (see ConfigFrom).
func New(opts ...Option) *Control {
	c := &Control{}
	for _, opt := range opts {
		opt(c)
	}
	return c
}

// NewFromConfig returns a Control that traces with cfg, whatever its
// declaration and the experiment say: for a control the CLI adds itself.
func NewFromConfig(cfg Config) *Control { return &Control{preset: &cfg} }

func (c *Control) env(key string) string {
	if c.getenv != nil {
		return c.getenv(key)
	}
	return os.Getenv(key)
}

// Configure implements control.Configurer: it reads the configuration,
// sets the tracer provider up (Setup) and starts the experiment span, as a
// child of the span in ctx, else of the TRACEPARENT found in the
// environment. Configuration warnings are logged; an invalid
// configuration is an error, which leaves the control out of the run.
func (c *Control) Configure(ctx context.Context, s control.Settings) error {
	c.log = s.Log
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	cfg, err := c.config(s)
	if err != nil {
		return err
	}
	if c.exporter != nil && cfg.Exporter != ExporterNone {
		cfg.SpanExporter = c.exporter
	}
	if cfg.Log == nil {
		cfg.Log = c.log
	}
	p, err := Setup(ctx, cfg)
	if err != nil {
		return err
	}
	c.p = p
	if !p.Enabled() {
		return nil
	}
	c.pending = map[*journal.Record]*node{}
	c.red = newRedactor(s.Scope)
	c.outputMax = effectiveOutputMax(cfg.OutputMax)
	c.tracer = p.Tracer()
	c.startRoot(ctx, s)
	return nil
}

// config returns the preset configuration, or the one read from the
// settings, logging its warnings.
func (c *Control) config(s control.Settings) (Config, error) {
	if c.preset != nil {
		return *c.preset, nil
	}
	args, _ := s.Scope.Substitute(s.Arguments).(*value.Object)
	cfg, warnings, err := ConfigFrom(args, s.Scope.Configuration, c.env)
	if err != nil {
		return Config{}, fmt.Errorf("invalid tracing configuration: %w", err)
	}
	warnings = append(warnings, moduleWarnings(s, c.env)...)
	for _, w := range warnings {
		c.log.Warn("Tracing: " + w)
	}
	if off, _ := asBool(c.env("OTEL_SDK_DISABLED")); !off {
		cfg.File = c.file // OTEL_SDK_DISABLED turns the local file off too
	}
	return cfg, nil
}

// Cleanup implements control.Cleaner: it ends the spans still open (the
// experiment span too when this control did not get AfterExperiment, at
// the end of the last span it saw), then flushes and shuts the tracer
// provider down within the flush timeout and ctx's deadline, and restores
// the global tracer provider and propagator.
func (c *Control) Cleanup(ctx context.Context) {
	if c.p == nil {
		return
	}
	if c.tracer != nil {
		at := c.lastEndOr(time.Now())
		c.sweep(at)
		if c.root != nil {
			c.finish(c.root, notBeforeStart(c.root, c.lastEndOr(at)))
		}
	}
	_ = c.p.Shutdown(ctx)
}

// off reports whether tracing is off for this control.
func (c *Control) off() bool { return c.tracer == nil }
