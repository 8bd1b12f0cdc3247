package functional

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chaostracing/chaostracing/value"
)

// strategyExperiment is a run whose hypothesis checks and rollback show
// which strategies applied; runtime is the experiment's runtime block,
// "" for none.
func strategyExperiment(t *testing.T, runtime string) string {
	t.Helper()
	exp := `{"title": "strategies", "description": "which strategy applies",
  "steady-state-hypothesis": {"title": "h", "probes": [
    {"type": "probe", "name": "p", "tolerance": 0, "provider": {"type": "process", "path": "true"}}]},
  "method": [{"type": "action", "name": "a", "provider": {"type": "process", "path": "true"}}],
  "rollbacks": [{"type": "action", "name": "r", "provider": {"type": "process", "path": "true"}}]`
	if runtime != "" {
		exp += `, "runtime": ` + runtime
	}
	path := filepath.Join(t.TempDir(), "experiment.json")
	if err := os.WriteFile(path, []byte(exp+"}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// settingsFile writes a settings file and returns its path.
func settingsFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "settings.yaml")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// Each strategy is picked on its own: the flag, else the experiment's
// runtime, else the settings file's, else default. Where the Python tool
// resets a strategy that an experiment's runtime block omits to default,
// the settings' strategy applies here.
func TestRuntimeStrategyPrecedence(t *testing.T) {
	both := "runtime:\n  rollbacks: {strategy: never}\n  hypothesis: {strategy: before-method-only}\n"
	tests := []struct {
		name, settings, runtime string
		flags                   []string
		hypothesis, rollbacks   string // the strategies the log names
		after, rolledBack       bool   // what the journal shows
	}{
		{name: "nothing set", hypothesis: "default", rollbacks: "default", after: true, rolledBack: true},
		{name: "settings", settings: both, hypothesis: "before-method-only", rollbacks: "never"},
		{name: "experiment over settings", settings: both,
			runtime:    `{"rollbacks": {"strategy": "always"}, "hypothesis": {"strategy": "default"}}`,
			hypothesis: "default", rollbacks: "always", after: true, rolledBack: true},
		{name: "settings fill what the experiment omits", settings: both, runtime: `{"rollbacks": {"strategy": "always"}}`,
			hypothesis: "before-method-only", rollbacks: "always", rolledBack: true},
		{name: "flags over experiment and settings", settings: both,
			runtime:    `{"rollbacks": {"strategy": "always"}, "hypothesis": {"strategy": "default"}}`,
			flags:      []string{"--rollback-strategy", "never", "--hypothesis-strategy", "before-method-only"},
			hypothesis: "before-method-only", rollbacks: "never"},
		{name: "one flag, the rest from settings", settings: both, flags: []string{"--rollback-strategy", "always"},
			hypothesis: "before-method-only", rollbacks: "always", rolledBack: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			args := []string{"--settings", settingsFile(t, tt.settings), "run", "--no-trace"}
			args = append(append(args, tt.flags...), strategyExperiment(t, tt.runtime))
			res := chaostracing(t, invocation{args: args})
			if res.code != 0 || res.journal == nil {
				t.Fatalf("exit %d\n%s", res.code, res.stderr)
			}
			for _, line := range []string{"Steady-state strategy: " + tt.hypothesis + "\n", "Rollbacks strategy: " + tt.rollbacks + "\n"} {
				if !strings.Contains(res.stderr, line) {
					t.Errorf("log lacks %q:\n%s", line, res.stderr)
				}
			}
			ss := res.journal.SteadyStates
			if ss.Before == nil || (ss.After != nil) != tt.after || (len(res.journal.Rollbacks) == 1) != tt.rolledBack {
				t.Errorf("before %v, after %v (want %v), %d rollback(s) (want %v)", ss.Before != nil, ss.After != nil, tt.after, len(res.journal.Rollbacks), tt.rolledBack)
			}
		})
	}
}

// A strategy the runner does not know, in the settings file, stops run
// and validate with its location; nothing runs.
func TestInvalidSettingsStrategyIsLocated(t *testing.T) {
	path := settingsFile(t, "# team settings\nruntime:\n  hypothesis:\n    strategy: sometimes\n")
	want := path + ":4:15: $.runtime.hypothesis.strategy must be one of default, before-method-only, after-method-only, during-method-only, continuously"
	for _, cmd := range []string{"run", "validate"} {
		res := chaostracing(t, invocation{args: []string{"--settings", path, cmd, strategyExperiment(t, "")}})
		if res.code != 1 || !strings.Contains(res.stderr, want) || res.journal != nil {
			t.Errorf("%s: exit %d, journal %v\n%s\nwant: %s", cmd, res.code, res.journal != nil, res.stderr, want)
		}
		if strings.Contains(res.stderr, "goroutine ") || strings.Contains(res.stderr, "Running experiment") {
			t.Errorf("%s: ran or crashed:\n%s", cmd, res.stderr)
		}
	}
}

// The settings commands change the file that run then reads.
func TestSettingsCommandsEndToEnd(t *testing.T) {
	path := settingsFile(t, "auths:\n  example.com:\n    type: bearer\n    value: s3cr3t\n")
	exp := strategyExperiment(t, "")
	steps := []struct {
		args   []string
		code   int
		stdout string // contained
	}{
		{args: []string{"settings", "set", "runtime.rollbacks.strategy", `"never"`}},
		{args: []string{"settings", "get", "runtime"}, stdout: "rollbacks:\n  strategy: never\n"},
		{args: []string{"settings", "show"}, stdout: "auths:\n  example.com:\n    type: bearer\n    value: '***'\nruntime:\n"},
		{args: []string{"run", "--no-trace", exp}, stdout: ""},
		{args: []string{"settings", "remove", "runtime"}},
		{args: []string{"settings", "get", "runtime"}, code: 1},
		{args: []string{"settings", "get", "--show-secrets", "--format", "string", `auths.example\.com.value`}, stdout: "s3cr3t\n"},
	}
	var ranWith string
	for _, st := range steps {
		res := chaostracing(t, invocation{args: append([]string{"--settings", path}, st.args...)})
		if res.code != st.code || !strings.Contains(res.stdout, st.stdout) {
			t.Fatalf("%v: exit %d (want %d), stdout %q (want %q)\n%s", st.args, res.code, st.code, res.stdout, st.stdout, res.stderr)
		}
		if st.args[0] == "run" {
			ranWith = res.stderr
		}
	}
	if !strings.Contains(ranWith, "Rollbacks strategy: never") {
		t.Errorf("run did not read the strategy set:\n%s", ranWith)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("settings file mode %v, %v", fi.Mode(), err)
	}
}

// discover and info in a program that embeds chaostracing with its own Go
// functions: the discovery lists them as Chaos Toolkit's does.
func TestDiscoverInEmbeddingBinary(t *testing.T) {
	bin := buildProgram(t, t.TempDir(), block{lang: "go", arg: "embedded", line: 1, body: `package main

import (
	"context"
	"os"

	"github.com/chaostracing/chaostracing"
	"github.com/chaostracing/chaostracing/provider"
)

func main() {
	noop := func(context.Context, provider.Args) (any, error) { return nil, nil }
	funcs := provider.NewFuncs()
	funcs.Register("shop.cart", "size", noop, provider.FuncInfo{Type: "probe", Doc: "Items in the cart.", Arguments: []string{"user:string"}})
	funcs.Register("shop.cart", "empty", noop, provider.FuncInfo{Type: "action", Arguments: []string{"user", "force?:boolean"}})
	os.Exit(chaostracing.Main(os.Args[1:], chaostracing.WithFuncs(funcs)))
}
`})
	dir := t.TempDir()
	code, stderr := runProgram(t, bin, []string{"--no-log-file", "discover", "--discovery-path", filepath.Join(dir, "discovery.json")}, nil)
	if code != 0 {
		t.Fatalf("discover: exit %d\n%s", code, stderr)
	}
	data, err := os.ReadFile(filepath.Join(dir, "discovery.json"))
	if err != nil {
		t.Fatal(err)
	}
	doc, _, err := value.ParseJSON(data)
	if err != nil {
		t.Fatalf("discovery.json: %v\n%s", err, data)
	}
	got, _ := doc.(*value.Object).Get("activities")
	want, _, _ := value.ParseJSON([]byte(`[
  {"type": "action", "name": "empty", "mod": "shop.cart", "doc": null,
   "arguments": [{"name": "user"}, {"name": "force", "default": null, "type": "boolean"}]},
  {"type": "probe", "name": "size", "mod": "shop.cart", "doc": "Items in the cart.",
   "arguments": [{"name": "user", "type": "string"}]}]`))
	if !value.Equal(got, want) {
		t.Errorf("activities:\n%s", data)
	}
	if ext := doc.(*value.Object).Object("extension"); ext.String("name") != "embedded" {
		t.Errorf("extension %v", ext)
	}
	info, err := exec.Command(bin, "--no-log-file", "info", "extensions").Output()
	if err != nil || !strings.Contains(string(info), "  functions  2\n") {
		t.Errorf("info: %v\n%s", err, info)
	}
	code, stderr = runProgram(t, bin, []string{"--no-log-file", "discover", "--discovery-path", filepath.Join(dir, "x.json"), "shop.nope"}, nil)
	if code != 1 || !strings.Contains(stderr, `no Go-native function is registered in module "shop.nope" (modules: shop.cart)`) {
		t.Errorf("unknown module: exit %d\n%s", code, stderr)
	}
}
