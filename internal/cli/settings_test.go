package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chaostracing/chaostracing/provider"
)

// runCLI runs the command line with args, no log file, and returns the
// exit code and the two streams.
func runCLI(t *testing.T, funcs *provider.Funcs, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	app := &App{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Funcs: funcs}
	code = Main(app, append([]string{"--no-log-file"}, args...))
	return code, out.String(), errOut.String()
}

const settingsFile = `runtime:
  rollbacks:
    strategy: always
auths:
  example.com:8443:
    type: bearer
    value: s3cr3t
notifications:
  - type: http
    url: http://localhost:9/hook
`

func writeSettings(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "settings.yaml")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSettingsReadCommands(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string // exact
		stderr string // contained
	}{
		{name: "show masks secrets", args: []string{"show"}, stdout: strings.NewReplacer("s3cr3t", "'***'", "localhost:9/hook", "localhost:9/***").Replace(settingsFile)},
		{name: "show secrets", args: []string{"show", "--show-secrets"}, stdout: settingsFile},
		{name: "show json", args: []string{"show", "--format", "json"},
			stdout: "{\n  \"runtime\": {\n    \"rollbacks\": {\n      \"strategy\": \"always\"\n    }\n  },\n  \"auths\": {\n    \"example.com:8443\": {\n      \"type\": \"bearer\",\n      \"value\": \"***\"\n    }\n  },\n  \"notifications\": [\n    {\n      \"type\": \"http\",\n      \"url\": \"http://localhost:9/***\"\n    }\n  ]\n}\n"},
		{name: "get yaml", args: []string{"get", "runtime.rollbacks"}, stdout: "strategy: always\n"},
		{name: "get json", args: []string{"get", "--format", "json", "notifications[0].type"}, stdout: "\"http\"\n"},
		{name: "get masks a webhook path", args: []string{"get", "--format", "string", "notifications[0].url"}, stdout: "http://localhost:9/***\n"},
		{name: "get string", args: []string{"get", "--format", "string", "runtime.rollbacks.strategy"}, stdout: "always\n"},
		{name: "get string of an object", args: []string{"get", "--format", "string", "runtime"}, stdout: "{\"rollbacks\":{\"strategy\":\"always\"}}\n"},
		{name: "get masks a secret", args: []string{"get", "--format", "string", `auths.example\.com:8443.value`}, stdout: "***\n"},
		{name: "get masks a parent's secret", args: []string{"get", `auths.example\.com:8443`}, stdout: "type: bearer\nvalue: '***'\n"},
		{name: "get secret", args: []string{"get", "--show-secrets", "--format", "string", `auths.example\.com:8443.value`}, stdout: "s3cr3t\n"},
		{name: "get missing key", args: []string{"get", "runtime.hypothesis"}, code: 1,
			stderr: "settings.yaml:2:3: runtime has no key hypothesis (its keys: rollbacks)"},
		{name: "get bad key", args: []string{"get", "notifications[x]"}, code: 2, stderr: `invalid key "notifications[x]": [x] at column 14 is not a list index`},
		{name: "bad format", args: []string{"show", "--format", "toml"}, code: 2, stderr: `invalid value "toml" for --format: choose one of yaml, json`},
		{name: "get needs a key", args: []string{"get"}, code: 2, stderr: "accepts 1 arg(s)"},
		{name: "unknown subcommand", args: []string{"list"}, code: 2, stderr: `unknown command "list" for "chaostracing settings"`},
	}
	path := writeSettings(t, settingsFile)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, nil, append([]string{"--settings", path, "settings"}, tt.args...)...)
			if code != tt.code || tt.code == 0 && stdout != tt.stdout || !strings.Contains(stderr, tt.stderr) {
				t.Errorf("exit %d (want %d)\nstdout:\n%s\nwant:\n%s\nstderr: %s\nwant: %s", code, tt.code, stdout, tt.stdout, stderr, tt.stderr)
			}
		})
	}
}

func TestSettingsChangeCommands(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
		// file is what the settings file must contain afterwards
		// (unchanged when the command fails).
		file, stderr string
	}{
		{name: "set a value", args: []string{"set", "runtime.rollbacks.strategy", `"never"`}, file: "strategy: never\n"},
		{name: "set creates", args: []string{"set", "runtime.hypothesis", `{"strategy": "continuously"}`},
			file: "    strategy: always\n  hypothesis:\n    strategy: continuously\nauths:"},
		{name: "set a new host", args: []string{"set", `auths.other\.example\.com`, `{"type": "bearer", "value": "t"}`},
			file: "  other.example.com:\n    type: bearer\n    value: t\n"},
		{name: "set appends", args: []string{"set", "notifications[1].url", `"http://x"`}, file: "  - url: http://x\n"},
		{name: "set a bad strategy", args: []string{"set", "runtime.rollbacks.strategy", `"sometimes"`}, code: 1, file: settingsFile,
			stderr: "cannot set runtime.rollbacks.strategy: $.runtime.rollbacks.strategy must be one of default, always, never, deviated, not sometimes"},
		{name: "set a word", args: []string{"set", "runtime.rollbacks.strategy", "never"}, code: 2, file: settingsFile,
			stderr: `VALUE "never" is not JSON: text needs its quotes, '"never"'`},
		{name: "set does not repeat a secret", args: []string{"set", `auths.example\.com:8443.value`, "t0ken-typed-bare"}, code: 2, file: settingsFile,
			stderr: `VALUE (not repeated: the key may hold a secret) is not JSON: text needs its quotes, '"TEXT"'`},
		{name: "set blanks", args: []string{"set", "runtime.rollbacks.strategy", "  "}, code: 2, file: settingsFile,
			stderr: `VALUE "  " is not JSON: text needs its quotes`},
		{name: "set a negative number", args: []string{"set", "limits.min", "-5"}, file: settingsFile + "limits:\n  min: -5\n"},
		{name: "set broken JSON", args: []string{"set", "runtime", `{"a": }`}, code: 2, file: settingsFile,
			stderr: `VALUE "{\"a\": }" is not JSON: 1:7: `},
		{name: "set past the end", args: []string{"set", "notifications[3]", "1"}, code: 1, file: settingsFile,
			stderr: "notifications has 1 item(s), no [3] (use [1] to append one)"},
		{name: "remove a key", args: []string{"remove", `auths.example\.com:8443`}, file: "auths: {}\n"},
		{name: "remove an item", args: []string{"remove", "notifications[0]"}, file: "notifications: []\n"},
		{name: "remove a missing key", args: []string{"remove", "controls"}, code: 1, file: settingsFile, stderr: "no key controls"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeSettings(t, settingsFile)
			code, _, stderr := runCLI(t, nil, append([]string{"--settings", path, "settings"}, tt.args...)...)
			if code != tt.code || !strings.Contains(stderr, tt.stderr) {
				t.Fatalf("exit %d (want %d), stderr %q (want %q)", code, tt.code, stderr, tt.stderr)
			}
			data, err := os.ReadFile(path)
			if err != nil || !strings.Contains(string(data), tt.file) {
				t.Errorf("file:\n%s\nlacks:\n%s", data, tt.file)
			}
			fi, err := os.Stat(path)
			if wantMode := map[bool]os.FileMode{true: 0o600, false: 0o644}[tt.code == 0]; err != nil || fi.Mode().Perm() != wantMode {
				t.Errorf("mode %v, want %v", fi.Mode().Perm(), wantMode)
			}
		})
	}
}

// The settings commands work on a file that run rejects, so that it can
// be fixed; a missing file is an error.
func TestSettingsFileErrors(t *testing.T) {
	broken := writeSettings(t, "runtime:\n  rollbacks:\n    strategy: sometimes\n")
	if code, stdout, stderr := runCLI(t, nil, "--settings", broken, "settings", "get", "runtime.rollbacks.strategy"); code != 0 || stdout != "sometimes\n" {
		t.Errorf("get on a file run rejects: exit %d, %q %s", code, stdout, stderr)
	}
	if code, _, stderr := runCLI(t, nil, "--settings", broken, "settings", "set", "runtime.rollbacks.strategy", `"never"`); code != 0 {
		t.Errorf("fixing the file: exit %d %s", code, stderr)
	}
	missing := filepath.Join(t.TempDir(), "nope.yaml")
	code, _, stderr := runCLI(t, nil, "--settings", missing, "settings", "show")
	if code != 1 || !strings.Contains(stderr, "cannot read settings file") {
		t.Errorf("missing named file: exit %d %s", code, stderr)
	}
	t.Setenv("HOME", t.TempDir())
	code, _, stderr = runCLI(t, nil, "settings", "set", "a", "1")
	if code != 1 || !strings.Contains(stderr, "no settings file at "+filepath.Join(os.Getenv("HOME"), ".chaostoolkit", "settings.yaml")) {
		t.Errorf("missing default file: exit %d %s", code, stderr)
	}
	bad := writeSettings(t, "runtime: [oops\n")
	code, _, stderr = runCLI(t, nil, "--settings", bad, "settings", "show")
	if code != 1 || !strings.Contains(stderr, "invalid settings file: "+bad+":") {
		t.Errorf("malformed file: exit %d %s", code, stderr)
	}
}
