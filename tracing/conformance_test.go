package tracing

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/chaostracing/chaostracing/experiment"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
)

// pythonKeys are the attributes the Python chaostracing.oltp extension
// writes, but chaostoolkit.platform.full, whose value is the machine's.
var pythonKeys = map[string]bool{}

func init() {
	for _, k := range []string{
		"chaostoolkit.experiment.title", "chaostoolkit.experiment.status", "chaostoolkit.experiment.deviated",
		"chaostoolkit.experiment.interrupted", "chaostoolkit.hypothesis.phase", "chaostoolkit.hypothesis.met",
		"chaostoolkit.hypothesis.iteration", "chaostoolkit.activity.name", "chaostoolkit.activity.background",
		"chaostoolkit.activity.output", "chaostoolkit.activity.status", "chaostoolkit.activity.error",
	} {
		pythonKeys[k] = true
	}
}

// pythonTree renders spans as the reference runs' spans-tree.txt does,
// durations and statuses left out, with the Python extension's
// attributes only.
func pythonTree(t *testing.T, spans tracetest.SpanStubs) string {
	children := map[trace.SpanID][]tracetest.SpanStub{}
	var roots []tracetest.SpanStub
	for _, s := range spans {
		if s.Parent.IsValid() {
			children[s.Parent.SpanID()] = append(children[s.Parent.SpanID()], s)
		} else {
			roots = append(roots, s)
		}
	}
	var b strings.Builder
	var walk func(list []tracetest.SpanStub, indent string)
	walk = func(list []tracetest.SpanStub, indent string) {
		sort.SliceStable(list, func(i, j int) bool { return list[i].StartTime.Before(list[j].StartTime) })
		for _, s := range list {
			b.WriteString(indent + "- " + s.Name + "\n")
			for _, kv := range s.Attributes {
				if !pythonKeys[string(kv.Key)] {
					continue
				}
				v, err := json.Marshal(kv.Value.AsInterface())
				if err != nil {
					t.Fatal(err)
				}
				fmt.Fprintf(&b, "%s    %s = %s\n", indent, kv.Key, v)
			}
			walk(children[s.SpanContext.SpanID()], indent+"  ")
		}
	}
	walk(roots, "")
	return b.String()
}

// The reference runs of the Python tool (../shared/ctk/reference) with
// process activities: our spans carry the same names, parents and
// chaostoolkit.* attributes.
func TestSpansMatchThePythonReferenceRuns(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "marker")
	for _, tt := range []struct {
		name, experiment, tree string
	}{
		{"basic-traced", basicTraced, basicTracedTree},
		{"deviated-traced", fmt.Sprintf(deviatedTraced, marker), deviatedTracedTree},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e, err := experiment.Load(tt.name+".json", []byte(tt.experiment))
			if err != nil {
				t.Fatal(err)
			}
			res := runTraced(t, e, setup{})
			if got := pythonTree(t, res.spans); got != tt.tree {
				t.Errorf("got\n%s\nwant\n%s", got, tt.tree)
			}
		})
	}
}

const basicTraced = `{"version": "1.0.0", "title": "basic reference experiment (traced)", "description": "1 hypothesis probe, 2 method actions (one with a pause), 1 rollback", "tags": ["reference"],
 "steady-state-hypothesis": {"title": "true is true", "probes": [{"type": "probe", "name": "run-true", "tolerance": 0, "provider": {"type": "process", "path": "true"}}]},
 "method": [{"type": "action", "name": "echo-hello", "provider": {"type": "process", "path": "echo", "arguments": "hello"}},
            {"type": "action", "name": "true-with-pause", "provider": {"type": "process", "path": "true"}, "pauses": {"after": 0.05}}],
 "rollbacks": [{"type": "action", "name": "rollback-true", "provider": {"type": "process", "path": "true"}}],
 "controls": [{"name": "opentelemetry", "provider": {"type": "python", "module": "chaostracing.oltp"}}]}`

const deviatedTraced = `{"version": "1.0.0", "title": "deviating experiment (traced)", "description": "steady state holds before, method breaks it, hypothesis fails after", "tags": ["reference"],
 "configuration": {"marker": {"type": "env", "key": "REF_CTK_MARKER_UNSET_IN_TESTS", "default": %q}},
 "steady-state-hypothesis": {"title": "marker file is absent", "probes": [{"type": "probe", "name": "marker-absent", "tolerance": 0, "provider": {"type": "process", "path": "test", "arguments": ["!", "-e", "${marker}"]}}]},
 "method": [{"type": "action", "name": "create-marker", "provider": {"type": "process", "path": "touch", "arguments": ["${marker}"]}}],
 "rollbacks": [{"type": "action", "name": "remove-marker", "provider": {"type": "process", "path": "rm", "arguments": ["-f", "${marker}"]}}],
 "controls": [{"name": "opentelemetry", "provider": {"type": "python", "module": "chaostracing.oltp"}}]}`

// The reference trees, from runs/*/spans-tree.txt.
const basicTracedTree = `- experiment
    chaostoolkit.experiment.title = "basic reference experiment (traced)"
    chaostoolkit.experiment.status = "completed"
    chaostoolkit.experiment.deviated = false
  - hypothesis
      chaostoolkit.hypothesis.phase = "before"
      chaostoolkit.hypothesis.met = true
    - activity: run-true
        chaostoolkit.activity.name = "run-true"
        chaostoolkit.activity.background = false
        chaostoolkit.activity.output = "{\"status\": 0, \"stdout\": \"\", \"stderr\": \"\"}"
        chaostoolkit.activity.status = "succeeded"
  - method
    - activity: echo-hello
        chaostoolkit.activity.name = "echo-hello"
        chaostoolkit.activity.background = false
        chaostoolkit.activity.output = "{\"status\": 0, \"stdout\": \"hello\\n\", \"stderr\": \"\"}"
        chaostoolkit.activity.status = "succeeded"
    - activity: true-with-pause
        chaostoolkit.activity.name = "true-with-pause"
        chaostoolkit.activity.background = false
        chaostoolkit.activity.output = "{\"status\": 0, \"stdout\": \"\", \"stderr\": \"\"}"
        chaostoolkit.activity.status = "succeeded"
  - hypothesis
      chaostoolkit.hypothesis.phase = "after"
      chaostoolkit.hypothesis.met = true
    - activity: run-true
        chaostoolkit.activity.name = "run-true"
        chaostoolkit.activity.background = false
        chaostoolkit.activity.output = "{\"status\": 0, \"stdout\": \"\", \"stderr\": \"\"}"
        chaostoolkit.activity.status = "succeeded"
  - rollbacks
    - activity: rollback-true
        chaostoolkit.activity.name = "rollback-true"
        chaostoolkit.activity.background = false
        chaostoolkit.activity.output = "{\"status\": 0, \"stdout\": \"\", \"stderr\": \"\"}"
        chaostoolkit.activity.status = "succeeded"
`

const deviatedTracedTree = `- experiment
    chaostoolkit.experiment.title = "deviating experiment (traced)"
    chaostoolkit.experiment.status = "completed"
    chaostoolkit.experiment.deviated = true
  - hypothesis
      chaostoolkit.hypothesis.phase = "before"
      chaostoolkit.hypothesis.met = true
    - activity: marker-absent
        chaostoolkit.activity.name = "marker-absent"
        chaostoolkit.activity.background = false
        chaostoolkit.activity.output = "{\"status\": 0, \"stdout\": \"\", \"stderr\": \"\"}"
        chaostoolkit.activity.status = "succeeded"
  - method
    - activity: create-marker
        chaostoolkit.activity.name = "create-marker"
        chaostoolkit.activity.background = false
        chaostoolkit.activity.output = "{\"status\": 0, \"stdout\": \"\", \"stderr\": \"\"}"
        chaostoolkit.activity.status = "succeeded"
  - hypothesis
      chaostoolkit.hypothesis.phase = "after"
      chaostoolkit.hypothesis.met = false
    - activity: marker-absent
        chaostoolkit.activity.name = "marker-absent"
        chaostoolkit.activity.background = false
        chaostoolkit.activity.output = "{\"status\": 1, \"stdout\": \"\", \"stderr\": \"\"}"
        chaostoolkit.activity.status = "succeeded"
  - rollbacks
    - activity: remove-marker
        chaostoolkit.activity.name = "remove-marker"
        chaostoolkit.activity.background = false
        chaostoolkit.activity.output = "{\"status\": 0, \"stdout\": \"\", \"stderr\": \"\"}"
        chaostoolkit.activity.status = "succeeded"
`
