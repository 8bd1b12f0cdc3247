// Package functional runs the real chaostracing binary on experiment files
// and checks its exit code, its log and the journal it writes.
package functional

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/chaostracing/chaostracing/journal"
)

// binary is the chaostracing binary built once for the whole package.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "chaostracing-functional-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "chaostracing")
	build := exec.Command("go", "build", "-o", binary, "../../cmd/chaostracing")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building chaostracing:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is what one run of the binary left behind.
type result struct {
	code    int
	stderr  string
	stdout  string
	journal *journal.Journal
	dir     string
}

// invocation describes one run of the binary.
type invocation struct {
	args    []string
	env     []string
	stdin   []byte
	timeout time.Duration
	// signal, if set, is sent after signalAfter, and again after
	// secondSignalAfter when that is set.
	signal            os.Signal
	signalAfter       time.Duration
	secondSignalAfter time.Duration
}

// chaostracing runs the binary in a fresh directory, with its journal
// written there, and reads the journal back if one was written.
func chaostracing(t *testing.T, inv invocation) result {
	t.Helper()
	dir := t.TempDir()
	if inv.timeout == 0 {
		inv.timeout = 60 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), inv.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, inv.args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	cmd.Env = append(cmd.Env, inv.env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if inv.stdin != nil {
		cmd.Stdin = bytes.NewReader(inv.stdin)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if inv.signal != nil {
		time.AfterFunc(inv.signalAfter, func() { _ = cmd.Process.Signal(inv.signal) })
	}
	if inv.signal != nil && inv.secondSignalAfter > 0 {
		time.AfterFunc(inv.secondSignalAfter, func() { _ = cmd.Process.Signal(inv.signal) })
	}
	err := cmd.Wait()
	if ctx.Err() != nil {
		t.Fatalf("chaostracing %v did not finish within %v\nstderr:\n%s", inv.args, inv.timeout, stderr.String())
	}
	res := result{code: cmd.ProcessState.ExitCode(), stdout: stdout.String(), stderr: stderr.String(), dir: dir}
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatal(err)
	}
	if j, err := journal.ReadFile(filepath.Join(dir, "journal.json")); err == nil {
		res.journal = j
	}
	return res
}

// abs returns the absolute path of a file relative to this package.
func abs(t *testing.T, rel string) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	p, err := filepath.Abs(filepath.Join(filepath.Dir(file), rel))
	if err != nil {
		t.Fatal(err)
	}
	return p
}
