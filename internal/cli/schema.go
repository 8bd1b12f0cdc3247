package cli

import (
	"github.com/spf13/cobra"

	"github.com/chaostracing/chaostracing/schema"
)

func (app *App) schemaCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of the experiment format",
		Long: `Print the JSON Schema (draft 2020-12) of the Chaos Toolkit experiment format
that validate and run check experiments against, for editors: completion,
hover docs and errors as you type. It is also published at
` + schema.ID + `
Save it, then point an experiment or your editor at it (see "Editor support"
in docs/experiment-format.md).`,
		Example: `  # Save the schema beside your experiments
  chaostracing schema > experiment.schema.json

  # Then make this the first line of a YAML experiment (YAML language server)
  # yaml-language-server: $schema=./experiment.schema.json

  # or add this key to a JSON experiment
  #   "$schema": "./experiment.schema.json",`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := app.Stdout.Write(schema.JSON())
			return err
		},
	}
}
