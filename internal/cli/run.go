package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/internal/logging"
	"github.com/chaostracing/chaostracing/journal"
	"github.com/chaostracing/chaostracing/provider"
	"github.com/chaostracing/chaostracing/run"
)

type runFlags struct {
	varFlags
	loadFlags
	journalPath        string
	dry                string
	noValidation       bool
	rollbackStrategy   string
	hypothesisStrategy string
	frequency          float64
	failFast           bool
	traceFile          string
	noTrace            bool
	traceEndpoint      string
	traceProtocol      string
	traceHeaders       []string
	outputLimit        int
}

func (app *App) runCommand() *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "run SOURCE",
		Short: "Run an experiment and write its journal",
		Long: `Run a Chaos Toolkit experiment (JSON or YAML file, "-" for stdin, or an
http:// or https:// URL): the steady-state hypothesis, the method, the
hypothesis again, then the rollbacks, and write the journal.

Exit codes: 0 when the run completed and the steady state did not deviate
(this includes a hypothesis not met before the method, as in Chaos
Toolkit); 1 when it failed, aborted, was interrupted or deviated, or the
experiment is invalid; 2 for a wrong command line.`,
		Example: `  chaostracing run experiment.json
  chaostracing run --rollback-strategy always --var base_url=http://localhost:8080 experiment.yaml
  chaostracing run --hypothesis-strategy continuously --hypothesis-frequency 5 --fail-fast experiment.json
  chaostracing run https://example.com/experiments/latency.yaml`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return app.run(cmd.Context(), args[0], &f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.journalPath, "journal-path", "./journal.json", "where the journal is written")
	fl.StringVar(&f.dry, "dry", "", "do not run: probes, actions, activities or pause (skip pauses)")
	fl.BoolVar(&f.noValidation, "no-validation", false, "skip validation before the run")
	fl.StringVar(&f.rollbackStrategy, "rollback-strategy", "", "when rollbacks run: default, always, never or deviated")
	fl.StringVar(&f.hypothesisStrategy, "hypothesis-strategy", "", "when the hypothesis runs: default, before-method-only, after-method-only, during-method-only or continuously")
	fl.Float64Var(&f.frequency, "hypothesis-frequency", 1.0, "seconds between two continuous hypothesis checks")
	fl.BoolVar(&f.failFast, "fail-fast", false, "stop the run at the first deviation of a continuous hypothesis")
	fl.StringVar(&f.traceFile, "trace-file", "", "where the run's trace is kept, as OTLP JSON lines (default chaostracing-trace.jsonl beside the journal)")
	fl.BoolVar(&f.noTrace, "no-trace", false, "do not trace the run (no trace file, no default tracing control)")
	fl.IntVar(&f.outputLimit, "output-limit", provider.DefaultMaxOutput, "bytes kept of each process stream and HTTP body; the rest is counted and cut")
	fl.StringVar(&f.traceEndpoint, "trace-endpoint", "", "send the trace over OTLP to this endpoint too (sets OTEL_EXPORTER_OTLP_ENDPOINT), e.g. http://localhost:4318")
	fl.StringVar(&f.traceProtocol, "trace-protocol", "", "OTLP protocol: grpc or http/protobuf (sets OTEL_EXPORTER_OTLP_PROTOCOL)")
	fl.StringArrayVar(&f.traceHeaders, "trace-header", nil, "header sent with OTLP exports, key=value (repeatable; sets OTEL_EXPORTER_OTLP_HEADERS)")
	f.varFlags.register(cmd)
	f.loadFlags.register(cmd)
	return cmd
}

func (f *runFlags) options() (run.Options, error) {
	opts := run.Options{FailFast: f.failFast, HypothesisFrequency: time.Duration(f.frequency * float64(time.Second))}
	checks := []struct {
		flag, val string
		choices   []string
	}{
		{"dry", f.dry, experiment.DryModes},
		{"rollback-strategy", f.rollbackStrategy, experiment.RollbackStrategies},
		{"hypothesis-strategy", f.hypothesisStrategy, experiment.HypothesisStrategies[:6]},
	}
	for _, c := range checks {
		if c.val != "" && !slices.Contains(c.choices, c.val) {
			return opts, usageError("invalid value %q for --%s: choose one of %s", c.val, c.flag, strings.Join(c.choices, ", "))
		}
	}
	if f.frequency <= 0 {
		return opts, usageError("--hypothesis-frequency must be a positive number of seconds")
	}
	if f.outputLimit <= 0 {
		return opts, usageError("--output-limit must be a positive number of bytes")
	}
	if err := f.traceEnvironment(); err != nil {
		return opts, err
	}
	opts.Dry = f.dry
	return opts, f.varFlags.apply(&opts)
}

func (app *App) run(parent context.Context, source string, f *runFlags) error {
	opts, err := f.options()
	if err != nil {
		return err
	}
	s, err := app.load(parent, source, &f.loadFlags, f.tracePath())
	if err != nil {
		return err
	}
	defer s.notes.Close()
	if !f.noValidation && app.check(parent, s, opts) != nil {
		return &exitError{Code: ExitFailed}
	}
	s.runner.MaxOutput = f.outputLimit
	opts.RollbackStrategy, opts.HypothesisStrategy = f.strategies(s.exp.Runtime, app.loaded.Runtime())
	notes := &runNotes{n: s.notes}
	s.runner.Hooks = run.Chain(s.runner.Hooks, notes)

	ctx, hardStop, stopSignals := app.handleSignals(parent)
	defer stopSignals()
	stopProgress := app.startProgress(s)
	j, err := s.runner.Run(ctx, hardStop, s.exp, opts)
	stopProgress()
	if err != nil {
		app.reportInvalid(err)
		return &exitError{Code: ExitFailed}
	}
	writeErr := app.writeJournal(j, f.journalPath)
	notes.finished(j)
	app.closeControls(s.controls)
	app.printSummary(j)
	app.logTraceFile(f.tracePath())
	if writeErr != nil {
		return writeErr
	}
	return codeOnly(run.ExitCode(j))
}

// startProgress shows the live status line during the run, on a
// terminal, and returns what stops it.
func (app *App) startProgress(s *session) func() {
	if app.progress == nil {
		return func() {}
	}
	s.runner.Hooks = run.Chain(s.runner.Hooks, newProgressHooks(app.progress))
	app.progress.Start()
	return app.progress.Stop
}

// tracePath is where the trace file goes: --trace-file, else beside the
// journal; "" with --no-trace.
func (f *runFlags) tracePath() string {
	switch {
	case f.noTrace:
		return ""
	case f.traceFile != "":
		return f.traceFile
	}
	return filepath.Join(filepath.Dir(f.journalPath), "chaostracing-trace.jsonl")
}

func (app *App) logTraceFile(path string) {
	if fi, err := os.Stat(path); path != "" && err == nil && fi.Size() > 0 {
		app.log.Info("Trace written to " + path)
	}
}

// closeTimeout bounds the controls' cleanup (the trace flush among them)
// once the journal is safe on disk.
const closeTimeout = 15 * time.Second

func (app *App) closeControls(d interface{ Close(context.Context) }) {
	ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
	defer cancel()
	d.Close(ctx)
}

// traceEnvironment turns the tracing flags into the standard OTEL_*
// variables, which the tracing control reads like any OpenTelemetry SDK
// (flags win over the environment).
func (f *runFlags) traceEnvironment() error {
	if f.traceProtocol != "" && f.traceProtocol != "grpc" && f.traceProtocol != "http/protobuf" && f.traceProtocol != "http/json" {
		return usageError("invalid value %q for --trace-protocol: choose grpc, http/protobuf or http/json", f.traceProtocol)
	}
	for _, h := range f.traceHeaders {
		if k, _, ok := strings.Cut(h, "="); !ok || k == "" {
			return usageError("invalid --trace-header %q: expected key=value", h)
		}
	}
	set := map[string]string{
		"OTEL_EXPORTER_OTLP_ENDPOINT": f.traceEndpoint,
		"OTEL_EXPORTER_OTLP_PROTOCOL": f.traceProtocol,
		"OTEL_EXPORTER_OTLP_HEADERS":  strings.Join(f.traceHeaders, ","),
	}
	for k, v := range set {
		if v == "" {
			continue
		}
		if err := os.Setenv(k, v); err != nil {
			return err
		}
	}
	return nil
}

// strategies picks each strategy by precedence: the flag, then the
// experiment's runtime block, then the settings file's, else default.
// Each strategy is picked on its own: where the Python tool resets a
// strategy the experiment's runtime block omits to "default" even when
// the settings set it, the settings apply here (docs/experiment-format.md).
func (f *runFlags) strategies(exp, set experiment.Runtime) (rollback, hypothesis string) {
	return pick(f.rollbackStrategy, exp.RollbackStrategy, set.RollbackStrategy),
		pick(f.hypothesisStrategy, exp.HypothesisStrategy, set.HypothesisStrategy)
}

// pick returns the first non-empty value, "" when all are empty.
func pick(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

func codeOnly(code int) error {
	if code == ExitOK {
		return nil
	}
	return &exitError{Code: code}
}

// handleSignals turns the first SIGINT, SIGTERM or SIGUSR1 into an
// interruption of the run (rollbacks still run per strategy; SIGUSR2 skips
// them) and a second signal into a hard stop of whatever is left.
func (app *App) handleSignals(parent context.Context) (context.Context, context.Context, func()) {
	ctx, interrupt := context.WithCancelCause(parent)
	hardStop, stopHard := context.WithCancel(context.WithoutCancel(parent))
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, exitSignals...)
	done := make(chan struct{})
	go func() {
		for n := 0; ; n++ {
			select {
			case <-done:
				return
			case sig := <-sigs:
				if n > 0 {
					app.log.Warn("Received a second termination signal, stopping now")
					stopHard()
					continue
				}
				interrupt(app.interruption(sig))
			}
		}
	}()
	return ctx, hardStop, func() {
		signal.Stop(sigs)
		close(done)
		interrupt(nil)
		stopHard()
	}
}

// interruption logs a signal as Chaos Toolkit does and returns the cause
// the run is interrupted with: SIGUSR2 is Chaos Toolkit's ungraceful exit,
// which skips the rollbacks.
func (app *App) interruption(sig os.Signal) error {
	switch sig {
	case syscall.SIGTERM:
		app.log.Warn("Caught SIGTERM signal, interrupting experiment now")
		app.log.Log(context.Background(), logging.LevelCritical, "SIGTERM signal received")
	case sigUSR1:
		app.log.Warn("Received the exit signal: 20")
	case sigUSR2:
		app.log.Warn("Received the exit signal: 30")
		return run.ErrNoRollbacks
	default:
		app.log.Warn("Received a termination signal (Ctrl-C)...")
	}
	return run.ErrInterrupted
}

// writeJournal stores the journal; when it cannot, it prints the journal
// to stderr so the run's record is never lost.
func (app *App) writeJournal(j *journal.Journal, path string) error {
	err := j.Write(path)
	if err == nil {
		app.log.Info("Journal written to " + path)
		return nil
	}
	app.log.Error(fmt.Sprintf("%v; the journal follows on stderr", err))
	var buf bytes.Buffer
	_ = j.Encode(&buf)
	_, _ = app.Stderr.Write(buf.Bytes())
	return &exitError{Code: ExitFailed}
}
