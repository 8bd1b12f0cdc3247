package cli

import (
	"errors"
	"io/fs"

	"github.com/spf13/cobra"

	"github.com/chaostracing/chaostracing/control"
	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/settings"
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
func (c *controlFlags) load(s *settings.Settings) ([]*experiment.Control, error) {
	globals, err := control.LoadGlobal(s, c.files)
	switch {
	case err == nil:
		return globals, nil
	case errors.Is(err, fs.ErrNotExist):
		return nil, usageError("%v", err)
	}
	return nil, &exitError{Code: ExitFailed, Err: err}
}

// loadSettings reads --settings, or Chaos Toolkit's default file when it
// exists, once per command.
func (app *App) loadSettings() (*settings.Settings, error) {
	if app.loaded != nil {
		return app.loaded, nil
	}
	s, err := settings.Load(app.settings)
	if err != nil {
		return nil, &exitError{Code: ExitFailed, Err: err}
	}
	app.loaded = s
	return s, nil
}
