package control

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chaostracing/chaostracing/internal/testutil"

	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/journal"
	"github.com/chaostracing/chaostracing/provider/python"
)

// ctlRec is a python control module that appends what each hook gets to
// the file named by its "path" argument.
const ctlRec = `import json
import os


def _log(path, entry):
    with open(path, "a") as f:
        f.write(json.dumps(entry) + "\n")


def configure_control(path, experiment, configuration, level="unset", **kwargs):
    _log(path, {"hook": "configure", "title": experiment["title"], "level": level, "configuration": configuration, "kwargs": sorted(kwargs)})


def before_activity_control(context, path, level, **kwargs):
    _log(path, {"hook": "before_activity", "name": context["name"], "level": level, "kwargs": sorted(kwargs)})


def after_activity_control(context, state, path, **kwargs):
    _log(path, {"hook": "after_activity", "name": context["name"], "status": state["status"], "output": state["output"]})


def after_experiment_control(context, state, path, secrets, extensions, **kwargs):
    _log(path, {"hook": "after_experiment", "title": context["title"], "status": state["status"], "runs": len(state["run"]), "secrets": secrets, "extensions": extensions})


def cleanup_control():
    open(os.path.join(os.path.dirname(__file__), "cleaned"), "w").close()
`

// ctlLate has one hook only.
const ctlLate = `def after_experiment_control(context, state, **kwargs):
    with open(kwargs["path"], "a") as f:
        f.write("after_experiment " + state["status"] + "\n")
`

// ctlBad raises in one hook and sleeps in another.
const ctlBad = `import time


def before_method_control(context, **kwargs):
    raise ValueError("no method for you")


def before_rollback_control(context, **kwargs):
    time.sleep(10)
`

// ctlStop stops the run before activity "a2", as chaosaddons' safeguards
// do, with chaoslib's InterruptExecution (chaoslib/exceptions.py below
// stands in for chaostoolkit-lib, which the tests cannot install).
const ctlStop = `from chaoslib.exceptions import InterruptExecution


def before_activity_control(context, **kwargs):
    if context["name"] == "a2":
        raise InterruptExecution("error rate above 5%")
`

// pythonModules writes the test control modules and returns their
// directory.
func pythonModules(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "chaoslib"), 0o755); err != nil {
		t.Fatal(err)
	}
	modules := map[string]string{"ctl_rec": ctlRec, "ctl_late": ctlLate, "ctl_bad": ctlBad, "ctl_stop": ctlStop,
		"chaoslib/__init__": "", "chaoslib/exceptions": "class ChaosException(Exception):\n    pass\n\n\nclass InterruptExecution(ChaosException):\n    pass\n"}
	for name, src := range modules {
		if err := os.WriteFile(filepath.Join(dir, name+".py"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func pyCtl(name, module, args string) string {
	return `{"name": "` + name + `", "provider": {"type": "python", "module": "` + module + `", "arguments": ` + args + `}}`
}

func TestPythonControl(t *testing.T) {
	needPython(t)
	dir := pythonModules(t)
	out := filepath.Join(t.TempDir(), "calls.jsonl")
	pyExe, count := testutil.CountingPython(t)
	args := `{"path": "` + out + `", "level": "${lvl}", "extra": 1}`
	e := load(t, `{"title": "t", "description": "d", "configuration": {"lvl": "debug"}, "extensions": [{"name": "ext"}],
		"controls": [`+pyCtl("rec", "ctl_rec", args)+`], "method": [`+act("action", "a1", "value", `{"value": "x"}`, "")+`]}`)
	res := runWith(t, e, nil, WithPython(&python.Provider{Python: pyExe, Path: []string{dir}}))
	if res.j.Status != journal.Completed {
		t.Fatalf("status %s", res.j.Status)
	}
	want := []string{
		`{"hook": "configure", "title": "t", "level": "${lvl}", "configuration": {"lvl": "debug"}, "kwargs": ["extra"]}`,
		`{"hook": "before_activity", "name": "a1", "level": "debug", "kwargs": ["extra"]}`,
		`{"hook": "after_activity", "name": "a1", "status": "succeeded", "output": "x"}`,
		`{"hook": "after_experiment", "title": "t", "status": "completed", "runs": 1, "secrets": {}, "extensions": [{"name": "ext"}]}`,
	}
	if got := readLines(t, out); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("calls:\n%s\nwant:\n%s\nlog:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"), res.log.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "cleaned")); err != nil {
		t.Errorf("cleanup_control was not called: %v", err)
	}
	// One inspection, configure, the three hooks the module defines and
	// cleanup.
	if n := testutil.PythonRuns(t, count); n != 6 {
		t.Errorf("python ran %d times, want 6", n)
	}
}

// A module with one hook costs one inspection and one call, however many
// activities run; two python controls share the inspection.
func TestPythonStartsOnlyForHooksTheModuleHas(t *testing.T) {
	needPython(t)
	dir := pythonModules(t)
	out := filepath.Join(t.TempDir(), "calls")
	pyExe, count := testutil.CountingPython(t)
	var method []string
	for _, name := range []string{"a1", "a2", "a3", "a4", "a5"} {
		method = append(method, act("action", name, "value", "", ""))
	}
	e := load(t, `{"title": "t", "description": "d", "controls": [`+pyCtl("late", "ctl_late", `{"path": "`+out+`"}`)+`,
		`+pyCtl("late2", "ctl_late", `{"path": "`+out+`", "other": 1}`)+`],
		"method": [`+strings.Join(method, ",")+`], "rollbacks": [`+act("action", "rb", "value", "", "")+`]}`)
	res := runWith(t, e, nil, WithPython(&python.Provider{Python: pyExe, Path: []string{dir}}))
	if got := readLines(t, out); strings.Join(got, ",") != "after_experiment completed,after_experiment completed" {
		t.Errorf("calls %v\nlog:\n%s", got, res.log.String())
	}
	if n := testutil.PythonRuns(t, count); n != 3 {
		t.Errorf("python ran %d times, want 3: one inspection, one call per control", n)
	}
}

func TestPythonControlFailuresAreLogged(t *testing.T) {
	needPython(t)
	dir := pythonModules(t)
	e := load(t, `{"title": "t", "description": "d", "controls": [`+pyCtl("bad", "ctl_bad", "{}")+`, `+pyCtl("gone", "ctl_gone", "{}")+`],
		"method": [`+act("action", "a1", "value", "", "")+`], "rollbacks": [`+act("action", "rb", "value", "", "")+`]}`)
	start := time.Now()
	res := runWith(t, e, nil, WithPython(&python.Provider{Path: []string{dir}}), WithPythonTimeout(2*time.Second))
	if res.j.Status != journal.Completed || len(res.j.Run) != 1 || len(res.j.Rollbacks) != 1 {
		t.Fatalf("status %s", res.j.Status)
	}
	if d := time.Since(start); d > 8*time.Second {
		t.Errorf("the hook timeout was not honoured: %v", d)
	}
	log := res.log.String()
	for _, want := range []string{
		"Control 'bad' failed in before_method_control: ValueError: no method for you",
		"Control 'bad' failed in before_rollback_control: before_rollback_control took longer than 2s",
		"Control 'gone' (module 'ctl_gone') could not be configured and is left out of this run: no Go control is registered for module 'ctl_gone' and python cannot find a module of that name",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
}

func TestCheck(t *testing.T) {
	needPython(t)
	dir := pythonModules(t)
	if err := os.WriteFile(filepath.Join(dir, "ctl_broken.py"), []byte("import ctl_no_such_dependency\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	e := load(t, `{"title": "t", "description": "d",
"controls": [`+pyCtl("rec", "ctl_rec", "{}")+`, `+ctl("go", "", "")+`,
  `+pyCtl("nope", "ctl_nope", "{}")+`],
"method": [`+act("action", "a1", "value", "", `, "controls": [`+pyCtl("broken", "ctl_broken", "{}")+`]`)+`]}`)
	gone := global("g", true, "")
	gone.Provider.Set("module", "ctl_gone")
	reg := NewRegistry()
	reg.Register("rec", func() Control { return &recorder{} })
	d := NewDispatcher(e, []*experiment.Control{gone}, reg, WithPython(&python.Provider{Path: []string{dir}}))
	at := func(path string) string { return path + " (line " + e.Positions.Of(path).String() + ")" }
	want := []string{
		"settings.yaml:1:1: control 'g': could not find Python module 'ctl_gone', and no Go control is registered under that name (Go controls: rec)",
		at("$.controls[2].provider.module") + ": control 'nope': could not find Python module 'ctl_nope', and no Go control is registered under that name (Go controls: rec)",
		at("$.method[0].controls[0].provider.module") + ": control 'broken': python module 'ctl_broken' could not be imported: ModuleNotFoundError: No module named 'ctl_no_such_dependency'",
	}
	checkProblems(t, d.Check(bg), want)

	noPython := NewDispatcher(e, nil, reg, WithPython(&python.Provider{Python: "/nonexistent/python3"}))
	got := noPython.Check(bg)
	if len(got) != 3 || !strings.Contains(got[1].Msg, "control 'nope': module 'ctl_nope' is not a Go control, so it needs Python: /nonexistent/python3 is not installed or not on PATH") {
		t.Errorf("without python: %v", got)
	}
	if got := NewDispatcher(load(t, `{"title": "t", "description": "d", "method": [], "controls": [`+ctl("go", "", "")+`]}`), nil, reg).Check(bg); got != nil {
		t.Errorf("Go controls only: %v", got)
	}
}

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

func readLines(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var v any
		if json.Unmarshal([]byte(line), &v) != nil && !strings.HasPrefix(line, "after_experiment") {
			t.Errorf("bad line %q", line)
		}
		out = append(out, line)
	}
	return out
}

// A hook raising chaoslib's InterruptExecution interrupts the run, as in
// Chaos Toolkit: the activity is not played, the run is interrupted and
// the default rollback strategy skips the rollbacks.
func TestPythonControlInterruptExecution(t *testing.T) {
	needPython(t)
	dir := pythonModules(t)
	var method []string
	for _, name := range []string{"a1", "a2", "a3"} {
		method = append(method, act("action", name, "value", "", ""))
	}
	e := load(t, `{"title": "t", "description": "d", "controls": [`+pyCtl("safeguard", "ctl_stop", "{}")+`],
		"method": [`+strings.Join(method, ",")+`], "rollbacks": [`+act("action", "rb", "value", "", "")+`]}`)
	res := runWith(t, e, nil, WithPython(&python.Provider{Path: []string{dir}}))
	if res.j.Status != journal.Interrupted || len(res.j.Rollbacks) != 0 {
		t.Fatalf("status %s, %d rollbacks\n%s", res.j.Status, len(res.j.Rollbacks), res.log.String())
	}
	if n := len(res.j.Run); n != 2 || res.j.Run[1].Status != "" {
		t.Errorf("records: %d, want a1 and an unplayed a2", n)
	}
	for _, want := range []string{"Control 'safeguard' interrupts the experiment in before_activity_control", "error rate above 5%"} {
		if !strings.Contains(res.log.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, res.log.String())
		}
	}
}
