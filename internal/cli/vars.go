package cli

import (
	"github.com/spf13/cobra"

	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/run"
)

// varFlags are --var and --var-file, shared by run and validate.
type varFlags struct {
	vars     []string
	varFiles []string
}

func (v *varFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar(&v.vars, "var", nil, "override a configuration value: key=value or key:type=value (repeatable)")
	cmd.Flags().StringArrayVar(&v.varFiles, "var-file", nil, "configuration and secrets overrides from a .json, .yaml or .env file (repeatable)")
}

// apply loads var files first, then --var values, which win.
func (v *varFlags) apply(opts *run.Options) error {
	for _, f := range v.varFiles {
		if err := opts.Vars.LoadVarFile(f); err != nil {
			return usageError("--var-file: %v", err)
		}
	}
	for _, s := range v.vars {
		key, val, err := experiment.ParseVar(s)
		if err != nil {
			return usageError("--var: %v", err)
		}
		opts.Vars.Set(key, val)
	}
	return nil
}
