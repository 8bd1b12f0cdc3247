package report

import (
	"fmt"

	"github.com/chaostracing/chaostracing/journal"
)

// Verdict words, as the summary and the report show them.
const (
	VerdictCompleted   = "completed"
	VerdictDeviated    = "deviated"
	VerdictFailed      = "failed"
	VerdictInterrupted = "interrupted"
	VerdictAborted     = "aborted"
	VerdictUnknown     = "unknown"
)

// Verdict is how a run ended, in words.
type Verdict struct {
	// Word is one of the Verdict* constants: the run's status, or
	// "deviated" for a completed run whose steady state deviated.
	Word string
	// ExitCode is the exit code `chaostracing run` ends with for this run:
	// 0 when it completed without deviating, else 1; -1 when unknown.
	ExitCode int
	// Meaning says what happened, as a sentence without its final period.
	Meaning string
}

// Good reports whether the run completed without deviating.
func (v Verdict) Good() bool { return v.ExitCode == 0 }

// Verdict says how the run ended and what its exit code means.
func (tl *Timeline) Verdict() Verdict {
	before := tl.phase(KindHypothesis, PhaseBefore)
	after := tl.phase(KindHypothesis, PhaseAfter)
	cont := tl.phase(KindHypothesis, PhaseContinuous)
	switch {
	case tl.Status == journal.Completed && tl.Deviated:
		m := "the steady state was not met after the method: a weakness may have been found"
		if after != nil && after.Reason != "" {
			m += " (" + after.Reason + ")"
		} else if cont != nil && cont.Failed() {
			missed, n := iterationsMissed(cont)
			m = fmt.Sprintf("the steady state was not met in %d of %d checks during the method", missed, n)
		}
		return Verdict{VerdictDeviated, 1, m}
	case tl.Status == journal.Completed:
		switch {
		case before != nil && before.Failed():
			return Verdict{VerdictCompleted, 0, fmt.Sprintf("the steady state was not met before the method (%s), so the method did not run; Chaos Toolkit counts this as completed", before.Reason)}
		case cont != nil && cont.Failed():
			missed, n := iterationsMissed(cont)
			return Verdict{VerdictCompleted, 0, fmt.Sprintf("the steady state held after the method, but was not met in %d of %d checks during it", missed, n)}
		case before == nil && after == nil && cont == nil:
			return Verdict{VerdictCompleted, 0, "every phase ran to its end (the experiment has no steady-state hypothesis)"}
		}
		return Verdict{VerdictCompleted, 0, "the steady state held"}
	case tl.Status == journal.Failed:
		for _, h := range []*Row{before, after} {
			if h != nil && h.Status == StatusFailed {
				return Verdict{VerdictFailed, 1, fmt.Sprintf("in the hypothesis %s the method, %s", h.Phase, h.Reason)}
			}
		}
		if cont != nil && cont.Failed() {
			missed, n := iterationsMissed(cont)
			return Verdict{VerdictFailed, 1, fmt.Sprintf("the steady state was not met in %d of %d checks during the method, which stopped the run (fail fast)", missed, n)}
		}
		return Verdict{VerdictFailed, 1, "the run failed"}
	case tl.Status == journal.Interrupted:
		return Verdict{VerdictInterrupted, 1, "the run was interrupted (a signal or a control) before its end"}
	case tl.Status == journal.Aborted:
		return Verdict{VerdictAborted, 1, "a control aborted the run"}
	case tl.Status != "":
		return Verdict{tl.Status, 1, "the run ended with status " + tl.Status}
	}
	return Verdict{VerdictUnknown, -1, "the run's status is not recorded"}
}

// iterationsMissed counts the iterations of a continuous hypothesis that
// missed or failed, and all of them.
func iterationsMissed(cont *Row) (missed, n int) {
	for _, it := range cont.Children {
		if it.Kind != KindHypothesis {
			continue
		}
		n++
		if it.Failed() {
			missed++
		}
	}
	return missed, n
}
