package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/chaostracing/chaostracing/settings"
	"github.com/chaostracing/chaostracing/value"
)

const keyHelp = `KEY is a dotted path into the file: runtime.rollbacks.strategy. A dot that
is part of a key is written \. (auths.example\.com:8443.value) and a list
item [i] (notifications[0].url); quote the key for your shell.`

func (app *App) settingsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "settings",
		Short: "Show, read, change or remove values of the settings file",
		Long: `Work on the Chaos Toolkit settings file: --settings FILE, by default
~/.chaostoolkit/settings.yaml. The file must exist. Changes are written back
atomically, with mode 0600, keeping the order of the keys (not comments).

Values that hold secrets (auths.*.value, and keys named like token,
password, secret, authorization or api key) are shown as *** unless
--show-secrets is given.

` + keyHelp,
		Example: `  chaostracing settings show
  chaostracing settings get runtime.rollbacks.strategy
  chaostracing settings set runtime.rollbacks.strategy '"always"'
  chaostracing settings remove 'auths.example\.com'`,
		Args: cobra.NoArgs,
		// Runnable, so that an unknown subcommand is a usage error rather
		// than this help.
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(app.settingsShowCommand(), app.settingsGetCommand(), app.settingsSetCommand(), app.settingsRemoveCommand())
	return cmd
}

// secretFlags is --show-secrets and --format, shared by show and get.
type secretFlags struct {
	showSecrets bool
	format      string
}

func (f *secretFlags) register(cmd *cobra.Command, formats ...string) {
	cmd.Flags().BoolVar(&f.showSecrets, "show-secrets", false, "print secret values in clear instead of ***")
	cmd.Flags().StringVar(&f.format, "format", formats[0], "output format: "+strings.Join(formats, ", "))
}

// check rejects a --format that is not one of formats.
func (f *secretFlags) check(formats ...string) error {
	if !slices.Contains(formats, f.format) {
		return usageError("invalid value %q for --format: choose one of %s", f.format, strings.Join(formats, ", "))
	}
	return nil
}

func (app *App) settingsShowCommand() *cobra.Command {
	var f secretFlags
	cmd := &cobra.Command{
		Use:   "show",
		Short: "Print the whole settings file, secrets masked",
		Long: `Print the whole settings file, as YAML or JSON, with secret values shown
as *** unless --show-secrets is given.`,
		Example: `  chaostracing settings show
  chaostracing --settings ./settings.yaml settings show --format json
  chaostracing settings show --show-secrets`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if err := f.check("yaml", "json"); err != nil {
				return err
			}
			s, err := app.readSettings()
			if err != nil {
				return err
			}
			return writeValue(app.Stdout, f.format, visible(s, f.showSecrets).Doc)
		},
	}
	f.register(cmd, "yaml", "json")
	return cmd
}

func (app *App) settingsGetCommand() *cobra.Command {
	var f secretFlags
	cmd := &cobra.Command{
		Use:   "get KEY",
		Short: "Print one value of the settings file",
		Long: `Print the value at KEY: as YAML (the default), JSON, or as a string (text
as it is, other values as compact JSON). A secret value is shown as ***
unless --show-secrets is given. Exits 1 when the key is not in the file.

` + keyHelp,
		Example: `  chaostracing settings get runtime.rollbacks.strategy
  chaostracing settings get --format json notifications[0]
  chaostracing settings get --show-secrets --format string 'auths.example\.com.value'`,
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if err := f.check("yaml", "json", "string"); err != nil {
				return err
			}
			key, err := parseKey(args[0])
			if err != nil {
				return err
			}
			s, err := app.readSettings()
			if err != nil {
				return err
			}
			v, err := visible(s, f.showSecrets).Get(key)
			if err != nil {
				return failed(err)
			}
			return writeValue(app.Stdout, f.format, v)
		},
	}
	f.register(cmd, "yaml", "json", "string")
	return cmd
}

func (app *App) settingsSetCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "set KEY VALUE",
		Short: "Set one value of the settings file (VALUE is JSON)",
		Long: `Set the value at KEY to VALUE, a JSON value: "text" (with its quotes),
3, true, null, [...] or {...}, and save the file.

Unlike the Python tool's, which only changes keys that exist, set creates a
missing key, and the objects on the way to it; [i] one past the end of a
list appends an item. A runtime strategy the runner does not know is
refused and the file is left as it was.

` + keyHelp,
		Example: `  chaostracing settings set runtime.rollbacks.strategy '"always"'
  chaostracing settings set 'auths.example\.com' '{"type": "bearer", "value": "TOKEN"}'
  chaostracing settings set notifications[0].verify_tls false
  chaostracing settings set limits.min -5`,
		Args: cobra.ExactArgs(2),
		RunE: func(_ *cobra.Command, args []string) error {
			key, err := parseKey(args[0])
			if err != nil {
				return err
			}
			v, err := parseJSONValue(args[1], settings.MayHoldSecret(args[0]))
			if err != nil {
				return err
			}
			return app.changeSettings(func(s *settings.Settings) error { return s.Set(key, v) })
		},
	}
	// Flags end at KEY, so that a negative number is a VALUE, not a flag.
	cmd.Flags().SetInterspersed(false)
	return cmd
}

func (app *App) settingsRemoveCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "remove KEY",
		Short: "Remove one key, or list item, of the settings file",
		Long: `Remove the value at KEY with everything under it, or a list item (the
items after it move up), and save the file. Exits 1 when the key is not in
the file.

` + keyHelp,
		Example: `  chaostracing settings remove runtime.hypothesis
  chaostracing settings remove 'auths.example\.com:8443'
  chaostracing settings remove notifications[1]`,
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			key, err := parseKey(args[0])
			if err != nil {
				return err
			}
			return app.changeSettings(func(s *settings.Settings) error { return s.Remove(key) })
		},
	}
}

// parseJSONValue parses the VALUE of set. Its error tells why the JSON is
// wrong when it looks like JSON, and how to quote text when it does not;
// it repeats VALUE unless secret, since CI logs keep what commands print.
func parseJSONValue(arg string, secret bool) (any, error) {
	v, _, err := value.ParseJSON([]byte(arg))
	if err == nil {
		return v, nil
	}
	shown := fmt.Sprintf("%q", arg)
	quoted := fmt.Sprintf(`'"%s"'`, arg)
	if secret {
		shown, quoted = "(not repeated: the key may hold a secret)", `'"TEXT"'`
	}
	if t := strings.TrimSpace(arg); t != "" && strings.IndexByte(`{["-0123456789`, t[0]) >= 0 {
		return nil, usageError("VALUE %s is not JSON: %v", shown, err)
	}
	return nil, usageError("VALUE %s is not JSON: text needs its quotes, %s", shown, quoted)
}

// readSettings reads the file the settings commands work on, which must
// exist. The values are not checked, so that a file run rejects can be
// shown and fixed.
func (app *App) readSettings() (*settings.Settings, error) {
	s, err := settings.Read(app.settings)
	if err != nil {
		return nil, failed(err)
	}
	if s.Path == "" {
		return nil, failed(fmt.Errorf("no settings file at %s; name one with --settings", settings.DefaultPath()))
	}
	return s, nil
}

// changeSettings applies change to the settings file and saves it.
func (app *App) changeSettings(change func(*settings.Settings) error) error {
	s, err := app.readSettings()
	if err != nil {
		return err
	}
	if err := change(s); err != nil {
		return failed(err)
	}
	return failed(s.Save())
}

// visible is s with its secrets masked, unless show is set.
func visible(s *settings.Settings, show bool) *settings.Settings {
	if show {
		return s
	}
	return &settings.Settings{Path: s.Path, Doc: s.Redacted(), Positions: s.Positions}
}

func parseKey(s string) (settings.Key, error) {
	key, err := settings.ParseKey(s)
	if err != nil {
		return nil, usageError("%v", err)
	}
	return key, nil
}

// writeValue prints v as YAML, JSON (indented as the Python tool does) or
// a string (text as it is, anything else as compact JSON).
func writeValue(w io.Writer, format string, v any) error {
	switch format {
	case "json":
		return value.Encode(w, v, "  ")
	case "string":
		if s, ok := v.(string); ok {
			_, err := fmt.Fprintln(w, s)
			return err
		}
		return value.Encode(w, v, "")
	}
	return value.EncodeYAML(w, v)
}

// failed makes err end the command with exit code 1, nil staying nil.
func failed(err error) error {
	if err == nil {
		return nil
	}
	return &exitError{Code: ExitFailed, Err: err}
}
