package functional

import (
	"fmt"
	"time"

	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chaostracing/chaostracing/internal/testenv"
)

// A canary secret, from the environment and written inline, is used in
// the title, in arguments and in outputs, and a failure message: it must
// appear in no artefact of the run (journal, log file, console, trace
// file, HTML report), while the run still uses its real value.
func TestSecretsNeverLeaveTheRun(t *testing.T) {
	const envCanary = "env-canary-7f3a9c21"
	const inlineCanary = "inline-canary-b8e4d052"
	// A secret that is a number, and a Vault credential written in the
	// configuration, as Chaos Toolkit reads it.
	const numberCanary, vaultTokenCanary = "73105829", "hvs.canary-cfg-44d1"
	doc := `{"title": "canary ${pw}", "description": "secrets stay secret",
  "configuration": {"vault_token": "` + vaultTokenCanary + `"},
  "secrets": {"s": {"token": {"type": "env", "key": "CT_CANARY_TOKEN"}, "pw": "` + inlineCanary + `", "pin": ` + numberCanary + `}},
  "steady-state-hypothesis": {"title": "the token is passed", "probes": [
    {"type": "probe", "name": "echo-token", "tolerance": {"type": "regex", "target": "stdout", "pattern": "${token}"},
     "provider": {"type": "process", "path": "echo", "arguments": ["token=${token}"]}}]},
  "method": [
    {"type": "action", "name": "print-pw", "provider": {"type": "process", "path": "sh", "arguments": ["-c", "echo pw=$0 pin=$1 vault=$2", "${pw}", "${pin}", "${vault_token}"]}},
    {"type": "action", "name": "fail-with-token", "provider": {"type": "process", "path": "sh", "arguments": ["-c", "echo \"$0\" >&2; sleep 5", "${token}"], "timeout": 0.2}}
  ]}`
	c := testenv.StartCollector(t)
	res := chaostracing(t, invocation{
		args:  []string{"run", "--log-file", "run.log", "--trace-endpoint", c.OTLPHTTP, "-"},
		stdin: []byte(doc),
		env:   []string{"CT_CANARY_TOKEN=" + envCanary},
	})
	if res.code != 0 || res.journal == nil {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	// The secret reached the probe: its tolerance, checked on the real
	// output, is met.
	if p := res.journal.SteadyStates.Before.Probes[0]; p.ToleranceMet == nil || !*p.ToleranceMet {
		t.Fatalf("tolerance on the secret not met: %+v", p)
	}
	report := chaostracing(t, invocation{args: []string{"report", "-o", filepath.Join(res.dir, "report.html"),
		filepath.Join(res.dir, "journal.json"), filepath.Join(res.dir, "chaostracing-trace.jsonl")}})
	if report.code != 0 {
		t.Fatalf("report: exit %d\n%s", report.code, report.stderr)
	}
	artefacts := map[string]string{"console": res.stderr + res.stdout + report.stderr}
	// The spans the collector received, every attribute and event.
	var received strings.Builder
	for _, sp := range c.WaitForSpans(t, 7, 10*time.Second) {
		fmt.Fprintf(&received, "%s %v %v %v\n", sp.Name, sp.Attributes, sp.Events, sp.Status)
	}
	artefacts["collector"] = received.String()
	readArtefacts(t, res.dir, artefacts, "journal.json", "run.log", "chaostracing-trace.jsonl", "report.html")
	holdNone(t, artefacts, envCanary, inlineCanary, numberCanary, vaultTokenCanary)
	if !strings.Contains(artefacts["journal.json"], "token=***") || !strings.Contains(artefacts["journal.json"], "pw=***") {
		t.Error("the journal's outputs are not masked where the secret was")
	}
}

// readArtefacts adds the content of each named file of dir to artefacts.
func readArtefacts(t *testing.T, dir string, artefacts map[string]string, names ...string) {
	t.Helper()
	for _, name := range names {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		artefacts[name] = string(data)
	}
}

// holdNone fails the test for each artefact that holds one of the secrets.
func holdNone(t *testing.T, artefacts map[string]string, secrets ...string) {
	t.Helper()
	for name, text := range artefacts {
		for _, secret := range secrets {
			if strings.Contains(text, secret) {
				t.Errorf("%s holds the secret %s", name, secret)
			}
		}
	}
}
