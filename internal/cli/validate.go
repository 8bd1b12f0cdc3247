package cli

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/chaostracing/chaostracing/internal/redact"
	"github.com/chaostracing/chaostracing/notify"
	"github.com/chaostracing/chaostracing/run"
)

func (app *App) validateCommand() *cobra.Command {
	var vars varFlags
	var lf loadFlags
	cmd := &cobra.Command{
		Use:   "validate SOURCE",
		Short: "Check an experiment without running it",
		Long: `Check an experiment (JSON or YAML file, "-" for stdin, or an http:// or
https:// URL): every rule of the format, the configuration and secrets it
reads, the binaries and python modules its activities need. Every problem
is reported with its location. Exits 0 when the experiment is valid, 1
otherwise.`,
		Example: "  chaostracing validate experiment.json",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts := run.Options{}
			if err := vars.apply(&opts); err != nil {
				return err
			}
			return app.validateSource(cmd.Context(), args[0], opts, &lf)
		},
	}
	vars.register(cmd)
	lf.register(cmd)
	return cmd
}

// validateSource checks the experiment at source, notifying
// validate-started, then validate-completed or validate-failed, as the
// Python tool does.
func (app *App) validateSource(ctx context.Context, source string, opts run.Options, lf *loadFlags) error {
	s, err := app.load(ctx, source, lf, "")
	if err != nil {
		return err
	}
	defer s.notes.Close()
	doc := redact.Document(s.exp.Doc)
	s.notes.Send(notify.Event{Name: notify.ValidateStarted, Payload: doc})
	if err := app.check(ctx, s, opts); err != nil {
		s.notes.Send(notify.Event{Name: notify.ValidateFailed, Payload: doc, Error: err.Error()})
		return &exitError{Code: ExitFailed}
	}
	s.notes.Send(notify.Event{Name: notify.ValidateCompleted, Payload: doc})
	return nil
}
