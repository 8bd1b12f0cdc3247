package functional

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const napExperiment = `{"title": "nap", "description": "a short action and a pause",
  "method": [{"type": "action", "name": "nap", "provider": {"type": "process", "path": "sleep", "arguments": "0.6"},
    "pauses": {"after": 1}}]}`

// On a terminal the run shows a live status line (the activity, the
// elapsed time, the pause counting down), cleared before each log line;
// `script` gives the binary a pseudo-terminal, as a person's shell would.
func TestLiveProgressOnATerminal(t *testing.T) {
	if _, err := exec.LookPath("script"); err != nil {
		t.Fatal("script (util-linux) is needed to give the run a terminal")
	}
	dir := t.TempDir()
	exp := filepath.Join(dir, "nap.json")
	if err := os.WriteFile(exp, []byte(napExperiment), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("script", "-qec", binary+" run --no-log-file --no-trace "+exp, "/dev/null")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TERM=xterm")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	text := string(out)
	for _, want := range []string{"\x1b[2K", "method › nap", "pause 1s left", "Experiment ended with status: completed"} {
		if !strings.Contains(text, want) {
			t.Errorf("terminal output lacks %q:\n%q", want, text)
		}
	}
}

func TestNoProgressLineWithoutATerminal(t *testing.T) {
	res := chaostracing(t, invocation{args: []string{"run", "--no-log-file", "--no-trace", "-"}, stdin: []byte(napExperiment)})
	if res.code != 0 || strings.Contains(res.stderr, "\x1b[") || strings.Contains(res.stderr, "pause 1s left") {
		t.Errorf("exit %d; escape codes or status line in a pipe:\n%q", res.code, res.stderr)
	}
}
