package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/chaostracing/chaostracing/provider"
	"github.com/chaostracing/chaostracing/value"
)

func (app *App) discoverCommand() *cobra.Command {
	var path string
	cmd := &cobra.Command{
		Use:   "discover [MODULE]...",
		Short: "Describe the Go-native functions this binary embeds, as a Chaos Toolkit discovery",
		Long: `Write the Go-native actions and probes this binary embeds (those of the
given modules, or all) as a Chaos Toolkit discovery document: each entry
of "activities" has the type (probe or action; a function registered for
either is listed as both), the name and module ("mod") an experiment's
python provider names, its documentation and its arguments ({name,
"default": null when optional, type when declared}).

The Python tool's chaos discover installs and inspects a Python package;
this lists what the binary was built with, so nothing is installed. A
module with no function is an error (exit 1).`,
		Example: `  chaostracing discover
  chaostracing discover --discovery-path - myteam.files
  chaostracing discover --discovery-path ./discovery/ours.json`,
		RunE: func(_ *cobra.Command, modules []string) error {
			activities, err := discoveryActivities(app.Funcs.List(), modules)
			if err != nil {
				return failed(err)
			}
			if len(activities) == 0 {
				app.log.Warn("This binary embeds no Go-native functions: the discovery lists no activities")
			}
			return app.writeDiscovery(path, discovery(activities))
		},
	}
	cmd.Flags().StringVar(&path, "discovery-path", "./discovery.json", `where the discovery is written, "-" for standard output`)
	return cmd
}

// discovery is the whole document, shaped as the Python tool's
// discovery.json: what made it, and the activities.
func discovery(activities []any) *value.Object {
	b := currentBuild()
	return value.NewObject(
		"chaostracing_version", b.Version,
		"date", time.Now().UTC().Format("2006-01-02T15:04:05.000000")+"Z",
		"platform", value.NewObject("system", runtime.GOOS, "machine", runtime.GOARCH, "go", b.Go),
		"extension", value.NewObject("name", filepath.Base(os.Args[0]), "version", b.Version),
		"activities", activities,
	)
}

// discoveryActivities returns the entries of the functions of modules (all
// when none is given). A module with no function is an error.
func discoveryActivities(funcs []provider.FuncInfo, modules []string) ([]any, error) {
	known := map[string]bool{}
	activities := []any{}
	for _, info := range funcs {
		known[info.Module] = true
		if len(modules) > 0 && !slices.Contains(modules, info.Module) {
			continue
		}
		types := []string{info.Type}
		if info.Type == "" {
			types = []string{"probe", "action"}
		}
		for _, typ := range types {
			activities = append(activities, activity(typ, info))
		}
	}
	for _, m := range modules {
		if !known[m] {
			return nil, fmt.Errorf("no Go-native function is registered in module %q (modules: %s)", m, strings.Join(sortedKeys(known), ", "))
		}
	}
	return activities, nil
}

func sortedKeys(set map[string]bool) []string {
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// activity is one entry of "activities", as chaoslib's discovery writes
// it for a python function.
func activity(typ string, info provider.FuncInfo) *value.Object {
	var doc any
	if info.Doc != "" {
		doc = info.Doc
	}
	args := []any{}
	for _, p := range info.Params() {
		arg := value.NewObject("name", p.Name)
		if p.Optional {
			arg.Set("default", nil)
		}
		if p.Type != "" {
			arg.Set("type", p.Type)
		}
		args = append(args, arg)
	}
	return value.NewObject("type", typ, "name", info.Func, "mod", info.Module, "doc", doc, "arguments", args)
}

// writeDiscovery writes the document as the Python tool does (JSON,
// 2-space indent) to path, or to standard output for "-".
func (app *App) writeDiscovery(path string, doc *value.Object) error {
	if path == "-" {
		return value.Encode(app.Stdout, doc, "  ")
	}
	f, err := os.Create(path)
	if err == nil {
		err = value.Encode(f, doc, "  ")
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return failed(fmt.Errorf("cannot write the discovery: %w", err))
	}
	app.log.Info("Discovery outcome saved in " + path)
	return nil
}
