package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/chaostracing/chaostracing/settings"
	"github.com/chaostracing/chaostracing/value"
)

// infoSections are the parts of info, named as the Python tool's
// `chaos info` targets.
var infoSections = []string{"core", "settings", "extensions"}

func (app *App) infoCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "info [core|settings|extensions]...",
		Short: "Describe this build: version, settings file, controls, providers, Go functions",
		Long: `Print what this chaostracing build is and what it has, by section:

  core        version, commit, Go version and platform
  settings    the settings file's path, whether it exists, and its error
              when run would reject it (its content: chaostracing settings show)
  extensions  the controls built in (run natively for these python modules),
              the provider types, and how many Go-native functions the binary
              embeds (chaostracing discover lists them)

With no section, all of them. The Python tool's chaos info takes one of
these names; its "extensions" lists installed Python packages instead.`,
		Example: `  chaostracing info
  chaostracing info settings
  chaostracing info --json extensions`,
		ValidArgs: infoSections,
		Args:      cobra.OnlyValidArgs,
		RunE: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				args = infoSections
			}
			report := value.NewObject()
			for _, section := range infoSections {
				if slices.Contains(args, section) {
					report.Set(section, app.infoSection(section))
				}
			}
			if asJSON {
				return value.Encode(app.Stdout, report, "  ")
			}
			return writeInfo(app.Stdout, report)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON instead of text")
	return cmd
}

func (app *App) infoSection(section string) *value.Object {
	switch section {
	case "core":
		b := currentBuild()
		return value.NewObject("version", b.Version, "commit", b.Commit, "go", b.Go, "platform", runtime.GOOS+"/"+runtime.GOARCH)
	case "settings":
		return app.settingsInfo()
	}
	return value.NewObject(
		"controls", stringList(app.controlRegistry("").Modules()),
		"providers", stringList(app.newRunner().Providers.Types()),
		"functions", int64(len(app.Funcs.List())),
	)
}

// settingsInfo tells where the settings file is, whether it exists and,
// when run would reject it, why.
func (app *App) settingsInfo() *value.Object {
	path := app.settings
	if path == "" {
		path = settings.DefaultPath()
	}
	_, err := os.Stat(path)
	info := value.NewObject("path", path, "exists", !errors.Is(err, fs.ErrNotExist))
	if err == nil {
		_, err = settings.Load(path)
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		info.Set("error", err.Error())
	}
	return info
}

func stringList(list []string) []any {
	out := make([]any, len(list))
	for i, s := range list {
		out[i] = s
	}
	return out
}

// writeInfo prints the report as text: each section's name, then its
// values, one a line.
func writeInfo(w io.Writer, report *value.Object) error {
	var b strings.Builder
	for _, section := range report.Keys() {
		b.WriteString(section + "\n")
		values := report.Object(section)
		for _, k := range values.Keys() {
			v, _ := values.Get(k)
			fmt.Fprintf(&b, "  %-10s %s\n", k, infoText(v))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// infoText formats one value of the report: yes or no, a comma-separated
// list, a number or the text.
func infoText(v any) string {
	switch t := v.(type) {
	case bool:
		if t {
			return "yes"
		}
		return "no"
	case []any:
		parts := make([]string, len(t))
		for i, x := range t {
			parts[i] = fmt.Sprint(x)
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(v)
}
