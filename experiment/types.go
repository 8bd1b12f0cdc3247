package experiment

import (
	"strings"

	"github.com/chaostracing/chaostracing/value"
)

// Experiment is a decoded Chaos Toolkit experiment.
type Experiment struct {
	// Doc is the document as written; the journal embeds a copy of it.
	Doc *value.Object
	// Source names where the experiment came from, for messages.
	Source string
	// Positions locates each JSONPath of Doc in the source, when known.
	Positions value.Positions

	Title         string
	Description   string
	Tags          []string
	Configuration *value.Object
	Secrets       *value.Object
	Controls      []*Control
	Hypothesis    *Hypothesis
	Method        []*Activity
	Rollbacks     []*Activity
	Runtime       Runtime
	// Problems are the format errors Decode found; an experiment with
	// problems must not be run.
	Problems []Problem

	index map[string]*Activity // ref targets, built by Decode
}

// Hypothesis is the steady-state hypothesis.
type Hypothesis struct {
	Doc      *value.Object
	Title    string
	Probes   []*Activity
	Controls []*Control
}

// Activity types.
const (
	Probe  = "probe"
	Action = "action"
)

// Activity is a probe or an action, in the hypothesis, the method or the
// rollbacks, or a probe used as a tolerance.
type Activity struct {
	// Doc is the activity as written; run records copy it.
	Doc *value.Object
	// Path is the activity's JSONPath in the experiment, e.g. $.method[2].
	Path string

	Type string
	Name string
	// Ref names the activity this entry stands for; the rest of the entry
	// is then ignored, except Background and Tolerance.
	Ref      string
	Provider *value.Object
	// Tolerance is the raw tolerance; HasTolerance tells a null tolerance
	// from a missing one.
	Tolerance    any
	HasTolerance bool
	// PauseBefore and PauseAfter are seconds, or an exact "${name}" string
	// resolved at run time; nil when absent.
	PauseBefore any
	PauseAfter  any
	Background  bool
	// Timeout bounds the whole activity in seconds; 0 means none.
	Timeout  float64
	Controls []*Control
	// Dry is the activity's own dry mode ("probes", "actions",
	// "activities", "pause"), or "".
	Dry string
}

// ProviderType returns the provider's "type" field.
func (a *Activity) ProviderType() string { return a.Provider.String("type") }

// Control is a control declaration.
type Control struct {
	Doc  *value.Object
	Path string

	Name      string
	Ref       string
	Provider  *value.Object
	Scope     string // "", "before" or "after"
	Automatic bool
}

// Module returns the control provider's python module name.
func (c *Control) Module() string { return c.Provider.String("module") }

// Runtime holds the experiment's runtime strategies, "" when unset.
type Runtime struct {
	Present            bool
	RollbackStrategy   string
	HypothesisStrategy string
}

// IsToleranceProbe reports whether the activity is a probe used as a
// hypothesis probe's tolerance, which the runner calls with the checked
// output as its "value" argument.
func (a *Activity) IsToleranceProbe() bool { return strings.HasSuffix(a.Path, ".tolerance") }
