package cli

import (
	"bytes"
	"strings"
	"testing"
	"unicode"

	"github.com/spf13/cobra"
)

// Every command a user can see in --help shows examples of itself. The
// tree is walked as cobra completes it when it runs, so commands added
// later are checked too.
func TestEveryCommandHasAnExample(t *testing.T) {
	app := &App{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}}
	root := app.rootCommand()
	root.SetArgs([]string{"--help"})
	root.SetOut(&bytes.Buffer{})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	checked := 0
	walkCommands(root, func(c *cobra.Command) {
		if c.Hidden {
			return
		}
		checked++
		if strings.TrimSpace(c.Example) == "" {
			t.Errorf("%q has no Example", c.CommandPath())
			return
		}
		for _, line := range strings.Split(c.Example, "\n") {
			trimmed := strings.TrimSpace(line)
			if trimmed != "" && !strings.HasPrefix(trimmed, "#") && !usesCommand(trimmed, c.CommandPath()) {
				t.Errorf("%q: example line %q does not use the command", c.CommandPath(), line)
			}
		}
	})
	// root, run, validate, report, export, version, init, help, completion
	// and its four shells at least.
	if checked < 13 {
		t.Errorf("only %d commands found", checked)
	}
}

// usesCommand reports whether an example line runs the command: the words
// of its path appear in order, global flags allowed between them.
func usesCommand(line, path string) bool {
	words := strings.FieldsFunc(line, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune("()<>|;&`", r) })
	for _, want := range strings.Fields(path) {
		for len(words) > 0 && words[0] != want {
			words = words[1:]
		}
		if len(words) == 0 {
			return false
		}
		words = words[1:]
	}
	return true
}

// The examples appear in each command's --help.
func TestHelpShowsExamples(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"init", "--help"}, {"completion", "bash", "--help"}, {"help", "--help"}} {
		var stdout bytes.Buffer
		code := Main(&App{Stdout: &stdout, Stderr: &bytes.Buffer{}}, append([]string{"--no-log-file"}, args...))
		if code != 0 || !strings.Contains(stdout.String(), "\nExamples:\n  ") {
			t.Errorf("%v: exit %d, no examples:\n%s", args, code, stdout.String())
		}
	}
}
