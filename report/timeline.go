package report

import (
	"time"
)

// Kind tells what a row stands for.
type Kind string

// Row kinds.
const (
	// KindHypothesis is a steady-state hypothesis check: before or after
	// the method, the continuous hypothesis, or one of its iterations.
	KindHypothesis Kind = "hypothesis"
	// KindMethod is the experiment's method.
	KindMethod Kind = "method"
	// KindRollbacks is the experiment's rollbacks.
	KindRollbacks Kind = "rollbacks"
	// KindActivity is a probe or an action.
	KindActivity Kind = "activity"
	// KindSpan is any other span of a trace: a call an activity made, an
	// extension's own span.
	KindSpan Kind = "span"
)

// Hypothesis phases, as the journal and the spans name them.
const (
	PhaseBefore     = "before"
	PhaseAfter      = "after"
	PhaseContinuous = "continuous"
)

// Status is the outcome of a row.
type Status string

// Row statuses.
const (
	// StatusOK: the activity succeeded (and met its tolerance), the
	// hypothesis was met, the phase ran to its end.
	StatusOK Status = "ok"
	// StatusFailed: the activity raised an error, or the span's status is
	// an error; for a hypothesis, one of its probes failed.
	StatusFailed Status = "failed"
	// StatusMissed: the probe ran but did not meet its tolerance; for a
	// hypothesis, the steady state was not met.
	StatusMissed Status = "missed"
	// StatusInterrupted: the run was interrupted while this ran.
	StatusInterrupted Status = "interrupted"
	// StatusSkipped: the experiment declares this phase but it did not
	// run.
	StatusSkipped Status = "skipped"
	// StatusUnknown: nothing tells (a span without a status).
	StatusUnknown Status = ""
)

// Timeline is a run as a tree of timed rows, with the experiment's header
// and verdict.
type Timeline struct {
	// Title and Description are the experiment's.
	Title, Description string
	// Tags are the experiment's tags.
	Tags []string
	// Status is the run's status: completed, failed, aborted or
	// interrupted; "" when unknown.
	Status string
	// Deviated tells whether the steady state was not met after the
	// method.
	Deviated bool
	// Start and End bound the run.
	Start, End time.Time
	// Platform, Node and ChaoslibVersion describe where the run ran.
	Platform, Node, ChaoslibVersion string
	// TraceID is the trace the timeline comes from, if any (lowercase
	// hex).
	TraceID string
	// Service is the service.name of the trace's resource, if any.
	Service string
	// Sources names what the timeline was built from: "journal",
	// "trace", or both.
	Sources []string
	// Rows are the phases of the run in order, each holding its
	// activities (and, from a trace, their child spans).
	Rows []*Row
}

// Row is one phase, activity or span of the run.
type Row struct {
	// Kind tells what the row stands for.
	Kind Kind
	// Name is the activity's or span's name, or the phase's label
	// ("hypothesis before", "method", "iteration 3").
	Name string
	// Title is the hypothesis title, for hypothesis rows.
	Title string
	// Phase is the hypothesis phase (PhaseBefore, PhaseAfter,
	// PhaseContinuous) of hypothesis rows and of their probes.
	Phase string
	// Iteration numbers the iterations of a continuous hypothesis, from 1.
	Iteration int
	// Type is "probe" or "action" for activities; "" when unknown.
	Type string
	// Background is set for activities that run in the background.
	Background bool
	// Start and End bound the row; both are zero for a skipped phase.
	Start, End time.Time
	// Status is the row's outcome.
	Status Status
	// Reason says why the row failed or missed: the failure's message,
	// "tolerance not met", "steady state not met in 3 of 8 iterations".
	Reason string
	// Met is the hypothesis verdict, for hypothesis rows; nil when
	// unknown.
	Met *bool
	// ToleranceMet is the tolerance verdict of a hypothesis probe; nil
	// when unknown or not a probe of a hypothesis.
	ToleranceMet *bool
	// Output is the activity's output as indented JSON, cut at
	// MaxOutput bytes.
	Output string
	// Definition is the activity as written in the experiment, as
	// indented JSON, without secrets or configuration.
	Definition string
	// Exception is the full failure text (the Python traceback, for the
	// Python tool's journals).
	Exception string
	// Attributes are the span's attributes, or nil.
	Attributes []Attr
	// Events are the span's events, or nil.
	Events []Event
	// SpanID is the span's id (lowercase hex), for rows built from spans.
	SpanID string
	// Children are the rows under this one, in start order.
	Children []*Row
}

// Attr is a span attribute.
type Attr struct {
	// Key is the attribute's name.
	Key string
	// Value is a string, bool, int64, float64, []byte, []any of these, or
	// a *value.Object (an OTLP key-value list).
	Value any
}

// Event is a span event.
type Event struct {
	// Name is the event's name ("exception", "tolerance").
	Name string
	// Time is when the event happened.
	Time time.Time
	// Attributes are the event's attributes.
	Attributes []Attr
}

// Duration is the row's wall time; 0 for a skipped phase.
func (r *Row) Duration() time.Duration {
	if r.Start.IsZero() || r.End.IsZero() || r.End.Before(r.Start) {
		return 0
	}
	return r.End.Sub(r.Start)
}

// Failed reports whether the row is a failure to highlight: it failed or
// missed its tolerance or hypothesis.
func (r *Row) Failed() bool { return r.Status == StatusFailed || r.Status == StatusMissed }

// Duration is the run's wall time.
func (tl *Timeline) Duration() time.Duration {
	if tl.Start.IsZero() || tl.End.Before(tl.Start) {
		return 0
	}
	return tl.End.Sub(tl.Start)
}

// Walk calls fn for every row, depth first, with its depth (0 for the
// phases); fn returns false to skip a row's children.
func (tl *Timeline) Walk(fn func(r *Row, depth int) bool) {
	var walk func(rows []*Row, depth int)
	walk = func(rows []*Row, depth int) {
		for _, r := range rows {
			if fn(r, depth) {
				walk(r.Children, depth+1)
			}
		}
	}
	walk(tl.Rows, 0)
}

// Activities returns every activity row, depth first.
func (tl *Timeline) Activities() []*Row {
	var out []*Row
	tl.Walk(func(r *Row, _ int) bool {
		if r.Kind == KindActivity {
			out = append(out, r)
		}
		return true
	})
	return out
}

// phase returns the first top-level row of a kind (and, for hypothesis
// rows, a phase), or nil.
func (tl *Timeline) phase(kind Kind, phase string) *Row {
	for _, r := range tl.Rows {
		if r.Kind == kind && (kind != KindHypothesis || r.Phase == phase) {
			return r
		}
	}
	return nil
}

// bounds widens the timeline to hold every row.
func (tl *Timeline) bounds() {
	tl.Walk(func(r *Row, _ int) bool {
		if !r.Start.IsZero() && (tl.Start.IsZero() || r.Start.Before(tl.Start)) {
			tl.Start = r.Start
		}
		if r.End.After(tl.End) {
			tl.End = r.End
		}
		return true
	})
	if tl.End.Before(tl.Start) {
		tl.End = tl.Start
	}
}

// span sets a row's bounds to those of its children.
func (r *Row) span() {
	for _, c := range r.Children {
		if c.Start.IsZero() {
			continue
		}
		if r.Start.IsZero() || c.Start.Before(r.Start) {
			r.Start = c.Start
		}
		if c.End.After(r.End) {
			r.End = c.End
		}
	}
}

func boolPtr(b bool) *bool { return &b }
