package testenv

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"
)

// BinaryEnv is the environment variable that names a prebuilt collector
// binary. When it is set, StartCollector uses that binary and never builds.
const BinaryEnv = "CHAOSTRACING_OTELCOL"

// buildScript is the path of the build script relative to the module root.
const buildScript = "tools/otelcol/build.sh"

// binary memoizes the collector binary's path (or the error finding or
// building it) for the life of the test process, so that a package whose
// tests start many collectors runs build.sh once.
var binary struct {
	once sync.Once
	path string
	err  error
}

// collectorBinary returns the path of the collector binary: $BinaryEnv if
// set, else the output of tools/otelcol/build.sh, which builds the binary the
// first time on a machine (minutes) and answers from its cache afterwards.
// logf reports a slow build as it starts.
func collectorBinary(logf func(format string, args ...any)) (string, error) {
	binary.once.Do(func() {
		binary.path, binary.err = findBinary(logf)
	})
	return binary.path, binary.err
}

// findBinary does the work of collectorBinary, without memoization.
func findBinary(logf func(format string, args ...any)) (string, error) {
	if p := os.Getenv(BinaryEnv); p != "" {
		if err := checkExecutable(p); err != nil {
			return "", fmt.Errorf("%s=%s: %w", BinaryEnv, p, err)
		}
		return p, nil
	}
	script, err := findBuildScript()
	if err != nil {
		return "", err
	}
	logf("testenv: getting the collector from %s (cached; a first build takes minutes; set %s to skip this)", script, BinaryEnv)
	start := time.Now()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command("bash", script)
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s: %w\n%s", script, err, tail(stderr.String(), 8000))
	}
	p := strings.TrimSpace(stdout.String())
	if err := checkExecutable(p); err != nil {
		return "", fmt.Errorf("%s printed %q: %w\n%s", script, p, err, tail(stderr.String(), 8000))
	}
	if d := time.Since(start); d > 5*time.Second {
		logf("testenv: collector built in %s: %s", d.Round(time.Second), p)
	}
	return p, nil
}

// findBuildScript locates tools/otelcol/build.sh: beside this source file
// when the package was compiled from a checkout (the usual case), else in the
// working directory or one of its parents (go test runs a package's tests in
// the package's directory).
func findBuildScript() (string, error) {
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		p := filepath.Join(filepath.Dir(file), "..", "..", filepath.FromSlash(buildScript))
		if _, err := os.Stat(p); err == nil {
			return filepath.Clean(p), nil
		}
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, filepath.FromSlash(buildScript))
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no %s in the working directory or its parents, and %s is not set", buildScript, BinaryEnv)
		}
		dir = parent
	}
}

// checkExecutable returns an error unless p is a regular file with an
// execute bit.
func checkExecutable(p string) error {
	if p == "" {
		return errors.New("empty path")
	}
	fi, err := os.Stat(p)
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() || fi.Mode().Perm()&0o111 == 0 {
		return errors.New("not an executable file")
	}
	return nil
}

// tail returns at most the last n bytes of s.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}
