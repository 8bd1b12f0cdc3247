package python

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/chaostracing/chaostracing/internal/testutil"

	"go.uber.org/goleak"

	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/provider"
	"github.com/chaostracing/chaostracing/value"
)

func TestMain(m *testing.M) {
	// Keep python from writing __pycache__ into testdata.
	os.Setenv("PYTHONDONTWRITEBYTECODE", "1")
	goleak.VerifyTestMain(m)
}

// needPython skips tests that need a real python3.
func needPython(tb testing.TB) {
	tb.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		tb.Fatal("python3 is not installed: the tests need it (Debian: apt-get install python3, as .ci/run does)")
	}
}

// modules returns the directory of the test modules.
func modules(tb testing.TB) string {
	tb.Helper()
	dir, err := filepath.Abs(filepath.Join("testdata", "modules"))
	if err != nil {
		tb.Fatal(err)
	}
	return dir
}

// testProvider returns a provider that finds the test modules.
func testProvider(tb testing.TB) *Provider {
	return &Provider{Path: []string{modules(tb)}}
}

// parse parses a JSON object written in a test.
func parse(tb testing.TB, doc string) *value.Object {
	tb.Helper()
	if doc == "" {
		return nil
	}
	v, _, err := value.ParseJSON([]byte(doc))
	if err != nil {
		tb.Fatalf("bad test JSON %s: %v", doc, err)
	}
	return v.(*value.Object)
}

// newCall builds a call of a python activity from its provider section.
func newCall(tb testing.TB, name, spec string) provider.Call {
	s := parse(tb, spec)
	return provider.Call{Activity: &experiment.Activity{Name: name, Type: "probe", Provider: s}, Spec: s}
}

// encode writes v as compact JSON, to compare outputs.
func encode(tb testing.TB, v any) string {
	tb.Helper()
	var b bytes.Buffer
	if err := value.Encode(&b, v, ""); err != nil {
		tb.Fatal(err)
	}
	return string(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}

// logBuffer collects log records written from any goroutine.
type logBuffer = testutil.LogBuffer

// activity builds an activity for Check.
func activity(tb testing.TB, path, name, spec string) *experiment.Activity {
	return &experiment.Activity{Path: path, Name: name, Type: "probe", Provider: parse(tb, spec)}
}

var bg = context.Background()
