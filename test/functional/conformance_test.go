package functional

import (
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chaostracing/chaostracing/journal"
	"github.com/chaostracing/chaostracing/value"
)

// TestConformanceWithPythonTool runs every reference experiment and
// compares our exit code and journal with what the Python Chaos Toolkit
// wrote in ../shared/ctk/reference/runs: statuses, verdicts, records and
// outputs; timestamps, durations, platform and the HTTP server's own
// headers aside.
func TestConformanceWithPythonTool(t *testing.T) {
	refRuns := abs(t, "../../../shared/ctk/reference/runs")
	runs, err := os.ReadDir(refRuns)
	if err != nil || len(runs) == 0 {
		t.Fatalf("no reference runs in %s: %v", refRuns, err)
	}
	base := startStaticServer(t)
	for _, entry := range runs {
		name := entry.Name()
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(refRuns, name)
			expName, sig := referenceExperiment(name)
			inv := invocation{
				args: []string{"run", "--no-log-file", abs(t, "../../../shared/ctk/reference/experiments/"+expName+".json")},
				env:  []string{"REF_CTK_HTTP_BASE=" + base, "REF_CTK_MARKER=" + filepath.Join(t.TempDir(), "marker")},
			}
			if sig != nil {
				inv.signal, inv.signalAfter = sig, time.Second
			}
			res := chaostracing(t, inv)
			wantRC, _ := os.ReadFile(filepath.Join(dir, "rc"))
			if strconv.Itoa(res.code) != strings.TrimSpace(string(wantRC)) {
				t.Errorf("exit %d, Python tool exited %s\n%s", res.code, strings.TrimSpace(string(wantRC)), res.stderr)
			}
			ref, err := journal.ReadFile(filepath.Join(dir, "journal.json"))
			if errors.Is(err, os.ErrNotExist) {
				if res.journal != nil {
					t.Error("we wrote a journal where the Python tool wrote none")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if res.journal == nil {
				t.Fatalf("no journal written\n%s", res.stderr)
			}
			c := comparer{t: t, workdir: res.dir}
			c.journals(res.journal, ref)
		})
	}
}

// referenceExperiment maps a run name to its experiment and the signal the
// reference run received: "basic-traced-503" ran basic-traced,
// "long-sigINT" ran long and got SIGINT.
func referenceExperiment(run string) (string, os.Signal) {
	for _, suffix := range []string{"-503", "-down", "-none"} {
		run = strings.TrimSuffix(run, suffix)
	}
	if before, ok := strings.CutSuffix(run, "-sigINT"); ok {
		return before, syscall.SIGINT
	}
	if before, ok := strings.CutSuffix(run, "-sigTERM"); ok {
		return before, syscall.SIGTERM
	}
	return run, nil
}

// startStaticServer serves a directory holding hello.txt, as the reference
// runs did, with Python's http.server (which answers POST with 501).
func startStaticServer(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "hello.txt"), []byte("hello from ref-ctk\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	cmd := exec.Command("python3", "-m", "http.server", port, "--bind", "127.0.0.1", "--directory", dir)
	if err := cmd.Start(); err != nil {
		t.Fatalf("python3 -m http.server: %v", err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.Dial("tcp", "127.0.0.1:"+port); err == nil {
			c.Close()
			return "http://127.0.0.1:" + port
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("http.server did not start")
	return ""
}

type comparer struct {
	t       *testing.T
	workdir string
}

func (c comparer) journals(ours, ref *journal.Journal) {
	t := c.t
	if ours.Status != ref.Status || ours.Deviated != ref.Deviated {
		t.Errorf("status %s deviated %v; Python: %s %v", ours.Status, ours.Deviated, ref.Status, ref.Deviated)
	}
	if !value.Equal(ours.Experiment, ref.Experiment) {
		t.Errorf("journal experiment differs:\n ours %s\n  ref %s", encode(ours.Experiment), encode(ref.Experiment))
	}
	c.hypothesis("before", ours.SteadyStates.Before, ref.SteadyStates.Before)
	c.hypothesis("after", ours.SteadyStates.After, ref.SteadyStates.After)
	if len(ours.SteadyStates.During) != len(ref.SteadyStates.During) {
		t.Errorf("%d during checks; Python: %d", len(ours.SteadyStates.During), len(ref.SteadyStates.During))
	}
	c.records("run", ours.Run, ref.Run)
	c.records("rollbacks", ours.Rollbacks, ref.Rollbacks)
	if ours.End.Before(ours.Start) || ours.Duration <= 0 {
		t.Errorf("start %v end %v duration %v", ours.Start, ours.End, ours.Duration)
	}
}

func (c comparer) hypothesis(phase string, ours, ref *journal.Hypothesis) {
	if (ours == nil) != (ref == nil) {
		c.t.Errorf("%s hypothesis: ours %v, Python %v", phase, ours, ref)
		return
	}
	if ours == nil {
		return
	}
	if ours.Met != ref.Met {
		c.t.Errorf("%s hypothesis met %v; Python %v", phase, ours.Met, ref.Met)
	}
	c.records(phase+" probes", ours.Probes, ref.Probes)
}

func (c comparer) records(where string, ours, ref []*journal.Record) {
	t := c.t
	if len(ours) != len(ref) {
		t.Errorf("%s: %d records; Python: %d", where, len(ours), len(ref))
		return
	}
	for i := range ours {
		o, r := ours[i], ref[i]
		name := where + "/" + r.Activity.String("name")
		if !value.Equal(o.Activity, r.Activity) {
			t.Errorf("%s: activity %s; Python %s", name, encode(o.Activity), encode(r.Activity))
		}
		if o.Status != r.Status {
			t.Errorf("%s: status %q; Python %q", name, o.Status, r.Status)
		}
		if (o.ToleranceMet == nil) != (r.ToleranceMet == nil) || (o.ToleranceMet != nil && *o.ToleranceMet != *r.ToleranceMet) {
			t.Errorf("%s: tolerance_met %v; Python %v", name, ptr(o.ToleranceMet), ptr(r.ToleranceMet))
		}
		if got, want := lastLine(o.Exception), lastLine(r.Exception); got != want {
			t.Errorf("%s: exception %q; Python %q", name, got, want)
		}
		if got, want := c.comparable(o.Output), c.expected(r); !value.Equal(got, want) {
			t.Errorf("%s: output %s; Python %s", name, encode(got), encode(want))
		}
		if o.End.IsZero() || o.End.Before(o.Start) {
			t.Errorf("%s: start %v end %v", name, o.Start, o.End)
		}
	}
}

// comparable drops what depends on the machine or the server: HTTP
// headers (Date, Server) are not compared, status and body are.
func (c comparer) comparable(output any) any {
	o, ok := output.(*value.Object)
	if !ok || !o.Has("headers") || !o.Has("body") {
		return output
	}
	status, _ := o.Get("status")
	body, _ := o.Get("body")
	return value.NewObject("status", status, "body", body)
}

// expected is the Python tool's output, adjusted for what differs by
// machine: the working directory and the CPU count.
func (c comparer) expected(r *journal.Record) any {
	switch r.Activity.String("name") {
	case "getcwd":
		return c.workdir
	case "range-tolerance":
		return int64(runtime.NumCPU())
	}
	return c.comparable(r.Output)
}

func lastLine(lines []string) string {
	if len(lines) == 0 {
		return ""
	}
	return lines[len(lines)-1]
}

func ptr(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}

func encode(v any) string {
	var b strings.Builder
	_ = value.Encode(&b, v, "")
	return strings.TrimSpace(b.String())
}
