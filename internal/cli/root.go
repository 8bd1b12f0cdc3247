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
	// logFileLevel and logFormat are Chaos Toolkit's --log-file-level and
	// --log-format; changeDir is --change-dir.
	logFileLevel   string
	logFormat      string
	changeDir      string
	noVersionCheck bool
	log            *slog.Logger
	closeLog       func()
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
		PersistentPreRunE: func(*cobra.Command, []string) error { return app.prepare() },
	}
	flags := root.PersistentFlags()
	flags.BoolVar(&app.verbose, "verbose", false, "log debug lines to the console")
	flags.StringVar(&app.logFile, "log-file", "chaostoolkit.log", "file the run's log is appended to, at debug level")
	flags.BoolVar(&app.noLogFile, "no-log-file", false, "do not write a log file")
	flags.StringVar(&app.logFileLevel, "log-file-level", "debug", "lowest level written to the log file: debug, info, warning or error")
	flags.StringVar(&app.logFormat, "log-format", "string", "console log format: string or json (one JSON object per line)")
	flags.StringVar(&app.changeDir, "change-dir", "", "change to this directory before doing anything")
	flags.BoolVar(&app.noVersionCheck, "no-version-check", false, "accepted for Chaos Toolkit compatibility: chaostracing never checks for new versions")
	flags.StringVar(&app.settings, "settings", "", "Chaos Toolkit settings file (default ~/.chaostoolkit/settings.yaml when it exists)")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &exitError{Code: ExitUsage, Err: err} })
	root.AddCommand(app.runCommand(), app.validateCommand(), app.reportCommand(), app.exportCommand(), app.schemaCommand(), app.versionCommand(),
		app.settingsCommand(), app.infoCommand(), app.discoverCommand(), app.initCommand())
	addBuiltinExamples(root)
	return root
}

// prepare applies the global flags every command shares: --change-dir,
// then logging.
func (app *App) prepare() error {
	if app.changeDir != "" {
		if err := os.Chdir(app.changeDir); err != nil {
			return &exitError{Code: ExitFailed, Err: fmt.Errorf("cannot change directory: %w", err)}
		}
	}
	return app.setupLogging()
}

func (app *App) setupLogging() error {
	level := slog.LevelInfo
	if app.verbose {
		level = slog.LevelDebug
	}
	fileLevel, ok := logging.ParseLevel(app.logFileLevel)
	if !ok {
		return usageError("invalid value %q for --log-file-level: choose one of debug, info, warning, error", app.logFileLevel)
	}
	if app.logFormat != "string" && app.logFormat != "json" {
		return usageError("invalid value %q for --log-format: choose string or json", app.logFormat)
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
	if app.logFormat == "json" {
		handlers[0] = logging.NewJSONHandler(console, level)
	}
	if !app.noLogFile && app.logFile != "" {
		f, err := os.OpenFile(app.logFile, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			return &exitError{Code: ExitFailed, Err: fmt.Errorf("cannot open log file: %w", err)}
		}
		app.closeLog = func() { f.Close() }
		handlers = append(handlers, logging.NewHandler(f, fileLevel, false))
	}
	app.log = slog.New(handlers)
	return nil
}
