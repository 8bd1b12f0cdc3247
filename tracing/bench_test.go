package tracing

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/chaostracing/chaostracing/control"
	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/journal"
	"github.com/chaostracing/chaostracing/provider"
	"github.com/chaostracing/chaostracing/run"
	"github.com/chaostracing/chaostracing/value"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// instant is a no-op provider: it returns at once, with the output a
// process activity of `true` would have, so that a benchmark measures
// the runner and its hooks only.
type instant struct{}

var trueOutput = value.NewObject("status", int64(0), "stdout", "", "stderr", "")

func (instant) Run(context.Context, provider.Call) (any, error) {
	return trueOutput, nil
}

const benchActivities = 1000

// benchExperiment has 1,000 python actions, with the tracing control or
// none.
func benchExperiment(b *testing.B, traced bool) *experiment.Experiment {
	items := make([]string, benchActivities)
	for i := range items {
		items[i] = fmt.Sprintf(`{"type": "action", "name": "a%04d", "provider": {"type": "python", "module": "m", "func": "f", "arguments": {"x": 1}}}`, i)
	}
	controls := ""
	if traced {
		controls = `, "controls": [` + tracingControl("chaostracing.oltp", "", "") + `]`
	}
	doc := `{"title": "bench", "description": "d"` + controls + `, "method": [` + strings.Join(items, ",") + `]}`
	e, err := experiment.Load("bench.json", []byte(doc))
	if err != nil {
		b.Fatal(err)
	}
	return e
}

// benchRuns runs the experiment b.N times through a control.Dispatcher, as
// the CLI does, and reports the wall time, CPU time (all goroutines, the
// batch span processor's included) and allocations per activity.
func benchRuns(b *testing.B, traced bool, exporter func() sdktrace.SpanExporter) {
	e := benchExperiment(b, traced)
	providers := provider.NewRegistry()
	providers.Register("python", instant{})
	var ms0, ms1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms0)
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		reg := control.NewRegistry()
		reg.Register("chaostracing.oltp", func() control.Control {
			return &Control{exporter: exporter(), getenv: envMap(nil)}
		})
		d := control.NewDispatcher(e, nil, reg)
		j, err := (&run.Runner{Providers: providers, Hooks: d}).Run(bg, nil, e, run.Options{})
		if err != nil || len(j.Run) != benchActivities {
			b.Fatalf("run: %v", err)
		}
		d.Close(bg)
	}
	b.StopTimer()
	cpu := cpuTime() - cpu0
	runtime.ReadMemStats(&ms1)
	n := float64(b.N * benchActivities)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/activity")
	if cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/n, "cpu-ns/activity")
	}
	b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/n, "allocs/activity")
	b.ReportMetric(float64(ms1.TotalAlloc-ms0.TotalAlloc)/n, "B/activity")
}

// BenchmarkActivitiesTracingOff is the baseline: 1,000 instant activities
// through a dispatcher with no control.
func BenchmarkActivitiesTracingOff(b *testing.B) { benchRuns(b, false, nil) }

// BenchmarkActivitiesTracingOn is the same run traced, exported to an
// in-memory exporter through the batch span processor; the difference
// with BenchmarkActivitiesTracingOff is what tracing adds per activity.
func BenchmarkActivitiesTracingOn(b *testing.B) {
	benchRuns(b, true, func() sdktrace.SpanExporter { return tracetest.NewInMemoryExporter() })
}

// BenchmarkActivitiesTracingOnDiscard is BenchmarkActivitiesTracingOn with
// an exporter that drops the spans: the cost of making them alone,
// without the in-memory exporter's copies.
func BenchmarkActivitiesTracingOnDiscard(b *testing.B) {
	benchRuns(b, true, func() sdktrace.SpanExporter { return discard{} })
}

// discard drops the spans.
type discard struct{}

func (discard) ExportSpans(context.Context, []sdktrace.ReadOnlySpan) error { return nil }
func (discard) Shutdown(context.Context) error                             { return nil }

// BenchmarkRenderOutput encodes a process activity's output.
func BenchmarkRenderOutput(b *testing.B) {
	red := newRedactor(experiment.Scope{})
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_ = renderOutput(trueOutput, DefaultOutputMax, red)
	}
}

// BenchmarkActivityHooks measures the tracing control alone: one
// BeforeActivity and AfterActivity pair, as the runner calls them around
// a process activity, spans batched to an exporter that drops them.
func BenchmarkActivityHooks(b *testing.B) {
	e := benchExperiment(b, false)
	c := &Control{exporter: discard{}, getenv: envMap(nil)}
	if err := c.Configure(bg, control.Settings{Experiment: e, Arguments: &value.Object{}}); err != nil {
		b.Fatal(err)
	}
	ctx := c.BeforeExperiment(bg, run.Step{Experiment: e})
	ctx = c.BeforeMethod(ctx, run.Step{Experiment: e, Level: run.LevelMethod})
	step := run.Step{Experiment: e, Level: run.LevelMethod, Activity: e.Method[0]}
	rec := &journal.Record{Output: trueOutput, Status: journal.Succeeded}
	cpu0 := cpuTime()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		actx := c.BeforeActivity(ctx, step)
		c.AfterActivity(actx, step, rec)
	}
	b.StopTimer()
	c.Cleanup(bg)
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/activity")
	}
}
