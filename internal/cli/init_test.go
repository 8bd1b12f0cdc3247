package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chaostracing/chaostracing/value"
)

// runCLI runs the command line in dir and returns its exit code, standard
// output and standard error.
// runCLIIn runs the command line in dir.
func runCLIIn(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	t.Chdir(dir)
	return runCLI(t, nil, args...)
}

func TestInitPathAndFormat(t *testing.T) {
	for _, tt := range []struct {
		args       []string
		file, want string // want: the first character of the file
	}{
		{nil, "experiment.yaml", "#"},
		{[]string{"--format", "json"}, "experiment.json", "{"},
		{[]string{"--experiment-path", "x.json"}, "x.json", "{"},
		{[]string{"--experiment-path", "x.yml"}, "x.yml", "#"},
		{[]string{"--experiment-path", "x.json", "--format", "yaml"}, "x.json", "#"},
	} {
		dir := t.TempDir()
		if code, _, stderr := runCLIIn(t, dir, append([]string{"init"}, tt.args...)...); code != 0 {
			t.Fatalf("%v: exit %d\n%s", tt.args, code, stderr)
		}
		data, err := os.ReadFile(filepath.Join(dir, tt.file))
		if err != nil {
			t.Fatalf("%v: %v", tt.args, err)
		}
		if got := string(data[:1]); got != tt.want {
			t.Errorf("%v: %s starts with %q, want %q", tt.args, tt.file, got, tt.want)
		}
	}
}

func TestInitRefusesToOverwrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "experiment.yaml")
	if err := os.WriteFile(path, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLIIn(t, dir, "init")
	if data, _ := os.ReadFile(path); code != ExitFailed || string(data) != "mine" || !strings.Contains(stderr, "--force") {
		t.Fatalf("without --force: exit %d, file %q\n%s", code, data, stderr)
	}
	if code, _, stderr := runCLIIn(t, dir, "init", "--force"); code != ExitOK {
		t.Fatalf("with --force: exit %d\n%s", code, stderr)
	}
	if data, _ := os.ReadFile(path); !strings.HasPrefix(string(data), "# A starter") {
		t.Errorf("--force did not overwrite: %q", data)
	}
}

func TestInitUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"init", "--format", "toml"},
		{"init", "--url", "localhost:8080"},
		{"init", "--url", "ftp://example.com/"},
		{"init", "extra-argument"},
	} {
		dir := t.TempDir()
		if code, _, stderr := runCLIIn(t, dir, args...); code != ExitUsage {
			t.Errorf("%v: exit %d, want %d\n%s", args, code, ExitUsage, stderr)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("%v wrote %d files", args, len(entries))
		}
	}
}

// The JSON form is the YAML form without its comments, and --url adds the
// HTTP probe to the hypothesis in both.
func TestInitJSONIsTheYAMLDocument(t *testing.T) {
	for _, url := range []string{"", "http://127.0.0.1:8080/health"} {
		var docs []any
		for _, format := range []string{"yaml", "json"} {
			code, stdout, stderr := runCLIIn(t, t.TempDir(), "init", "--format", format, "--experiment-path", "-", "--url", url)
			if code != 0 {
				t.Fatalf("%s: exit %d\n%s", format, code, stderr)
			}
			doc, _, err := value.ParseYAML([]byte(stdout)) // YAML parses JSON too
			if err != nil {
				t.Fatalf("%s: %v\n%s", format, err, stdout)
			}
			docs = append(docs, doc)
		}
		if !value.Equal(docs[0], docs[1]) {
			t.Errorf("url %q: the JSON and YAML documents differ", url)
		}
		probes, _ := docs[0].(*value.Object).Object("steady-state-hypothesis").Get("probes")
		first := probes.([]any)[0].(*value.Object).String("name")
		if hasHTTP := first == "service-answers"; hasHTTP != (url != "") {
			t.Errorf("url %q: the first probe is %s", url, first)
		}
	}
}
