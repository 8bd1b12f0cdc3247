package python

import (
	"context"
	"os/exec"
	"strings"
	"testing"

	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/provider"
)

// BenchmarkRunPython measures one python activity, os.path.exists: mostly
// the interpreter's start. "python3" is whatever PATH finds (a pyenv shim
// adds its own start); "executable" is the interpreter itself.
func BenchmarkRunPython(b *testing.B) {
	needPython(b)
	real, err := exec.Command("python3", "-c", "import sys; print(sys.executable)").Output()
	if err != nil {
		b.Fatal(err)
	}
	for _, python := range []struct{ name, path string }{
		{"python3", ""},
		{"executable", strings.TrimSpace(string(real))},
	} {
		b.Run(python.name, func(b *testing.B) {
			p := &Provider{Python: python.path}
			call := newCall(b, "exists", `{"module":"os.path","func":"exists","arguments":{"path":"/tmp"}}`)
			for b.Loop() {
				if out, err := p.Run(bg, call); err != nil || out != true {
					b.Fatalf("Run = %v, %v", out, err)
				}
			}
		})
	}
}

// BenchmarkCheck measures checking a batch of 20 python activities.
func BenchmarkCheck(b *testing.B) {
	needPython(b)
	p := &Provider{}
	activities := make([]*experiment.Activity, 20)
	for i := range activities {
		activities[i] = activity(b, "$.method[0]", "exists", `{"type":"python","module":"os.path","func":"exists","arguments":{"path":"/tmp"}}`)
	}
	for b.Loop() {
		if problems := p.Check(bg, activities); len(problems) != 0 {
			b.Fatal(problems)
		}
	}
}

// BenchmarkRunNative measures the provider's overhead around a Go-native
// function.
func BenchmarkRunNative(b *testing.B) {
	funcs := provider.NewFuncs()
	funcs.Register("gomod", "exists", func(_ context.Context, a provider.Args) (any, error) {
		return a.Arguments.String("path") != "", nil
	}, provider.FuncInfo{})
	p := &Provider{Funcs: funcs}
	call := newCall(b, "exists", `{"module":"gomod","func":"exists","arguments":{"path":"/tmp"}}`)
	call.Configuration = parse(b, `{"a":1,"b":"two"}`)
	b.ReportAllocs()
	for b.Loop() {
		if out, err := p.Run(bg, call); err != nil || out != true {
			b.Fatalf("Run = %v, %v", out, err)
		}
	}
}
