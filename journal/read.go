package journal

import (
	"fmt"
	"os"
	"time"

	"github.com/chaostracing/chaostracing/value"
)

// standardKeys are the keys Value writes; others go to Extra on reading.
var standardKeys = map[string]bool{
	"chaoslib-version": true, "platform": true, "node": true, "experiment": true,
	"start": true, "status": true, "deviated": true, "steady_states": true,
	"run": true, "rollbacks": true, "end": true, "duration": true,
}

// ReadFile reads a journal written by chaostracing or by Chaos Toolkit.
func ReadFile(path string) (*Journal, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read journal: %w", err)
	}
	j, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return j, nil
}

// Parse decodes a journal document. Missing keys are tolerated, since
// interrupted runs and older Chaos Toolkit versions omit some; a document
// that is not a JSON object, or a malformed timestamp, is an error.
func Parse(data []byte) (*Journal, error) {
	doc, _, err := value.ParseJSON(data)
	if err != nil {
		return nil, err
	}
	o, ok := doc.(*value.Object)
	if !ok {
		return nil, fmt.Errorf("a journal must be a JSON object, not %s", value.TypeName(doc))
	}
	r := &reader{}
	j := &Journal{
		ChaoslibVersion: o.String("chaoslib-version"),
		Platform:        o.String("platform"),
		Node:            o.String("node"),
		Experiment:      o.Object("experiment"),
		Start:           r.time(o, "start"),
		Status:          o.String("status"),
		End:             r.time(o, "end"),
		Run:             r.records(o, "run"),
		Rollbacks:       r.records(o, "rollbacks"),
	}
	j.Deviated, _ = getBool(o, "deviated")
	j.Duration, _ = getFloat(o, "duration")
	if ss := o.Object("steady_states"); ss != nil {
		j.SteadyStates.Before = r.hypothesis(ss.Object("before"))
		j.SteadyStates.After = r.hypothesis(ss.Object("after"))
		during, _ := ss.Get("during")
		list, _ := during.([]any)
		for _, h := range list {
			if ho, ok := h.(*value.Object); ok {
				j.SteadyStates.During = append(j.SteadyStates.During, r.hypothesis(ho))
			}
		}
	}
	for _, k := range o.Keys() {
		if !standardKeys[k] {
			if j.Extra == nil {
				j.Extra = &value.Object{}
			}
			v, _ := o.Get(k)
			j.Extra.Set(k, v)
		}
	}
	return j, r.err
}

type reader struct{ err error }

func (r *reader) time(o *value.Object, key string) time.Time {
	s := o.String(key)
	if s == "" {
		return time.Time{}
	}
	t, err := ParseTime(s)
	if err != nil && r.err == nil {
		r.err = fmt.Errorf("%s: %w", key, err)
	}
	return t
}

// ParseTime reads the timestamp forms Chaos Toolkit has written: ISO 8601
// with or without a fraction and an offset (older versions wrote naive
// UTC times).
func ParseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("invalid timestamp %q", s)
}

func (r *reader) hypothesis(o *value.Object) *Hypothesis {
	if o == nil {
		return nil
	}
	h := &Hypothesis{Probes: r.records(o, "probes")}
	h.Met, _ = getBool(o, "steady_state_met")
	return h
}

func (r *reader) records(o *value.Object, key string) []*Record {
	v, _ := o.Get(key)
	list, _ := v.([]any)
	out := make([]*Record, 0, len(list))
	for _, item := range list {
		ro, ok := item.(*value.Object)
		if !ok {
			continue
		}
		out = append(out, r.record(ro))
	}
	return out
}

func (r *reader) record(o *value.Object) *Record {
	rec := &Record{
		Activity: o.Object("activity"),
		Start:    r.time(o, "start"),
		End:      r.time(o, "end"),
		Status:   o.String("status"),
	}
	rec.Output, _ = o.Get("output")
	rec.Duration, _ = getFloat(o, "duration")
	if exc, ok := o.Get("exception"); ok {
		list, _ := exc.([]any)
		rec.Exception = []string{}
		for _, line := range list {
			if s, ok := line.(string); ok {
				rec.Exception = append(rec.Exception, s)
			}
		}
	}
	if met, ok := getBool(o, "tolerance_met"); ok {
		rec.ToleranceMet = &met
	}
	return rec
}

func getBool(o *value.Object, key string) (bool, bool) {
	v, _ := o.Get(key)
	b, ok := v.(bool)
	return b, ok
}

func getFloat(o *value.Object, key string) (float64, bool) {
	v, _ := o.Get(key)
	return value.Float(v)
}
