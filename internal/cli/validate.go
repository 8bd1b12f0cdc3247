package cli

import (
	"github.com/spf13/cobra"

	"github.com/chaostracing/chaostracing/run"
)

func (app *App) validateCommand() *cobra.Command {
	var vars varFlags
	var controls controlFlags
	cmd := &cobra.Command{
		Use:   "validate SOURCE",
		Short: "Check an experiment without running it",
		Long: `Check an experiment file (JSON or YAML, "-" for stdin): every rule of the
format, the configuration and secrets it reads, the binaries and python
modules its activities need. Every problem is reported with its location.
Exits 0 when the experiment is valid, 1 otherwise.`,
		Example: "  chaostracing validate experiment.json",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts := run.Options{}
			if err := vars.apply(&opts); err != nil {
				return err
			}
			_, err := app.load(cmd.Context(), args[0], opts, &controls, true, "")
			return err
		},
	}
	vars.register(cmd)
	controls.register(cmd)
	return cmd
}
