package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/chaostracing/chaostracing/internal/logging"
	"github.com/chaostracing/chaostracing/journal"
	"github.com/chaostracing/chaostracing/report"
)

type reportFlags struct {
	journalPath string
	tracePath   string
	output      string
	title       string
	traceID     string
}

func (app *App) reportCommand() *cobra.Command {
	var f reportFlags
	cmd := &cobra.Command{
		Use:   "report [JOURNAL|TRACE]...",
		Short: "Write an HTML report of a run from its journal and/or its trace",
		Long: `Write one self-contained HTML file (no network needed) showing a run: the
experiment's header and verdict, a zoomable timeline of the hypothesis
checks, the method, the rollbacks, their activities and any other span,
failures highlighted, and each item's status, output and attributes on
click. Secrets and the experiment's configuration are never shown.

It reads a journal (chaostracing's or the Python Chaos Toolkit's
journal.json) and/or a trace file: OTLP JSON, one export request per line,
as the OpenTelemetry Collector's file exporter writes it. With both, the
trace gives the timeline and the journal the outputs and the verdict.
Files given as arguments are told apart by their content.

Exit codes: 0 when the report is written; 1 when an input cannot be read
or the report cannot be written; 2 for a wrong command line.`,
		Example: `  chaostracing report journal.json
  chaostracing report --journal journal.json --trace spans.jsonl -o run.html
  chaostracing report --trace spans.jsonl --trace-id 4bf92f3577b34da6a3ce929d0e0e4736`,
		Args: cobra.MaximumNArgs(2),
		RunE: func(_ *cobra.Command, args []string) error {
			return app.report(args, &f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.journalPath, "journal", "", "journal of the run (chaostracing's or Chaos Toolkit's journal.json)")
	fl.StringVar(&f.tracePath, "trace", "", "trace of the run: an OTLP JSON file (one export request per line)")
	fl.StringVarP(&f.output, "output", "o", "report.html", "where the HTML report is written")
	fl.StringVar(&f.title, "title", "", "page title (default: the experiment's title)")
	fl.StringVar(&f.traceID, "trace-id", "", "trace to show when the trace file holds several (default: the run's, else the latest)")
	return cmd
}

func (app *App) report(args []string, f *reportFlags) error {
	for _, arg := range args {
		kind, err := sniff(arg)
		if err != nil {
			return &exitError{Code: ExitFailed, Err: err}
		}
		dst := &f.journalPath
		if kind == "trace" {
			dst = &f.tracePath
		}
		if *dst != "" {
			return usageError("two %s files given (%s and %s): give at most one journal and one trace", kind, *dst, arg)
		}
		*dst = arg
	}
	if f.journalPath == "" && f.tracePath == "" {
		return usageError("give a journal, a trace file, or both: chaostracing report [--journal journal.json] [--trace trace.jsonl] [-o report.html]")
	}
	if f.output == "" {
		return usageError("--output must name a file")
	}
	var j *journal.Journal
	if f.journalPath != "" {
		var err error
		if j, err = journal.ReadFile(f.journalPath); err != nil {
			return &exitError{Code: ExitFailed, Err: err}
		}
		if j.Experiment == nil && j.Status == "" && len(j.Run) == 0 {
			return &exitError{Code: ExitFailed, Err: fmt.Errorf("%s does not look like a journal: it has no experiment, status or run", f.journalPath)}
		}
	}
	tl, err := app.timeline(j, f)
	if err != nil {
		return &exitError{Code: ExitFailed, Err: err}
	}
	opts := report.HTMLOptions{Title: f.title}
	if j != nil {
		opts.Redact = report.SecretsRedactor(j.Experiment, os.LookupEnv)
	}
	var buf bytes.Buffer
	if err := report.HTML(&buf, tl, opts); err != nil {
		return &exitError{Code: ExitFailed, Err: err}
	}
	if err := os.WriteFile(f.output, buf.Bytes(), 0o644); err != nil {
		return &exitError{Code: ExitFailed, Err: fmt.Errorf("cannot write the report: %w", err)}
	}
	path := f.output
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	app.log.Info("Report written to " + path)
	return nil
}

// timeline builds the run's timeline from the journal, the trace, or both.
func (app *App) timeline(j *journal.Journal, f *reportFlags) (*report.Timeline, error) {
	if f.tracePath == "" {
		return report.FromJournal(j), nil
	}
	traces, err := report.ReadOTLPFile(f.tracePath)
	if err != nil {
		return nil, err
	}
	t, err := app.pickTrace(traces, j, f)
	if err != nil {
		return nil, err
	}
	if t.Experiment() == nil && j != nil {
		app.log.Warn(fmt.Sprintf("Trace %s has no experiment span; the timeline comes from the journal", t.ID))
		return report.FromJournal(j), nil
	}
	tl := t.Timeline()
	tl.MergeJournal(j)
	return tl, nil
}

// pickTrace chooses the trace to show: the one asked for, else the one
// whose experiment span started closest to the journal's start, else the
// latest run.
func (app *App) pickTrace(traces []*report.Trace, j *journal.Journal, f *reportFlags) (*report.Trace, error) {
	if f.traceID != "" {
		want := strings.ToLower(f.traceID)
		for _, t := range traces {
			if t.ID == want {
				return t, nil
			}
		}
		return nil, fmt.Errorf("%s: no trace %s in it (it holds %s)", f.tracePath, f.traceID, traceIDs(traces))
	}
	if len(traces) == 1 {
		return traces[0], nil
	}
	var best *report.Trace
	var bestScore float64
	for _, t := range traces {
		exp := t.Experiment()
		if exp == nil {
			continue
		}
		var score float64
		if j != nil {
			score = -math.Abs(exp.Start.Sub(j.Start).Seconds())
		} else {
			score = float64(exp.Start.UnixNano())
		}
		if best == nil || score > bestScore {
			best, bestScore = t, score
		}
	}
	if best == nil {
		best = traces[len(traces)-1]
	}
	how := "the latest run's"
	if j != nil {
		how = "the journal's run's"
	}
	app.log.Warn(fmt.Sprintf("%s holds %d traces; showing %s, %s (choose another with --trace-id)", f.tracePath, len(traces), how, best.ID))
	return best, nil
}

func traceIDs(traces []*report.Trace) string {
	ids := make([]string, len(traces))
	for i, t := range traces {
		ids[i] = t.ID
	}
	return strings.Join(ids, ", ")
}

// sniff tells a trace file from a journal: OTLP JSON holds
// "resourceSpans" near its start; a .jsonl file is a trace too.
func sniff(path string) (string, error) {
	fh, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("cannot read %s: %w", path, errors.Unwrap(err))
	}
	defer fh.Close()
	head := make([]byte, 64<<10)
	n, err := io.ReadFull(fh, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("cannot read %s: %w", path, err)
	}
	head = head[:n]
	switch {
	case bytes.Contains(head, []byte(`"resourceSpans"`)), bytes.Contains(head, []byte(`"resource_spans"`)):
		return "trace", nil
	case strings.EqualFold(filepath.Ext(path), ".jsonl"):
		return "trace", nil
	}
	return "journal", nil
}

// printSummary writes the end-of-run summary of a journal to stderr:
// coloured when stderr is a terminal and NO_COLOR is unset, as wide as
// $COLUMNS says (80 otherwise).
func (app *App) printSummary(j *journal.Journal) {
	color := false
	if f, ok := app.Stderr.(*os.File); ok {
		color = logging.UseColor(f)
	}
	width := 80
	if c, err := strconv.Atoi(strings.TrimSpace(os.Getenv("COLUMNS"))); err == nil && c > 0 {
		width = c
	}
	_, _ = io.WriteString(app.Stderr, "\n")
	_ = report.Summary(app.Stderr, j, report.SummaryOptions{Width: width, Color: color})
}
