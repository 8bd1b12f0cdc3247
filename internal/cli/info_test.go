package cli

import (
	"context"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/chaostracing/chaostracing/provider"
	"github.com/chaostracing/chaostracing/value"
)

func noop(context.Context, provider.Args) (any, error) { return nil, nil }

func TestInfo(t *testing.T) {
	funcs := provider.NewFuncs()
	funcs.Register("m", "a", noop, provider.FuncInfo{})
	funcs.Register("m", "b", noop, provider.FuncInfo{})
	good := writeSettings(t, settingsFile)
	broken := writeSettings(t, "runtime:\n  hypothesis:\n    strategy: never\n")
	missing := filepath.Join(t.TempDir(), "nope.yaml")
	tests := []struct {
		name string
		args []string
		code int
		want []string // lines of stdout, in order
		not  []string // text stdout must not hold
	}{
		{name: "all sections", args: []string{"--settings", good, "info"}, want: []string{
			"core", "  version    " + Version(), "  commit     " + commit(), "  go         " + runtime.Version(), "  platform   " + runtime.GOOS + "/" + runtime.GOARCH,
			"settings", "  path       " + good, "  exists     yes",
			"extensions", "  controls   chaostracing.control, chaostracing.oltp", "  providers  http, process, python", "  functions  2",
		}, not: []string{"error"}},
		{name: "one section", args: []string{"--settings", missing, "info", "settings"},
			want: []string{"settings", "  path       " + missing, "  exists     no"}, not: []string{"core", "error"}},
		{name: "a file run rejects", args: []string{"--settings", broken, "info", "settings"},
			want: []string{"  exists     yes", "  error      " + broken + ":3:15: $.runtime.hypothesis.strategy must be one of"}},
		{name: "sections in their order", args: []string{"info", "extensions", "core"}, want: []string{"core", "extensions"}, not: []string{"settings"}},
		{name: "unknown section", args: []string{"info", "plugins"}, code: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, funcs, tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d: %s", code, tt.code, stderr)
			}
			rest := stdout
			for _, line := range tt.want {
				i := strings.Index(rest, line)
				if i < 0 {
					t.Fatalf("stdout lacks %q after what came before:\n%s", line, stdout)
				}
				rest = rest[i+len(line):]
			}
			for _, s := range tt.not {
				if strings.Contains(stdout, s) {
					t.Errorf("stdout holds %q:\n%s", s, stdout)
				}
			}
		})
	}
}

func TestInfoJSON(t *testing.T) {
	code, stdout, stderr := runCLI(t, nil, "--settings", writeSettings(t, settingsFile), "info", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	v, _, err := value.ParseJSON([]byte(stdout))
	if err != nil {
		t.Fatalf("not JSON: %v\n%s", err, stdout)
	}
	report := v.(*value.Object)
	if got := strings.Join(report.Keys(), ","); got != "core,settings,extensions" {
		t.Errorf("sections %s", got)
	}
	if report.Object("core").String("version") != Version() || report.Object("settings").String("path") == "" {
		t.Errorf("report %s", stdout)
	}
	ext := report.Object("extensions")
	if n, _ := ext.Get("functions"); n != int64(0) {
		t.Errorf("functions %v", n)
	}
	if p, _ := ext.Get("providers"); !value.Equal(p, []any{"http", "process", "python"}) {
		t.Errorf("providers %v", p)
	}
}
