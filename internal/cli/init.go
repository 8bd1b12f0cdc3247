package cli

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"text/template"

	"github.com/spf13/cobra"

	"github.com/chaostracing/chaostracing/value"
)

// starterTemplate is the commented YAML experiment `init` writes; the JSON
// form is the same document without its comments.
//
//go:embed starter/experiment.yaml.tmpl
var starterTemplate string

var starter = template.Must(template.New("experiment").Parse(starterTemplate))

type initFlags struct {
	path   string
	format string
	url    string
	force  bool
}

func (app *App) initCommand() *cobra.Command {
	var f initFlags
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Write a commented starter experiment",
		Long: `Write a starter experiment that runs as is, offline, and passes: a
configuration read from the environment, a steady-state hypothesis of
process probes (and of an HTTP probe with --url), a method with an action
and a pause, a rollback, and the tracing control. The YAML form explains
each part in comments.

Unlike the Python tool's interactive init, nothing is asked and no
extension is discovered: edit the file afterwards.

Exit codes: 0 when the file is written; 1 when it exists (without --force)
or cannot be written; 2 for a wrong command line.`,
		Example: `  chaostracing init && chaostracing run experiment.yaml
  chaostracing init --url http://localhost:8080/health --experiment-path checkout.yaml
  chaostracing init --format json --force
  chaostracing init --experiment-path -   # to standard output`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return app.writeStarter(&f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.path, "experiment-path", "", `where the experiment is written, "-" for standard output (default ./experiment.yaml, or ./experiment.json with --format json)`)
	fl.StringVar(&f.format, "format", "", "yaml (with comments) or json (default: from the path's extension, else yaml)")
	fl.StringVar(&f.url, "url", "", "check this HTTP endpoint in the steady-state hypothesis (e.g. http://localhost:8080/health)")
	fl.BoolVar(&f.force, "force", false, "overwrite an existing file")
	return cmd
}

// resolve fills in the path and format each from the other.
func (f *initFlags) resolve() error {
	if f.format == "" {
		f.format = "yaml"
		if strings.EqualFold(filepath.Ext(f.path), ".json") {
			f.format = "json"
		}
	}
	if f.format != "yaml" && f.format != "json" {
		return usageError("invalid value %q for --format: choose one of yaml, json", f.format)
	}
	if f.path == "" {
		f.path = "./experiment." + f.format
	}
	if f.url != "" {
		if u, err := url.Parse(f.url); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return usageError("invalid value %q for --url: an http:// or https:// URL is needed", f.url)
		}
	}
	return nil
}

func (app *App) writeStarter(f *initFlags) error {
	if err := f.resolve(); err != nil {
		return err
	}
	doc, err := renderStarter(f)
	if err != nil {
		return err
	}
	if f.path == "-" {
		_, err := app.Stdout.Write(doc)
		return err
	}
	if err := writeNew(f.path, doc, f.force); err != nil {
		return &exitError{Code: ExitFailed, Err: err}
	}
	app.log.Info(fmt.Sprintf("Experiment written to %s; check it with `chaostracing validate %s`, run it with `chaostracing run %s`", f.path, f.path, f.path))
	return nil
}

// renderStarter returns the starter experiment in f's format.
func renderStarter(f *initFlags) ([]byte, error) {
	var buf bytes.Buffer
	shown := f.path
	if shown == "-" {
		shown = "experiment.yaml"
	}
	if err := starter.Execute(&buf, struct{ Path, URL string }{shown, f.url}); err != nil {
		return nil, err
	}
	if f.format == "yaml" {
		return buf.Bytes(), nil
	}
	doc, _, err := value.ParseYAML(buf.Bytes())
	if err != nil {
		return nil, fmt.Errorf("the starter template is not valid YAML: %w", err)
	}
	var out bytes.Buffer
	err = value.Encode(&out, doc, "  ")
	return out.Bytes(), err
}

// writeNew writes data to path, refusing to replace a file unless force.
func writeNew(path string, data []byte, force bool) error {
	flags := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if !force {
		flags |= os.O_EXCL
	}
	file, err := os.OpenFile(path, flags, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s already exists: use --force to overwrite it, or --experiment-path to write elsewhere", path)
	}
	if err != nil {
		return err
	}
	_, err = file.Write(data)
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	return err
}
