package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X ...cli.version=v1.2.3".
var version = ""

// Version returns the program's version: the one set at build time, else
// the module version from the build info, else "devel".
func Version() string {
	if version != "" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "devel"
}

func commit() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" {
			return s.Value
		}
	}
	return "unknown"
}

// build is what version prints and info reports.
type build struct {
	Version, Commit, Go string
}

func currentBuild() build {
	return build{Version: Version(), Commit: commit(), Go: runtime.Version()}
}

func (app *App) versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the version, commit and Go version",
		Example: `  chaostracing version`,
		Args:    cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			b := currentBuild()
			_, err := fmt.Fprintf(app.Stdout, "chaostracing %s (commit %s, %s)\n", b.Version, b.Commit, b.Go)
			return err
		},
	}
}
