package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/chaostracing/chaostracing/journal"
	"github.com/chaostracing/chaostracing/value"
)

// FromJournal builds the timeline of a run from its journal, ours or the
// Python Chaos Toolkit's. A journal does not time the phases themselves:
// a phase spans its activities. Phases the experiment declares but the
// run did not play are rows with StatusSkipped.
func FromJournal(j *journal.Journal) *Timeline {
	tl := &Timeline{Sources: []string{"journal"}}
	if j == nil {
		return tl
	}
	tl.header(j)
	hypTitle := j.Experiment.Object("steady-state-hypothesis").String("title")
	if h := j.SteadyStates.Before; h != nil {
		tl.Rows = append(tl.Rows, hypothesisRow(h, PhaseBefore, 0, hypTitle))
	}
	if len(j.Run) > 0 {
		tl.Rows = append(tl.Rows, sectionRow(KindMethod, "method", j.Run, ""))
	}
	if len(j.SteadyStates.During) > 0 {
		cont := &Row{Kind: KindHypothesis, Name: "hypothesis during method", Phase: PhaseContinuous, Title: hypTitle}
		for i, h := range j.SteadyStates.During {
			if h != nil {
				cont.Children = append(cont.Children, hypothesisRow(h, PhaseContinuous, i+1, hypTitle))
			}
		}
		cont.span()
		tl.Rows = append(tl.Rows, cont)
	}
	if h := j.SteadyStates.After; h != nil {
		tl.Rows = append(tl.Rows, hypothesisRow(h, PhaseAfter, 0, hypTitle))
	}
	if len(j.Rollbacks) > 0 {
		tl.Rows = append(tl.Rows, sectionRow(KindRollbacks, "rollbacks", j.Rollbacks, ""))
	}
	tl.skipped(j)
	tl.settle()
	tl.bounds()
	return tl
}

// header copies the experiment's header and the run's verdict.
func (tl *Timeline) header(j *journal.Journal) {
	exp := j.Experiment
	if t := exp.String("title"); t != "" {
		tl.Title = t
	}
	if d := exp.String("description"); d != "" {
		tl.Description = d
	}
	if tags, ok := exp.Get("tags"); ok {
		if list, ok := tags.([]any); ok {
			tl.Tags = tl.Tags[:0]
			for _, t := range list {
				if s, ok := t.(string); ok {
					tl.Tags = append(tl.Tags, s)
				}
			}
		}
	}
	if j.Status != "" {
		tl.Status = j.Status
	}
	tl.Deviated = j.Deviated
	if !j.Start.IsZero() {
		tl.Start = j.Start
	}
	if !j.End.IsZero() {
		tl.End = j.End
	}
	for _, kv := range []struct {
		dst *string
		src string
	}{{&tl.Platform, j.Platform}, {&tl.Node, j.Node}, {&tl.ChaoslibVersion, j.ChaoslibVersion}} {
		if kv.src != "" {
			*kv.dst = kv.src
		}
	}
}

// hypothesisRow is one hypothesis check: before, after, or one continuous
// iteration.
func hypothesisRow(h *journal.Hypothesis, phase string, iteration int, title string) *Row {
	name := "hypothesis " + phase
	if phase == PhaseContinuous {
		name = fmt.Sprintf("iteration %d", iteration)
	}
	r := sectionRow(KindHypothesis, name, h.Probes, phase)
	r.Phase, r.Iteration, r.Title = phase, iteration, title
	r.Met = boolPtr(h.Met)
	return r
}

// sectionRow is a phase holding the rows of its records, in start order.
func sectionRow(kind Kind, name string, records []*journal.Record, phase string) *Row {
	r := &Row{Kind: kind, Name: name}
	for _, rec := range records {
		if rec == nil {
			continue
		}
		a := &Row{Kind: KindActivity, Phase: phase}
		a.fromRecord(rec)
		r.Children = append(r.Children, a)
	}
	slices.SortStableFunc(r.Children, func(a, b *Row) int { return a.Start.Compare(b.Start) })
	r.span()
	return r
}

// fromRecord fills an activity row from its journal record: the journal
// has the last word on everything but the timing of a row that already
// has one.
func (r *Row) fromRecord(rec *journal.Record) {
	a := rec.Activity
	if name := a.String("name"); name != "" {
		r.Name = name
	}
	if t := a.String("type"); t != "" {
		r.Type = t
	}
	if bg, ok := a.Get("background"); ok {
		r.Background = bg == true
	}
	if r.Start.IsZero() {
		r.Start, r.End = rec.Start, rec.End
		if r.End.IsZero() {
			r.End = r.Start
		}
	}
	r.Output = prettyValue(rec.Output)
	r.Definition = definition(a)
	r.ToleranceMet = rec.ToleranceMet
	r.Exception = strings.Join(rec.Exception, "")
	r.Status, r.Reason = recordStatus(rec.Status, rec.Exception, rec.ToleranceMet)
}

// recordStatus is an activity's outcome from its journal status, the
// lines of its exception and its tolerance verdict.
func recordStatus(status string, exception []string, toleranceMet *bool) (Status, string) {
	switch status {
	case journal.ActivityFailed:
		return StatusFailed, FailureReason(exception)
	case "":
		return StatusInterrupted, "interrupted before it ended"
	}
	if toleranceMet != nil && !*toleranceMet {
		return StatusMissed, "tolerance not met"
	}
	return StatusOK, ""
}

// FailureReason is the message of an activity failure: the last line of
// its exception, without the "chaoslib.exceptions.ActivityFailed: "
// prefix (or that of another chaoslib exception).
func FailureReason(exception []string) string {
	for i := len(exception) - 1; i >= 0; i-- {
		line := strings.TrimSpace(exception[i])
		if line == "" {
			continue
		}
		if rest, ok := strings.CutPrefix(line, "chaoslib.exceptions."); ok {
			if class, msg, ok := strings.Cut(rest, ": "); ok && !strings.ContainsAny(class, " .") {
				return msg
			}
		}
		return line
	}
	return "failed"
}

// skipped adds a row for each phase the experiment declares that did not
// run, where it would have been.
func (tl *Timeline) skipped(j *journal.Journal) {
	exp := j.Experiment
	if exp == nil {
		return
	}
	declared := func(key string) bool {
		v, _ := exp.Get(key)
		list, _ := v.([]any)
		return len(list) > 0
	}
	hyp := exp.Object("steady-state-hypothesis")
	hasHyp := hyp != nil
	if hasHyp {
		probes, _ := hyp.Get("probes")
		list, _ := probes.([]any)
		hasHyp = len(list) > 0
	}
	interrupted := j.Status == journal.Interrupted || j.Status == journal.Aborted
	var rows []*Row
	add := func(r *Row) { rows = append(rows, r) }
	before := tl.phase(KindHypothesis, PhaseBefore)
	if before != nil {
		add(before)
	}
	method := tl.phase(KindMethod, "")
	switch {
	case method != nil:
		add(method)
	case declared("method"):
		reason := "not run"
		switch {
		case before != nil && before.Met != nil && !*before.Met:
			reason = "not run: the steady state was not met before the method"
		case interrupted:
			reason = "not run: " + runEnded(j.Status)
		}
		add(&Row{Kind: KindMethod, Name: "method", Status: StatusSkipped, Reason: reason})
	}
	if cont := tl.phase(KindHypothesis, PhaseContinuous); cont != nil {
		add(cont)
	}
	after := tl.phase(KindHypothesis, PhaseAfter)
	switch {
	case after != nil:
		add(after)
	case hasHyp && before != nil && tl.phase(KindHypothesis, PhaseContinuous) == nil:
		reason := "not run"
		switch {
		case before.Met != nil && !*before.Met:
			reason = "not run: the steady state was not met before the method"
		case interrupted || j.Status == journal.Failed:
			reason = "not run: " + runEnded(j.Status)
		}
		add(&Row{Kind: KindHypothesis, Name: "hypothesis after", Phase: PhaseAfter, Title: hyp.String("title"), Status: StatusSkipped, Reason: reason})
	}
	rollbacks := tl.phase(KindRollbacks, "")
	switch {
	case rollbacks != nil:
		add(rollbacks)
	case declared("rollbacks"):
		reason := "not run"
		if interrupted || j.Status == journal.Failed {
			reason = "not run: " + runEnded(j.Status)
		}
		add(&Row{Kind: KindRollbacks, Name: "rollbacks", Status: StatusSkipped, Reason: reason})
	}
	// Rows of other kinds (spans outside the phases) keep their place
	// after the phases.
	for _, r := range tl.Rows {
		if !slices.Contains(rows, r) {
			rows = append(rows, r)
		}
	}
	tl.Rows = rows
}

// runEnded words how a run that did not complete ended.
func runEnded(status string) string {
	if status == journal.Failed {
		return "the run failed"
	}
	return "the run was " + status
}

// settle derives the status of the phases from their verdict and their
// children, once the activities' statuses are known.
func (tl *Timeline) settle() {
	var settle func(r *Row)
	settle = func(r *Row) {
		for _, c := range r.Children {
			settle(c)
		}
		if r.Status == StatusSkipped {
			return
		}
		switch r.Kind {
		case KindHypothesis:
			r.Status, r.Reason = hypothesisStatus(r)
		case KindMethod, KindRollbacks:
			r.Status, r.Reason = StatusOK, ""
			for _, c := range r.Children {
				if c.Status == StatusInterrupted {
					r.Status, r.Reason = StatusInterrupted, "interrupted"
				}
			}
		}
	}
	for _, r := range tl.Rows {
		settle(r)
	}
}

// hypothesisStatus is a hypothesis row's outcome: for the continuous
// hypothesis, that of its iterations; for a check, its verdict, failed
// when the probe that broke it failed.
func hypothesisStatus(r *Row) (Status, string) {
	if r.Phase == PhaseContinuous && r.Iteration == 0 {
		missed, failed := 0, 0
		for _, it := range r.Children {
			switch it.Status {
			case StatusMissed:
				missed++
			case StatusFailed:
				failed++
			}
		}
		n := len(r.Children)
		switch {
		case failed > 0:
			return StatusFailed, fmt.Sprintf("a probe failed in %d of %d iterations", failed, n)
		case missed > 0:
			return StatusMissed, fmt.Sprintf("steady state not met in %d of %d iterations", missed, n)
		case n == 0 && r.Met != nil && !*r.Met:
			return StatusMissed, "steady state not met"
		}
		return StatusOK, ""
	}
	for _, c := range r.Children {
		if c.Status == StatusInterrupted {
			return StatusInterrupted, "interrupted"
		}
	}
	if r.Met == nil {
		for _, c := range r.Children {
			if c.Failed() {
				return StatusFailed, fmt.Sprintf("probe %s: %s", c.Name, c.Reason)
			}
		}
		return StatusUnknown, ""
	}
	if *r.Met {
		return StatusOK, ""
	}
	for _, c := range r.Children {
		if c.Status == StatusFailed {
			return StatusFailed, fmt.Sprintf("probe %s failed: %s", c.Name, c.Reason)
		}
	}
	for _, c := range r.Children {
		if c.Status == StatusMissed {
			return StatusMissed, fmt.Sprintf("probe %s: tolerance not met", c.Name)
		}
	}
	return StatusMissed, "steady state not met"
}

// definition is an activity's document as indented JSON, without the
// keys that may hold secrets.
func definition(a *value.Object) string {
	if a == nil {
		return ""
	}
	return prettyValue(a)
}
