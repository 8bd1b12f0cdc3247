package control

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/journal"
	"github.com/chaostracing/chaostracing/run"
)

// nop is a Go control that does nothing.
type nop struct{ run.NopHooks }

type nopKey struct{}

// benchExperiment has 1,000 method activities and two experiment-level
// controls; with own, each activity also declares a control of its own.
func benchExperiment(b *testing.B, own bool) *experiment.Experiment {
	b.Helper()
	items := make([]string, 1000)
	for i := range items {
		controls := ""
		if own {
			controls = `, "controls": [{"name": "own", "provider": {"type": "python", "module": "nop"}}]`
		}
		items[i] = fmt.Sprintf(`{"type": "action", "name": "a%04d", "provider": {"type": "python", "module": "m", "func": "f"}%s}`, i, controls)
	}
	return load(b, `{"title": "bench", "description": "d", "controls": [
		{"name": "c1", "provider": {"type": "python", "module": "nop"}},
		{"name": "c2", "provider": {"type": "python", "module": "nop", "arguments": {"x": 1}}}],
		"method": [`+strings.Join(items, ",")+`]}`)
}

// BenchmarkDispatch measures the Dispatcher's cost per activity hook
// (BeforeActivity or AfterActivity) over 1,000 activities: one op is
// the 2,000 hooks of a method.
func BenchmarkDispatch(b *testing.B) {
	for _, own := range []bool{false, true} {
		name := "2-controls"
		if own {
			name = "2-controls+own-per-activity"
		}
		b.Run(name, func(b *testing.B) {
			e := benchExperiment(b, own)
			reg := NewRegistry()
			reg.Register("nop", func() Control { return nop{} })
			d := NewDispatcher(e, nil, reg)
			ctx := d.BeforeExperiment(context.WithValue(bg, nopKey{}, 1), run.Step{Experiment: e})
			rec := &journal.Record{}
			b.ReportAllocs()
			for b.Loop() {
				for _, a := range e.Method {
					s := run.Step{Experiment: e, Level: run.LevelMethod, Activity: a}
					d.AfterActivity(d.BeforeActivity(ctx, s), s, rec)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*2000), "ns/hook")
			d.Close(bg)
		})
	}
}
