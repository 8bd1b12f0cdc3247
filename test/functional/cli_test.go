package functional

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chaostracing/chaostracing/journal"
)

func TestQuickstartExampleEndToEnd(t *testing.T) {
	work := t.TempDir()
	res := chaostracing(t, invocation{
		args: []string{"run", abs(t, "../../examples/quickstart.json")},
		env:  []string{"QUICKSTART_DIR=" + work},
	})
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	j := res.journal
	if j == nil || j.Status != journal.Completed || j.Deviated {
		t.Fatalf("journal %+v", j)
	}
	if want := "Disk pressure on " + work + " does not break the file service"; j.Experiment.String("title") != want {
		t.Errorf("title %q", j.Experiment.String("title"))
	}
	if !j.SteadyStates.Before.Met || !j.SteadyStates.After.Met || len(j.Run) != 2 || len(j.Rollbacks) != 1 {
		t.Errorf("before %v after %v run %d rollbacks %d", j.SteadyStates.Before.Met, j.SteadyStates.After.Met, len(j.Run), len(j.Rollbacks))
	}
	if _, err := os.Stat(filepath.Join(work, "ballast")); !os.IsNotExist(err) {
		t.Errorf("rollback did not remove the ballast: %v", err)
	}
	for _, line := range []string{"Running experiment: Disk pressure", "Steady state hypothesis is met!", "Pausing after activity for 0.5s...", "Let's rollback...", "Experiment ended with status: completed"} {
		if !strings.Contains(res.stderr, line) {
			t.Errorf("log lacks %q:\n%s", line, res.stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(res.dir, "chaostoolkit.log")); err != nil {
		t.Errorf("no log file: %v", err)
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	exp := abs(t, "../../examples/quickstart.json")
	for _, args := range [][]string{
		{"run"},
		{"run", "--no-such-flag", exp},
		{"run", "--rollback-strategy", "sometimes", exp},
		{"run", "--hypothesis-strategy", "skip", exp},
		{"run", "--dry", "everything", exp},
		{"run", "--var", "novalue", exp},
		{"run", "--var-file", "/nonexistent/vars.json", exp},
		{"validate"},
		{"frobnicate"},
		{"--log-file-level", "loud", "validate", exp},
		{"--log-format", "xml", "validate", exp},
	} {
		res := chaostracing(t, invocation{args: args})
		if res.code != 2 {
			t.Errorf("%v: exit %d, want 2\n%s", args, res.code, res.stderr)
		}
		if strings.Contains(res.stderr, "goroutine ") || strings.Contains(res.stderr, "panic") {
			t.Errorf("%v: stack trace in output:\n%s", args, res.stderr)
		}
	}
}

func TestValidate(t *testing.T) {
	res := chaostracing(t, invocation{args: []string{"validate", abs(t, "../../examples/quickstart.json")}})
	if res.code != 0 || !strings.Contains(res.stderr, "Experiment looks valid") {
		t.Errorf("valid example: exit %d\n%s", res.code, res.stderr)
	}
	bad := `{"title": "t", "description": "d",
  "method": [
    {"type": "action", "name": "a", "provider": {"type": "process", "path": "/nonexistent/bin"}},
    {"type": "action", "provider": {"type": "http"}}
  ]}`
	res = chaostracing(t, invocation{args: []string{"validate", "-"}, stdin: []byte(bad)})
	if res.code != 1 {
		t.Errorf("invalid: exit %d", res.code)
	}
	for _, want := range []string{"$.method[0].provider.path (line 3", "path '/nonexistent/bin' cannot be found", "$.method[1] (line 4", "requires a name", "requires a url"} {
		if !strings.Contains(res.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, res.stderr)
		}
	}
	if res.journal != nil {
		t.Error("validate wrote a journal")
	}
}

func TestRunWritesJournalWhereAsked(t *testing.T) {
	out := filepath.Join(t.TempDir(), "sub-journal.json")
	res := chaostracing(t, invocation{args: []string{"run", "--journal-path", out, "--no-log-file", abs(t, "../../examples/quickstart.json")},
		env: []string{"QUICKSTART_DIR=" + t.TempDir()}})
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	if _, err := journal.ReadFile(out); err != nil {
		t.Error(err)
	}
	if _, err := os.Stat(filepath.Join(res.dir, "chaostoolkit.log")); !os.IsNotExist(err) {
		t.Error("--no-log-file still wrote a log file")
	}
}

func TestUnwritableJournalIsPrintedInstead(t *testing.T) {
	res := chaostracing(t, invocation{args: []string{"run", "--journal-path", "/nonexistent/dir/journal.json", abs(t, "../../examples/quickstart.json")},
		env: []string{"QUICKSTART_DIR=" + t.TempDir()}})
	if res.code != 1 || !strings.Contains(res.stderr, `"status": "completed"`) || !strings.Contains(res.stderr, "cannot write journal") {
		t.Errorf("exit %d\n%s", res.code, res.stderr)
	}
}

func TestSignalsInterruptTheRun(t *testing.T) {
	doc := `{"title": "long", "description": "d",
  "method": [{"type": "action", "name": "sleep-30", "provider": {"type": "process", "path": "sleep", "arguments": "30"}}],
  "rollbacks": [{"type": "action", "name": "rb", "provider": {"type": "process", "path": "true"}}]}`
	for _, tt := range []struct {
		sig       syscall.Signal
		strategy  string
		rollbacks int
		log       string
	}{
		{syscall.SIGINT, "default", 0, "Received a termination signal (Ctrl-C)..."},
		{syscall.SIGTERM, "default", 0, "SIGTERM signal received"},
		{syscall.SIGTERM, "always", 1, "SIGTERM signal received"},
		{syscall.SIGUSR1, "always", 1, "Received the exit signal: 20"},
		{syscall.SIGUSR2, "always", 0, "Ignoring rollbacks as per signal"},
	} {
		start := time.Now()
		res := chaostracing(t, invocation{
			args: []string{"run", "--rollback-strategy", tt.strategy, "-"}, stdin: []byte(doc),
			signal: tt.sig, signalAfter: 700 * time.Millisecond, timeout: 20 * time.Second,
		})
		if time.Since(start) > 10*time.Second {
			t.Errorf("%v took %v", tt.sig, time.Since(start))
		}
		if res.code != 1 || res.journal == nil || res.journal.Status != journal.Interrupted {
			t.Fatalf("%v: exit %d journal %+v\n%s", tt.sig, res.code, res.journal, res.stderr)
		}
		if len(res.journal.Rollbacks) != tt.rollbacks || !strings.Contains(res.stderr, tt.log) {
			t.Errorf("%v/%s: %d rollbacks\n%s", tt.sig, tt.strategy, len(res.journal.Rollbacks), res.stderr)
		}
	}
}

// Shell completion scripts are generated for bash, zsh and fish, and the
// bash one is valid shell that completes the commands.
func TestShellCompletion(t *testing.T) {
	for shell, want := range map[string]string{"bash": "__start_chaostracing", "zsh": "#compdef chaostracing", "fish": "complete -c chaostracing"} {
		res := chaostracing(t, invocation{args: []string{"completion", shell}})
		if res.code != 0 || !strings.Contains(res.stdout, want) {
			t.Errorf("%s: exit %d, script lacks %q", shell, res.code, want)
		}
	}
	res := chaostracing(t, invocation{args: []string{"__complete", "r"}})
	if !strings.Contains(res.stdout, "run") || !strings.Contains(res.stdout, "report") {
		t.Errorf("completing 'r' gave %q", res.stdout)
	}
}

// TestChaosToolkitGlobalFlags checks the Python tool's global flags:
// --change-dir, --log-file-level, --log-format json and --no-version-check.
func TestChaosToolkitGlobalFlags(t *testing.T) {
	exp := abs(t, "../../examples/quickstart.json")
	elsewhere := t.TempDir()
	res := chaostracing(t, invocation{args: []string{"--no-version-check", "--change-dir", elsewhere, "--log-file-level", "warning", "--log-format", "json",
		"run", "--no-trace", exp}})
	if res.code != 0 {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	if _, err := os.Stat(filepath.Join(elsewhere, "journal.json")); err != nil {
		t.Errorf("--change-dir: the journal is not in %s: %v", elsewhere, err)
	}
	logFile, err := os.ReadFile(filepath.Join(elsewhere, "chaostoolkit.log"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(logFile), " INFO] ") || strings.Contains(string(logFile), " DEBUG] ") {
		t.Errorf("--log-file-level warning wrote lower levels:\n%s", logFile)
	}
	lines := strings.Split(strings.TrimSpace(res.stderr), "\n")
	var first map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil || first["level"] != "INFO" || first["message"] == nil {
		t.Errorf("--log-format json: first console line %q: %v", lines[0], err)
	}
	res = chaostracing(t, invocation{args: []string{"--change-dir", filepath.Join(elsewhere, "missing"), "validate", exp}})
	if res.code != 1 || !strings.Contains(res.stderr, "cannot change directory") {
		t.Errorf("missing --change-dir: exit %d\n%s", res.code, res.stderr)
	}
}
