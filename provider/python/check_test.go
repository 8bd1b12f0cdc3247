package python

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chaostracing/chaostracing/internal/testutil"

	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/provider"
)

// checkProblems compares problems with their expected String()s.
func checkProblems(t *testing.T, problems []experiment.Problem, want []string) {
	t.Helper()
	got := make([]string, len(problems))
	for i, p := range problems {
		got[i] = p.String()
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func TestCheck(t *testing.T) {
	needPython(t)
	funcs := provider.NewFuncs()
	noop := func(context.Context, provider.Args) (any, error) { return nil, nil }
	funcs.Register("gomod", "probe", noop, provider.FuncInfo{Arguments: []string{"url:string", "timeout?:number"}})
	funcs.Register("gomod", "free", noop, provider.FuncInfo{})
	tests := []struct {
		name string
		spec string
		want []string // problem messages
	}{
		{name: "fine", spec: `{"type":"python","module":"os.path","func":"exists","arguments":{"path":"/tmp"}}`},
		{name: "builtin", spec: `{"type":"python","module":"os","func":"listdir","arguments":{"path":"/"}}`},
		{name: "no signature", spec: `{"type":"python","module":"builtins","func":"dict","arguments":{"x":1}}`},
		{name: "kwargs", spec: `{"type":"python","module":"ctfix","func":"echo","arguments":{"anything":1}}`},
		{name: "injected parameters", spec: `{"type":"python","module":"ctfix","func":"with_secrets","secrets":["s"]}`},
		{name: "missing module", spec: `{"type":"python","module":"ctfix_nope","func":"f"}`,
			want: []string{"could not find Python module 'ctfix_nope' in activity 'missing module'"}},
		{name: "missing submodule", spec: `{"type":"python","module":"os.nope","func":"f"}`,
			want: []string{"could not find Python module 'os.nope' in activity 'missing submodule'"}},
		{name: "missing dependency", spec: `{"type":"python","module":"brokendep","func":"f"}`,
			want: []string{"could not import Python module 'brokendep' in activity 'missing dependency': ModuleNotFoundError: No module named 'ctfix_missing_dependency'"}},
		{name: "syntax error", spec: `{"type":"python","module":"badsyntax","func":"f"}`,
			want: []string{"could not import Python module 'badsyntax' in activity 'syntax error': SyntaxError: invalid syntax"}},
		{name: "missing func", spec: `{"type":"python","module":"os","func":"nofunc"}`,
			want: []string{"The python module 'os' does not expose a function called 'nofunc' in activity 'missing func'"}},
		{name: "not callable", spec: `{"type":"python","module":"ctfix","func":"not_callable"}`,
			want: []string{"The python module 'ctfix' does not expose a function called 'not_callable' in activity 'not callable'"}},
		{name: "missing argument", spec: `{"type":"python","module":"os.path","func":"exists"}`,
			want: []string{"required argument 'path' is missing from activity 'missing argument'"}},
		{name: "extra argument", spec: `{"type":"python","module":"os.path","func":"exists","arguments":{"path":"/","mode":1}}`,
			want: []string{"argument 'mode' is not part of the function signature in activity 'extra argument'"}},
		{name: "several", spec: `{"type":"python","module":"ctfix","func":"needs","arguments":{"b":1,"x":2,"y":3}}`,
			want: []string{
				"required argument 'a' is missing from activity 'several'",
				"required argument 'c' is missing from activity 'several'",
				"argument 'x' is not part of the function signature in activity 'several'",
				"argument 'y' is not part of the function signature in activity 'several'",
			}},
		{name: "positional-only", spec: `{"type":"python","module":"math","func":"sqrt","arguments":{"x":4}}`,
			want: []string{"argument 'x' is positional-only and cannot be passed by name in activity 'positional-only'"}},
		{name: "go-native fine", spec: `{"type":"python","module":"gomod","func":"probe","arguments":{"url":"u","timeout":1}}`},
		{name: "go-native optional left out", spec: `{"type":"python","module":"gomod","func":"probe","arguments":{"url":"u"}}`},
		{name: "go-native no list", spec: `{"type":"python","module":"gomod","func":"free","arguments":{"x":1}}`},
		{name: "go-native arguments", spec: `{"type":"python","module":"gomod","func":"probe","arguments":{"uri":"u"}}`,
			want: []string{
				"required argument 'url' is missing from activity 'go-native arguments'",
				"argument 'uri' is not part of the function signature in activity 'go-native arguments'",
			}},
		{name: "go-native module, unknown func", spec: `{"type":"python","module":"gomod","func":"prob"}`,
			want: []string{"could not find Python module 'gomod' in activity 'go-native module, unknown func' (its Go-native functions are 'free', 'probe', not 'prob')"}},
		{name: "other provider", spec: `{"type":"process","path":"nonexistent-binary"}`},
		{name: "no module", spec: `{"type":"python","func":"f"}`},
	}
	python, count := testutil.CountingPython(t)
	p := &Provider{Funcs: funcs, Python: python, Path: []string{modules(t)}}
	var activities []*experiment.Activity
	var want []string
	for i, tt := range tests {
		a := activity(t, "$.method["+string(rune('a'+i))+"]", tt.name, tt.spec)
		activities = append(activities, a)
		for _, msg := range tt.want {
			want = append(want, a.Path+".provider: "+msg)
		}
	}
	activities = append(activities, nil, &experiment.Activity{Path: "$.method[99]", Name: "ref", Ref: "fine"})
	checkProblems(t, p.Check(bg, activities), want)
	if n := testutil.PythonRuns(t, count); n != 1 {
		t.Errorf("python ran %d times, want once for the whole batch", n)
	}
}

func TestCheckWithoutPythonActivities(t *testing.T) {
	python, count := testutil.CountingPython(t)
	funcs := provider.NewFuncs()
	funcs.Register("gomod", "f", func(context.Context, provider.Args) (any, error) { return nil, nil }, provider.FuncInfo{})
	p := &Provider{Funcs: funcs, Python: python}
	problems := p.Check(bg, []*experiment.Activity{
		activity(t, "$.method[0]", "native", `{"type":"python","module":"gomod","func":"f"}`),
		activity(t, "$.method[1]", "proc", `{"type":"process","path":"true"}`),
	})
	checkProblems(t, problems, nil)
	if n := testutil.PythonRuns(t, count); n != 0 {
		t.Errorf("python ran %d times, want none", n)
	}
}

func TestCheckDriverDies(t *testing.T) {
	needPython(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ctfix_exit.py"), []byte("import os\nos._exit(4)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := &Provider{Path: []string{dir}}
	problems := p.Check(bg, []*experiment.Activity{
		activity(t, "$.method[0]", "a", `{"type":"python","module":"ctfix_exit","func":"f"}`),
		activity(t, "$.method[1]", "b", `{"type":"python","module":"os","func":"getcwd"}`),
	})
	checkProblems(t, problems, []string{
		"$.method[0].provider: could not check python activity 'a': python3 stopped without answering (exit status 4)",
		"$.method[1].provider: could not check python activity 'b': python3 stopped without answering (exit status 4)",
	})
}

// A probe used as a tolerance gets the checked output as "value" at run
// time, so validation counts that argument as given.
func TestCheckToleranceProbeGetsValue(t *testing.T) {
	needPython(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ctfix_tol.py"), []byte("def truthy(value):\n    return bool(value)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := &Provider{Path: []string{dir}}
	spec := `{"type":"python","module":"ctfix_tol","func":"truthy","arguments":{}}`
	problems := p.Check(bg, []*experiment.Activity{
		activity(t, "$.steady-state-hypothesis.probes[0].tolerance", "tol", spec),
		activity(t, "$.method[0]", "plain", spec),
	})
	checkProblems(t, problems, []string{
		"$.method[0].provider: required argument 'value' is missing from activity 'plain'",
	})
}
