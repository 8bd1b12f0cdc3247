package journal

import (
	"time"

	"github.com/chaostracing/chaostracing/value"
)

// TimeFormat renders timestamps as Python's datetime.isoformat() does for
// UTC times; the fraction is dropped when it is zero, as Python does.
func TimeFormat(t time.Time) string {
	t = t.UTC()
	if t.Nanosecond()/1000 == 0 {
		return t.Format("2006-01-02T15:04:05+00:00")
	}
	return t.Format("2006-01-02T15:04:05.000000+00:00")
}

// Value returns the journal as a document in Chaos Toolkit's key order.
func (j *Journal) Value() *value.Object {
	o := value.NewObject(
		"chaoslib-version", j.ChaoslibVersion,
		"platform", j.Platform,
		"node", j.Node,
		"experiment", j.Experiment,
		"start", TimeFormat(j.Start),
		"status", j.Status,
		"deviated", j.Deviated,
		"steady_states", value.NewObject(
			"before", j.SteadyStates.Before.value(),
			"after", j.SteadyStates.After.value(),
			"during", hypothesesValue(j.SteadyStates.During),
		),
		"run", recordsValue(j.Run),
		"rollbacks", recordsValue(j.Rollbacks),
		"end", TimeFormat(j.End),
		"duration", j.Duration,
	)
	for _, k := range j.Extra.Keys() {
		v, _ := j.Extra.Get(k)
		o.Set(k, v)
	}
	return o
}

func (h *Hypothesis) value() any {
	if h == nil {
		return nil
	}
	return value.NewObject("steady_state_met", h.Met, "probes", recordsValue(h.Probes))
}

func hypothesesValue(list []*Hypothesis) []any {
	out := make([]any, len(list))
	for i, h := range list {
		out[i] = h.value()
	}
	return out
}

func recordsValue(list []*Record) []any {
	out := make([]any, len(list))
	for i, r := range list {
		out[i] = r.Value()
	}
	return out
}

// Value returns the record in Chaos Toolkit's key order.
func (r *Record) Value() *value.Object {
	o := value.NewObject("activity", r.Activity, "output", r.Output, "start", TimeFormat(r.Start))
	if r.Status != "" {
		o.Set("status", r.Status)
	}
	if r.Exception != nil {
		exc := make([]any, len(r.Exception))
		for i, line := range r.Exception {
			exc[i] = line
		}
		o.Set("exception", exc)
	}
	if !r.End.IsZero() {
		o.Set("end", TimeFormat(r.End))
		o.Set("duration", r.Duration)
	}
	if r.ToleranceMet != nil {
		o.Set("tolerance_met", *r.ToleranceMet)
	}
	return o
}
