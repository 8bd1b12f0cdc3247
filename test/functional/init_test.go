package functional

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chaostracing/chaostracing/journal"
)

// A new user's first steps: `chaostracing init`, then validate and run the
// file it wrote, with nothing else installed or running. The run passes,
// and leaves a journal and a trace.
func TestInitWritesAnExperimentThatPasses(t *testing.T) {
	for _, format := range []string{"yaml", "json"} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			exp := filepath.Join(dir, "experiment."+format)
			if res := chaostracing(t, invocation{args: []string{"init", "--format", format, "--experiment-path", exp}}); res.code != 0 {
				t.Fatalf("init: exit %d\n%s", res.code, res.stderr)
			}
			scratch := t.TempDir()
			env := []string{"TMPDIR=" + scratch}
			if res := chaostracing(t, invocation{args: []string{"validate", exp}, env: env}); res.code != 0 {
				t.Fatalf("validate: exit %d\n%s", res.code, res.stderr)
			}
			res := chaostracing(t, invocation{args: []string{"run", exp}, env: env})
			checkStarterRun(t, res, scratch, 6)
			if _, err := os.Stat(filepath.Join(res.dir, "chaostracing-trace.jsonl")); err != nil {
				t.Errorf("no trace file: %v", err)
			}
		})
	}
}

// With --url, the hypothesis checks that URL too; --var points it at
// another one for a run.
func TestInitURLProbe(t *testing.T) {
	var hits atomic.Int32
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.URL.Path != "/health" || r.Header.Get("traceparent") == "" {
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	defer server.Close()
	exp := filepath.Join(t.TempDir(), "experiment.yaml")
	if res := chaostracing(t, invocation{args: []string{"init", "--url", "http://127.0.0.1:1/health", "--experiment-path", exp}}); res.code != 0 {
		t.Fatalf("init: exit %d\n%s", res.code, res.stderr)
	}
	scratch := t.TempDir()
	res := chaostracing(t, invocation{
		args: []string{"run", "--var", "service_url=" + server.URL + "/health", exp},
		env:  []string{"TMPDIR=" + scratch},
	})
	checkStarterRun(t, res, scratch, 8)
	if hits.Load() != 2 {
		t.Errorf("the service was called %d times, want 2 (before and after the method)", hits.Load())
	}
	if !strings.Contains(res.stderr, "Probe: service-answers") {
		t.Errorf("no HTTP probe in the log:\n%s", res.stderr)
	}
}

// checkStarterRun checks that a run of the starter experiment passed with
// its hypothesis met twice, the ballast the method wrote into scratch removed
// again, and the given number of activities played.
func checkStarterRun(t *testing.T, res result, scratch string, activities int) {
	t.Helper()
	j := res.journal
	if res.code != 0 || j == nil || j.Status != journal.Completed || j.Deviated {
		t.Fatalf("run: exit %d, journal %+v\n%s", res.code, j, res.stderr)
	}
	if j.SteadyStates.Before == nil || j.SteadyStates.After == nil || !j.SteadyStates.Before.Met || !j.SteadyStates.After.Met {
		t.Fatalf("hypothesis before %+v, after %+v", j.SteadyStates.Before, j.SteadyStates.After)
	}
	played := len(j.SteadyStates.Before.Probes) + len(j.SteadyStates.After.Probes) + len(j.Run) + len(j.Rollbacks)
	if played != activities {
		t.Errorf("%d activities played, want %d", played, activities)
	}
	if _, err := os.Stat(filepath.Join(scratch, "chaostracing-ballast")); !os.IsNotExist(err) {
		t.Errorf("the rollback did not remove the ballast: %v", err)
	}
	if len(j.Run) != 1 || j.Run[0].Status != journal.Succeeded {
		t.Errorf("method records: %+v", j.Run)
	}
	for _, line := range []string{"Pausing after activity for 1s...", "Rollback: remove-ballast"} {
		if !strings.Contains(res.stderr, line) {
			t.Errorf("log lacks %q:\n%s", line, res.stderr)
		}
	}
}
