// Package journal is the record of a run, in the shape Chaos Toolkit
// writes to journal.json: same keys, key order, statuses and timestamp
// format, so tools that read Chaos Toolkit journals read ours, and ours can
// read theirs.
package journal

import (
	"time"

	"github.com/chaostracing/chaostracing/value"
)

// Run statuses.
const (
	Completed   = "completed"
	Failed      = "failed"
	Aborted     = "aborted"
	Interrupted = "interrupted"
)

// Activity statuses.
const (
	Succeeded = "succeeded"
	// ActivityFailed is the status of a failed activity.
	ActivityFailed = "failed"
)

// Journal is the record of one experiment run.
type Journal struct {
	ChaoslibVersion string
	Platform        string
	Node            string
	// Experiment is the experiment as written, title substituted, with
	// "dry" set.
	Experiment   *value.Object
	Start        time.Time
	Status       string
	Deviated     bool
	SteadyStates SteadyStates
	Run          []*Record
	Rollbacks    []*Record
	End          time.Time
	// Duration is the run's wall time in seconds.
	Duration float64
	// Extra holds keys that controls add, written after the standard ones.
	Extra *value.Object
}

// SteadyStates holds the hypothesis checks of a run.
type SteadyStates struct {
	Before *Hypothesis
	After  *Hypothesis
	During []*Hypothesis
}

// Hypothesis is the outcome of one steady-state hypothesis check.
type Hypothesis struct {
	Met    bool
	Probes []*Record
}

// Record is the run record of one activity.
type Record struct {
	// Activity is the activity as written, its ref resolved.
	Activity *value.Object
	Output   any
	Start    time.Time
	// Status is Succeeded or ActivityFailed; "" for an activity cut short
	// by an interruption, whose record then has no status key, as in
	// Chaos Toolkit.
	Status string
	// Exception describes a failure as a list of lines, the last one in
	// Chaos Toolkit's form "chaoslib.exceptions.ActivityFailed: msg\n".
	Exception []string
	End       time.Time
	// Duration is End-Start in seconds, to the microsecond.
	Duration float64
	// ToleranceMet is set for hypothesis probes only.
	ToleranceMet *bool
}

// Failed reports whether the record's activity failed.
func (r *Record) Failed() bool { return r.Status == ActivityFailed }

// Finish sets the end time and duration of the record.
func (r *Record) Finish(end time.Time) {
	r.End = end
	r.Duration = Seconds(end.Sub(r.Start).Round(time.Microsecond))
}

// Seconds converts a duration to float seconds.
func Seconds(d time.Duration) float64 { return d.Seconds() }

// ExceptionLines formats an activity failure message as Chaos Toolkit's
// exception list ends.
func ExceptionLines(msg string, detail ...string) []string {
	lines := make([]string, 0, len(detail)+1)
	for _, d := range detail {
		lines = append(lines, ensureNewline(d))
	}
	return append(lines, "chaoslib.exceptions.ActivityFailed: "+ensureNewline(msg))
}

func ensureNewline(s string) string {
	if len(s) > 0 && s[len(s)-1] == '\n' {
		return s
	}
	return s + "\n"
}
