package functional

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A 10,000-activity experiment runs in bounded memory, traced to the
// local file as every run is; the test reports the peak RSS.
func TestTenThousandActivitiesInBoundedMemory(t *testing.T) {
	dir := t.TempDir()
	items := make([]string, 10000)
	for i := range items {
		items[i] = fmt.Sprintf(`{"type": "probe", "name": "true-%05d", "provider": {"type": "process", "path": "true"}}`, i)
	}
	exp := filepath.Join(dir, "many.json")
	doc := `{"title": "10,000 probes", "description": "memory bound", "method": [` + strings.Join(items, ",") + `]}`
	if err := os.WriteFile(exp, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	peakKB := peakRSS(t, dir, "run", "--no-log-file", exp)
	t.Logf("10,000 activities: %v, peak RSS %d MiB", time.Since(start).Round(time.Millisecond), peakKB>>10)
	if peakKB > 256<<10 {
		t.Errorf("peak RSS %d MiB, want under 256 MiB", peakKB>>10)
	}
}

// A process output of gigabytes is capped in memory: the run keeps the
// first bytes with a marker, and its RSS stays far below the output.
func TestHugeOutputDoesNotExhaustMemory(t *testing.T) {
	dir := t.TempDir()
	exp := filepath.Join(dir, "huge.json")
	doc := `{"title": "huge", "description": "2 GiB on stdout",
  "method": [{"type": "probe", "name": "zeroes", "provider": {"type": "process", "path": "sh", "arguments": ["-c", "head -c 2147483648 /dev/zero"], "timeout": 60}}]}`
	if err := os.WriteFile(exp, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	peakKB := peakRSS(t, dir, "run", "--no-log-file", "--no-trace", exp)
	journal, err := os.ReadFile(filepath.Join(dir, "journal.json"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("2 GiB of output: peak RSS %d MiB, journal %d MiB", peakKB>>10, len(journal)>>20)
	if peakKB > 256<<10 || !strings.Contains(string(journal), "[truncated") {
		t.Errorf("peak RSS %d MiB (want < 256), truncation marker present: %v", peakKB>>10, strings.Contains(string(journal), "[truncated"))
	}
}

// peakRSS runs the binary with args in dir and returns its peak resident
// set in KiB, as GNU time measures it. The test's own rusage would not do:
// a forked child starts with its parent's high-water mark, and the test
// binary's can be far larger than the run's.
func peakRSS(t *testing.T, dir string, args ...string) int64 {
	t.Helper()
	gnuTime, err := exec.LookPath("/usr/bin/time")
	if err != nil {
		t.Fatal("GNU time (Debian package time) is needed to measure the peak RSS")
	}
	cmd := exec.Command(gnuTime, append([]string{"-f", "maxrss=%M", binary}, args...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out[max(0, len(out)-2000):])
	}
	i := strings.LastIndex(string(out), "maxrss=")
	if i < 0 {
		t.Fatalf("no maxrss in the output:\n%s", out[max(0, len(out)-2000):])
	}
	kb, err := strconv.ParseInt(strings.TrimSpace(string(out[i+len("maxrss="):])), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return kb
}

// No process an activity started outlives the run: a timed-out activity's
// whole process group is killed, and so is the group of the activity an
// interruption stops. The test looks for the marked sleeps in /proc.
func TestNoOrphanProcesses(t *testing.T) {
	marker := fmt.Sprintf("3%d.25", time.Now().UnixNano()%1000)
	doc := `{"title": "orphans", "description": "children that would outlive their activity",
  "method": [
    {"type": "action", "name": "times-out", "provider": {"type": "process", "path": "sh", "arguments": ["-c", "sleep ` + marker + ` & sleep ` + marker + `"], "timeout": 0.3}},
    {"type": "action", "name": "interrupted", "provider": {"type": "process", "path": "sh", "arguments": ["-c", "sleep ` + marker + ` & sleep ` + marker + `"]}}
  ]}`
	res := chaostracing(t, invocation{args: []string{"run", "--no-log-file", "-"}, stdin: []byte(doc),
		signal: syscall.SIGTERM, signalAfter: 1500 * time.Millisecond, timeout: 20 * time.Second})
	if res.code != 1 || res.journal == nil || res.journal.Status != "interrupted" {
		t.Fatalf("exit %d, journal %+v\n%s", res.code, res.journal, res.stderr)
	}
	time.Sleep(200 * time.Millisecond)
	if n := processesWith(t, marker); n != 0 {
		t.Errorf("%d processes of the run are still alive", n)
	}
}

// processesWith counts the live processes whose command line holds s.
func processesWith(t *testing.T, s string) int {
	t.Helper()
	dirs, err := filepath.Glob("/proc/[0-9]*/cmdline")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range dirs {
		data, err := os.ReadFile(d)
		if err == nil && strings.Contains(strings.ReplaceAll(string(data), "\x00", " "), s) {
			n++
		}
	}
	return n
}

func TestOutputLimitFlag(t *testing.T) {
	doc := `{"title": "t", "description": "d", "method": [{"type": "probe", "name": "p", "provider": {"type": "process", "path": "echo", "arguments": ["0123456789abcdef"]}}]}`
	res := chaostracing(t, invocation{args: []string{"run", "--no-log-file", "--output-limit", "4", "-"}, stdin: []byte(doc)})
	if res.code != 0 || res.journal == nil {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	out := res.journal.Run[0].Output.(interface{ String(string) string }).String("stdout")
	if out != "0123\n... [truncated 13 bytes]" {
		t.Errorf("stdout %q", out)
	}
	if bad := chaostracing(t, invocation{args: []string{"run", "--output-limit", "0", "-"}, stdin: []byte(doc)}); bad.code != 2 {
		t.Errorf("--output-limit 0: exit %d", bad.code)
	}
}
