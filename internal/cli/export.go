package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/chaostracing/chaostracing/journal"
	"github.com/chaostracing/chaostracing/report"
	"github.com/chaostracing/chaostracing/tracing"
)

type exportFlags struct {
	dryRun    bool
	traceFile string
}

func (app *App) exportCommand() *cobra.Command {
	var f exportFlags
	cmd := &cobra.Command{
		Use:   "export [--dry-run] [--trace-file FILE] JOURNAL...",
		Short: "Send past runs to a tracing backend, from their journals",
		Long: `Turn journals (chaostracing's or the Python Chaos Toolkit's journal.json)
into the traces the tracing control makes of a run, with the journal's
timestamps, and send them through the exporter the OTEL_* environment
configures, as a run does (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_TRACES_EXPORTER,
OTEL_EXPORTER_OTLP_PROTOCOL, OTEL_SERVICE_NAME, ...). --trace-file also
writes them to a local OTLP JSON file, or only there when no exporter is
configured.

The ids come from the journal (experiment title, start time and node), so
exporting a journal twice sends the same trace again rather than a copy.

Exit codes: 0 when every journal is exported; 1 when a journal cannot be
read or an export fails; 2 for a wrong command line or when nothing says
where to send the spans.`,
		Example: `  OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 chaostracing export journal.json
  chaostracing export --trace-file runs.jsonl runs/*/journal.json
  chaostracing export --dry-run journal.json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return app.export(cmd.Context(), args, &f)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&f.dryRun, "dry-run", false, "read the journals and count their spans, send nothing")
	fl.StringVar(&f.traceFile, "trace-file", "", "also write the traces to this file, as OTLP JSON lines")
	return cmd
}

// noExporter tells how to say where the spans go.
const noExporter = `no exporter configured: set OTEL_EXPORTER_OTLP_ENDPOINT (e.g. http://localhost:4318 for Jaeger or a Collector), ` +
	`or OTEL_TRACES_EXPORTER (otlp, zipkin, jaeger, console), or give --trace-file FILE`

func (app *App) export(ctx context.Context, paths []string, f *exportFlags) error {
	if ctx == nil {
		ctx = context.Background()
	}
	cfg, warnings, err := tracing.ConfigFrom(nil, nil, os.Getenv)
	if err != nil {
		return usageError("invalid tracing configuration: %v", err)
	}
	for _, w := range warnings {
		app.log.Warn("Tracing: " + w)
	}
	switch {
	case f.dryRun:
		cfg = tracing.Config{Exporter: tracing.ExporterNone, OutputMax: cfg.OutputMax}
	case cfg.Exporter == tracing.ExporterNone && f.traceFile == "":
		return usageError("tracing is turned off (OTEL_SDK_DISABLED or OTEL_TRACES_EXPORTER=none): %s", noExporter)
	case cfg.Exporter == tracing.ExporterUnset && f.traceFile == "":
		return usageError("%s", noExporter)
	default:
		cfg.File = f.traceFile
	}
	journals := make([]*journal.Journal, len(paths))
	for i, p := range paths {
		j, err := journal.ReadFile(p)
		if err == nil && j.Experiment == nil && j.Status == "" && len(j.Run) == 0 {
			err = fmt.Errorf("%s does not look like a journal: it has no experiment, status or run", p)
		}
		if err != nil {
			return &exitError{Code: ExitFailed, Err: err}
		}
		journals[i] = j
	}
	e, err := tracing.NewReplayer(ctx, cfg)
	if err != nil {
		return &exitError{Code: ExitFailed, Err: err}
	}
	var errs []error
	for i, j := range journals {
		res, err := e.Export(ctx, j, report.SecretsRedactor(j.Experiment, os.LookupEnv))
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("%s: %w", paths[i], err))
		case f.dryRun:
			app.log.Info(fmt.Sprintf("Would export %d spans of %s as trace %s", res.Spans, paths[i], res.TraceID))
		default:
			app.log.Info(fmt.Sprintf("Exported %d spans of %s as trace %s", res.Spans, paths[i], res.TraceID))
		}
	}
	if err := e.Shutdown(context.WithoutCancel(ctx)); err != nil && len(errs) == 0 {
		app.log.Warn("Tracing: " + err.Error())
	}
	if len(errs) > 0 {
		return &exitError{Code: ExitFailed, Err: errors.Join(errs...)}
	}
	if !f.dryRun {
		app.log.Debug("Spans sent to " + strings.Join(e.Targets(), ", "))
	}
	return nil
}
