package cli

import (
	"errors"
	"io/fs"

	"github.com/spf13/cobra"

	"github.com/chaostracing/chaostracing/control"
	"github.com/chaostracing/chaostracing/experiment"
)

// controlFlags is --control-file, shared by run and validate.
type controlFlags struct {
	files []string
}

func (c *controlFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar(&c.files, "control-file", nil, "global controls from a JSON or YAML file (repeatable)")
}

// load reads the global controls of the settings file and control files.
// A control file that does not exist is a usage error, as in Chaos
// Toolkit; a malformed one fails the command.
func (c *controlFlags) load(settingsPath string) ([]*experiment.Control, error) {
	globals, err := control.LoadGlobal(settingsPath, c.files)
	switch {
	case err == nil:
		return globals, nil
	case errors.Is(err, fs.ErrNotExist):
		return nil, usageError("%v", err)
	}
	return nil, &exitError{Code: ExitFailed, Err: err}
}

// settingsPath is --settings, or Chaos Toolkit's default file when it
// exists.
func (app *App) settingsPath() string {
	if app.settings != "" {
		return app.settings
	}
	return control.DefaultSettingsPath()
}
