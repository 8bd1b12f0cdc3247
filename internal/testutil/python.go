package testutil

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// CountingPython returns a python3 wrapper that counts its runs in the
// file count (see PythonRuns). It names itself as the interpreter's
// executable, so that the python provider, which resolves sys.executable
// once, keeps running the wrapper: every driver run is counted, not just
// the lookup of the real interpreter.
func CountingPython(t testing.TB) (python, count string) {
	t.Helper()
	dir := t.TempDir()
	python, count = filepath.Join(dir, "python"), filepath.Join(dir, "count")
	script := "#!/bin/sh\n" +
		"if [ \"$2\" = 'import sys; print(sys.executable)' ]; then echo \"$0\"; exit 0; fi\n" +
		"echo run >> '" + count + "'\nexec python3 \"$@\"\n"
	if err := os.WriteFile(python, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return python, count
}

// PythonRuns returns how many times a CountingPython wrapper ran.
func PythonRuns(t testing.TB, count string) int {
	t.Helper()
	data, err := os.ReadFile(count)
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(string(data), "run\n")
}
