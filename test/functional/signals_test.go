package functional

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chaostracing/chaostracing/journal"
)

const sleepAction = `{"type": "action", "name": "%s", "provider": {"type": "process", "path": "sleep", "arguments": "30"}%s}`

// sleeper is a 30 s process action; extra adds members.
func sleeper(name, extra string) string { return fmt.Sprintf(sleepAction, name, extra) }

// SIGTERM in each phase of a run stops the work at hand at once, the
// journal is written with status interrupted, and the exit code is 1.
func TestSignalInEveryPhase(t *testing.T) {
	trueProbe := `{"type": "probe", "name": "ok", "tolerance": 0, "provider": {"type": "process", "path": "true"}}`
	slowProbe := `{"type": "probe", "name": "slow-probe", "tolerance": 0, "provider": {"type": "process", "path": "sleep", "arguments": "30"}}`
	pausing := `{"type": "action", "name": "pausing", "provider": {"type": "process", "path": "true"}, "pauses": {"after": 30}}`
	tests := []struct {
		name, doc string
		check     func(*journal.Journal) bool
	}{
		{"hypothesis probe", `{"title": "t", "description": "d", "steady-state-hypothesis": {"title": "h", "probes": [` + slowProbe + `]}, "method": []}`,
			func(j *journal.Journal) bool {
				return j.SteadyStates.Before != nil && len(j.SteadyStates.Before.Probes) == 1 && j.SteadyStates.Before.Probes[0].Status == ""
			}},
		{"pause", `{"title": "t", "description": "d", "method": [` + pausing + `]}`,
			func(j *journal.Journal) bool { return len(j.Run) == 1 && j.Run[0].Status == journal.Succeeded }},
		{"background activity", `{"title": "t", "description": "d", "method": [` + sleeper("bg", `, "background": true`) + `, ` + sleeper("fg", "") + `]}`,
			func(j *journal.Journal) bool {
				return len(j.Run) == 2 && j.Run[0].Status == "" && j.Run[1].Status == ""
			}},
		{"rollbacks", `{"title": "t", "description": "d", "steady-state-hypothesis": {"title": "h", "probes": [` + trueProbe + `]}, "method": [], "rollbacks": [` + sleeper("slow-rollback", "") + `]}`,
			func(j *journal.Journal) bool { return len(j.Rollbacks) == 1 && j.Rollbacks[0].Status == "" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			res := chaostracing(t, invocation{args: []string{"run", "--no-log-file", "-"}, stdin: []byte(tt.doc),
				signal: syscall.SIGTERM, signalAfter: 800 * time.Millisecond, timeout: 20 * time.Second})
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("the run took %v after a signal at 0.8 s", took)
			}
			if res.code != 1 || res.journal == nil || res.journal.Status != journal.Interrupted {
				t.Fatalf("exit %d, journal %+v\n%s", res.code, res.journal, res.stderr)
			}
			if !tt.check(res.journal) {
				t.Errorf("journal records: run %v rollbacks %v", res.journal.Run, res.journal.Rollbacks)
			}
		})
	}
}

// After an interruption, strategy always plays the rollbacks; a second
// signal stops them at once, and the journal is still written.
func TestSecondSignalStopsTheRollbacks(t *testing.T) {
	doc := `{"title": "t", "description": "d", "method": [` + sleeper("long", "") + `], "rollbacks": [` + sleeper("slow-rollback", "") + `]}`
	start := time.Now()
	res := chaostracing(t, invocation{args: []string{"run", "--no-log-file", "--rollback-strategy", "always", "-"}, stdin: []byte(doc),
		signal: syscall.SIGINT, signalAfter: 600 * time.Millisecond, secondSignalAfter: 1500 * time.Millisecond, timeout: 20 * time.Second})
	if took := time.Since(start); took > 6*time.Second {
		t.Errorf("took %v", took)
	}
	j := res.journal
	if res.code != 1 || j == nil || j.Status != journal.Interrupted || len(j.Rollbacks) != 1 || j.Rollbacks[0].Status != "" {
		t.Fatalf("exit %d, journal %+v\n%s", res.code, j, res.stderr)
	}
	if !strings.Contains(res.stderr, "Received a second termination signal, stopping now") {
		t.Errorf("log:\n%s", res.stderr)
	}
}
