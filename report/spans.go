package report

import (
	"fmt"
	"slices"
	"strings"
)

// Span names and attribute keys of a Chaos Toolkit trace, as the Python
// chaostracing.oltp extension and chaostracing write them.
const (
	spanExperiment = "experiment"
	spanHypothesis = "hypothesis"
	spanMethod     = "method"
	spanRollbacks  = "rollbacks"
	activityPrefix = "activity: "

	keyTitle         = "chaostoolkit.experiment.title"
	keyPlatform      = "chaostoolkit.platform.full"
	keyStatus        = "chaostoolkit.experiment.status"
	keyDeviated      = "chaostoolkit.experiment.deviated"
	keyInterrupted   = "chaostoolkit.experiment.interrupted"
	keyPhase         = "chaostoolkit.hypothesis.phase"
	keyMet           = "chaostoolkit.hypothesis.met"
	keyIteration     = "chaostoolkit.hypothesis.iteration"
	keyActivityName  = "chaostoolkit.activity.name"
	keyActivityType  = "chaostoolkit.activity.type"
	keyBackground    = "chaostoolkit.activity.background"
	keyOutput        = "chaostoolkit.activity.output"
	keyActivityState = "chaostoolkit.activity.status"
	keyError         = "chaostoolkit.activity.error"
	keyToleranceMet  = "chaostoolkit.activity.tolerance_met"
	keyServiceName   = "service.name"
)

// FromSpans builds the timeline of a run from the spans of its trace: the
// "experiment" span gives the header and verdict, the "hypothesis",
// "method" and "rollbacks" spans the phases, the "activity: NAME" spans
// the activities, with their chaostoolkit.* attributes. Any other span is
// a row of KindSpan under its parent; a span whose parent is not in the
// trace is a top-level row.
func FromSpans(spans []*Span) *Timeline {
	tl := &Timeline{Sources: []string{"trace"}}
	byID := make(map[string]*Span, len(spans))
	for _, s := range spans {
		if _, dup := byID[s.SpanID]; !dup {
			byID[s.SpanID] = s
		}
	}
	children := map[string][]*Span{}
	var roots []*Span
	for id, s := range byID {
		if p, ok := byID[s.ParentID]; ok && s.ParentID != "" && p != s {
			children[s.ParentID] = append(children[s.ParentID], s)
		} else {
			roots = append(roots, byID[id])
		}
	}
	order := func(list []*Span) {
		slices.SortStableFunc(list, func(a, b *Span) int {
			if c := a.Start.Compare(b.Start); c != 0 {
				return c
			}
			return strings.Compare(a.SpanID, b.SpanID)
		})
	}
	order(roots)
	for _, list := range children {
		order(list)
	}
	var build func(s *Span, phase string) *Row
	build = func(s *Span, phase string) *Row {
		r := spanRow(s, phase)
		if r.Kind == KindHypothesis {
			phase = r.Phase
		}
		if r.Kind == KindMethod || r.Kind == KindRollbacks {
			phase = ""
		}
		for _, c := range children[s.SpanID] {
			r.Children = append(r.Children, build(c, phase))
		}
		return r
	}
	var exp *Span
	var orphans []*Row
	orphanParent := map[*Row]string{}
	for _, s := range roots {
		if s.Name == spanExperiment && exp == nil {
			exp = s
			tl.experimentSpan(s)
			for _, c := range children[s.SpanID] {
				tl.Rows = append(tl.Rows, build(c, ""))
			}
			continue
		}
		r := build(s, "")
		if r.Kind == KindActivity {
			orphans = append(orphans, r)
			orphanParent[r] = s.ParentID
		} else {
			tl.Rows = append(tl.Rows, r)
		}
	}
	if exp != nil {
		tl.adopt(orphans, orphanParent)
	} else {
		tl.Rows = append(tl.Rows, orphans...)
	}
	if len(spans) > 0 {
		tl.TraceID = spans[0].TraceID
		if v, ok := attrValue(spans[0].Resource, keyServiceName); ok {
			tl.Service = AttrString(v)
		}
	}
	if tl.Title == "" && tl.TraceID != "" {
		tl.Title = "trace " + tl.TraceID
	}
	tl.inferMisses()
	tl.settle()
	tl.bounds()
	return tl
}

// adopt gives activities whose phase span is missing from the trace (a
// run cut short does not export the spans it did not end) a phase: the
// method if the trace has none, else the rollbacks if it has none.
// Activities under the same missing span share it.
func (tl *Timeline) adopt(orphans []*Row, parentOf map[*Row]string) {
	groups := map[string]*Row{}
	for _, r := range orphans {
		parent := parentOf[r]
		phase := groups[parent]
		if phase == nil && parent != "" {
			for _, kind := range []Kind{KindMethod, KindRollbacks} {
				if tl.phase(kind, "") == nil {
					phase = &Row{Kind: kind, Name: string(kind), Attributes: []Attr{{Key: "note", Value: "this phase's span is not in the trace (a run cut short does not export it); it holds the activities whose parent span is missing"}}}
					groups[parent] = phase
					tl.Rows = append(tl.Rows, phase)
					break
				}
			}
		}
		if phase == nil {
			tl.Rows = append(tl.Rows, r)
			continue
		}
		phase.Children = append(phase.Children, r)
		phase.span()
	}
	slices.SortStableFunc(tl.Rows, func(a, b *Row) int { return a.Start.Compare(b.Start) })
}

// Timeline builds the trace's timeline with FromSpans.
func (t *Trace) Timeline() *Timeline { return FromSpans(t.Spans) }

// Experiment returns the trace's "experiment" span, or nil.
func (t *Trace) Experiment() *Span {
	ids := make(map[string]bool, len(t.Spans))
	for _, s := range t.Spans {
		ids[s.SpanID] = true
	}
	for _, s := range t.Spans {
		if s.Name == spanExperiment && !ids[s.ParentID] {
			return s
		}
	}
	return nil
}

// experimentSpan copies the header and verdict of the experiment span.
func (tl *Timeline) experimentSpan(s *Span) {
	tl.Start, tl.End = s.Start, s.End
	tl.Title = attrString(s, keyTitle)
	tl.Platform = attrString(s, keyPlatform)
	tl.Status = attrString(s, keyStatus)
	if v, ok := s.Attr(keyDeviated); ok {
		tl.Deviated = v == true
	}
	if tl.Status == "" {
		if v, ok := s.Attr(keyInterrupted); ok && v == true {
			tl.Status = "interrupted"
		}
	}
}

// spanRow turns a span into a row; phase is the hypothesis phase of the
// span's nearest hypothesis, for its probes.
func spanRow(s *Span, phase string) *Row {
	r := &Row{Kind: KindSpan, Name: s.Name, Start: s.Start, End: s.End, SpanID: s.SpanID, Events: s.Events}
	keep := func(a Attr) bool { return true }
	switch {
	case s.Name == spanHypothesis:
		r.Kind = KindHypothesis
		r.Phase = attrString(s, keyPhase)
		if n, ok := s.Attr(keyIteration); ok {
			r.Iteration = int(toInt(n))
		}
		switch {
		case r.Phase == PhaseContinuous && r.Iteration > 0:
			r.Name = fmt.Sprintf("iteration %d", r.Iteration)
		case r.Phase == PhaseContinuous:
			r.Name = "hypothesis during method"
		case r.Phase != "":
			r.Name = "hypothesis " + r.Phase
		}
		if v, ok := s.Attr(keyMet); ok {
			r.Met = boolPtr(v == true)
		}
		if s.StatusCode == "error" {
			r.Reason = s.StatusMessage
		}
	case s.Name == spanMethod:
		r.Kind = KindMethod
	case s.Name == spanRollbacks:
		r.Kind = KindRollbacks
	case strings.HasPrefix(s.Name, activityPrefix):
		r.Kind = KindActivity
		r.Phase = phase
		r.Name = attrString(s, keyActivityName)
		if r.Name == "" {
			r.Name = strings.TrimPrefix(s.Name, activityPrefix)
		}
		r.Type = attrString(s, keyActivityType)
		if r.Type == "" && phase != "" {
			r.Type = "probe" // a hypothesis holds probes only
		}
		if v, ok := s.Attr(keyBackground); ok {
			r.Background = v == true
		}
		if v, ok := s.Attr(keyOutput); ok {
			if str, isStr := v.(string); isStr {
				r.Output = prettyJSON(str)
			} else {
				r.Output = prettyValue(v)
			}
		}
		if v, ok := s.Attr(keyToleranceMet); ok {
			r.ToleranceMet = boolPtr(v == true)
		}
		var exception []string
		if v, ok := s.Attr(keyError); ok {
			exception = stringList(v)
			r.Exception = strings.Join(exception, "")
		}
		status, hasStatus := s.Attr(keyActivityState)
		switch {
		case hasStatus:
			r.Status, r.Reason = recordStatus(AttrString(status), exception, r.ToleranceMet)
			if r.Status == StatusFailed && len(exception) == 0 && s.StatusMessage != "" {
				r.Reason = s.StatusMessage
			}
		case s.StatusCode == "error" && s.StatusMessage != "activity interrupted":
			r.Status, r.Reason = StatusFailed, s.StatusMessage
		default:
			r.Status, r.Reason = recordStatus("", nil, nil)
		}
		keep = func(a Attr) bool { return a.Key != keyOutput && a.Key != keyError }
	default:
		// An instrumentation sets an error status when the call failed;
		// unset means it did not.
		r.Status = StatusOK
		if s.StatusCode == "error" {
			r.Status, r.Reason = StatusFailed, s.StatusMessage
			if r.Reason == "" {
				r.Reason = "error"
			}
		}
	}
	for _, a := range s.Attributes {
		if keep(a) {
			r.Attributes = append(r.Attributes, a)
		}
	}
	return r
}

// inferMisses marks the probe that broke a hypothesis not met when the
// trace does not say which one did (the Python extension records no
// tolerance verdict): Chaos Toolkit stops at the first probe out of
// tolerance, so it is the last one that ran.
func (tl *Timeline) inferMisses() {
	tl.Walk(func(r *Row, _ int) bool {
		if r.Kind != KindHypothesis || r.Met == nil || *r.Met || len(r.Children) == 0 {
			return true
		}
		var probes []*Row
		for _, c := range r.Children {
			if c.Kind != KindActivity {
				continue
			}
			if c.ToleranceMet != nil || c.Failed() {
				return true
			}
			probes = append(probes, c)
		}
		if n := len(probes); n > 0 && probes[n-1].Status == StatusOK {
			probes[n-1].Status, probes[n-1].Reason = StatusMissed, "tolerance not met"
			probes[n-1].ToleranceMet = boolPtr(false)
		}
		return true
	})
}

func attrString(s *Span, key string) string {
	v, ok := s.Attr(key)
	if !ok {
		return ""
	}
	return AttrString(v)
}

// stringList reads an attribute holding lines: a list of strings, or one
// string.
func stringList(v any) []string {
	switch t := v.(type) {
	case []any:
		out := make([]string, 0, len(t))
		for _, x := range t {
			out = append(out, AttrString(x))
		}
		return out
	case string:
		return []string{t}
	}
	return []string{AttrString(v)}
}

func toInt(v any) int64 {
	switch t := v.(type) {
	case int64:
		return t
	case float64:
		return int64(t)
	}
	return 0
}
