// Package cli builds the chaostracing command line: one file per command.
package cli

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/chaostracing/chaostracing/internal/logging"
	"github.com/chaostracing/chaostracing/provider"
	"github.com/chaostracing/chaostracing/settings"
)

// App holds what commands share: streams, logging settings and the Go
// functions an embedding program registered.
type App struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Funcs  *provider.Funcs

	verbose   bool
	settings  string
	loaded    *settings.Settings
	logFile   string
	noLogFile bool
	log       *slog.Logger
	closeLog  func()
	// progress is the live status line on a terminal; nil otherwise.
	progress *logging.Progress
}

// Main runs the command line with args (without the program name) and
// returns the process exit code.
func Main(app *App, args []string) int {
	if app.Funcs == nil {
		app.Funcs = provider.NewFuncs()
	}
	root := app.rootCommand()
	root.SetArgs(args)
	root.SetIn(app.Stdin)
	root.SetOut(app.Stdout)
	root.SetErr(app.Stderr)
	err := root.Execute()
	if app.closeLog != nil {
		app.closeLog()
	}
	if err != nil {
		var ee *exitError
		if !errors.As(err, &ee) || ee.Err != nil {
			fmt.Fprintln(app.Stderr, "Error:", err)
		}
		if !errors.As(err, &ee) && isUsage(err) {
			return ExitUsage
		}
	}
	return exitCode(err)
}

// isUsage recognises cobra's own argument and flag errors.
func isUsage(err error) bool {
	msg := err.Error()
	for _, s := range []string{"unknown flag", "unknown shorthand", "unknown command", "flag needs an argument", "invalid argument", "accepts ", "requires at least", "arg(s)"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

func (app *App) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "chaostracing",
		Short: "Run Chaos Toolkit experiments, with every run a trace",
		Long: `chaostracing runs Chaos Toolkit experiment files (JSON or YAML) unchanged
and writes the journal Chaos Toolkit tools read.`,
		Example: `  chaostracing init && chaostracing run experiment.yaml
  chaostracing run --trace-endpoint http://localhost:4318 experiment.json
  chaostracing validate experiment.yaml`,
		SilenceUsage:      true,
		SilenceErrors:     true,
		PersistentPreRunE: func(*cobra.Command, []string) error { return app.setupLogging() },
	}
	flags := root.PersistentFlags()
	flags.BoolVar(&app.verbose, "verbose", false, "log debug lines to the console")
	flags.StringVar(&app.logFile, "log-file", "chaostoolkit.log", "file the run's log is appended to, at debug level")
	flags.BoolVar(&app.noLogFile, "no-log-file", false, "do not write a log file")
	flags.StringVar(&app.settings, "settings", "", "Chaos Toolkit settings file (default ~/.chaostoolkit/settings.yaml when it exists)")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &exitError{Code: ExitUsage, Err: err} })
	root.AddCommand(app.runCommand(), app.validateCommand(), app.reportCommand(), app.exportCommand(), app.versionCommand(), app.initCommand())
	addBuiltinExamples(root)
	return root
}

func (app *App) setupLogging() error {
	level := slog.LevelInfo
	if app.verbose {
		level = slog.LevelDebug
	}
	color := false
	console := app.Stderr
	if f, ok := app.Stderr.(*os.File); ok {
		color = logging.UseColor(f)
		if logging.IsTerminal(f) {
			// Log lines go through the status line, which clears itself
			// before each of them.
			app.progress = logging.NewProgress(f, true)
			console = app.progress.Writer()
		}
	}
	handlers := logging.Fanout{logging.NewHandler(console, level, color)}
	if !app.noLogFile && app.logFile != "" {
		f, err := os.OpenFile(app.logFile, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			return &exitError{Code: ExitFailed, Err: fmt.Errorf("cannot open log file: %w", err)}
		}
		app.closeLog = func() { f.Close() }
		handlers = append(handlers, logging.NewHandler(f, slog.LevelDebug, false))
	}
	app.log = slog.New(handlers)
	return nil
}
