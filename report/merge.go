package report

import (
	"github.com/chaostracing/chaostracing/journal"
)

// MergeJournal completes a timeline built from spans with the journal of
// the same run: the spans keep the timing and the tree, the journal gives
// the header, the verdict, and each activity's output, definition, type,
// status and tolerance verdict (a trace may cut outputs short, and the
// Python extension records no tolerance verdict). Activities are matched
// by phase and name, in order; phases the experiment declares but that
// did not run are added as skipped.
func (tl *Timeline) MergeJournal(j *journal.Journal) {
	if j == nil {
		return
	}
	start, end := tl.Start, tl.End
	tl.header(j)
	if !start.IsZero() {
		tl.Start, tl.End = start, end
	}
	tl.Sources = append(tl.Sources, "journal")
	hypTitle := j.Experiment.Object("steady-state-hypothesis").String("title")
	for _, r := range tl.Rows {
		switch r.Kind {
		case KindHypothesis:
			r.Title = hypTitle
			switch r.Phase {
			case PhaseBefore:
				mergeHypothesis(r, j.SteadyStates.Before)
			case PhaseAfter:
				mergeHypothesis(r, j.SteadyStates.After)
			case PhaseContinuous:
				n := 0
				for _, it := range r.Children {
					if it.Kind != KindHypothesis {
						continue
					}
					it.Title = hypTitle
					k := n
					if it.Iteration > 0 {
						k = it.Iteration - 1
					}
					n++
					if k < len(j.SteadyStates.During) {
						mergeHypothesis(it, j.SteadyStates.During[k])
					}
				}
			}
		case KindMethod:
			mergeRecords(r.Children, j.Run)
		case KindRollbacks:
			mergeRecords(r.Children, j.Rollbacks)
		}
	}
	tl.skipped(j)
	tl.settle()
	tl.bounds()
}

func mergeHypothesis(r *Row, h *journal.Hypothesis) {
	if h == nil {
		return
	}
	r.Met = boolPtr(h.Met)
	mergeRecords(r.Children, h.Probes)
}

// mergeRecords gives each activity row the first record of the same name
// not taken yet.
func mergeRecords(rows []*Row, records []*journal.Record) {
	used := make([]bool, len(records))
	for _, r := range rows {
		if r.Kind != KindActivity {
			continue
		}
		for i, rec := range records {
			if used[i] || rec == nil || rec.Activity.String("name") != r.Name {
				continue
			}
			used[i] = true
			r.fromRecord(rec)
			break
		}
	}
}
