package tracing_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/chaostracing/chaostracing/control"
	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/provider"
	"github.com/chaostracing/chaostracing/provider/builtin"
	"github.com/chaostracing/chaostracing/run"
	"github.com/chaostracing/chaostracing/tracing"
	"github.com/chaostracing/chaostracing/value"
	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// keep is an exporter that keeps the spans, for the examples to print.
type keep struct {
	mu    sync.Mutex
	spans []sdktrace.ReadOnlySpan
}

func (k *keep) ExportSpans(_ context.Context, spans []sdktrace.ReadOnlySpan) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.spans = append(k.spans, spans...)
	return nil
}

func (*keep) Shutdown(context.Context) error { return nil }

// print writes the spans as a tree, children in start order, with their
// attributes whose key starts with show.
func (k *keep) print(show string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	sort.Slice(k.spans, func(i, j int) bool { return k.spans[i].StartTime().Before(k.spans[j].StartTime()) })
	depth := map[trace.SpanID]int{}
	for _, s := range k.spans {
		d := 0
		if p, ok := depth[s.Parent().SpanID()]; ok {
			d = p + 1
		}
		depth[s.SpanContext().SpanID()] = d
		line := strings.Repeat("  ", d) + s.Name()
		for _, kv := range s.Attributes() {
			if show != "" && strings.HasPrefix(string(kv.Key), show) {
				line += fmt.Sprintf(" %s=%s", kv.Key, kv.Value.String())
			}
		}
		for _, e := range s.Events() {
			line += " +" + e.Name
		}
		fmt.Println(line)
	}
}

// runWithTracing runs an experiment with the tracing control exporting to
// k and Go-native functions from funcs.
func runWithTracing(doc string, funcs *provider.Funcs, k *keep) {
	ctx := context.Background()
	e, err := experiment.Load("example.json", []byte(doc))
	if err != nil {
		fmt.Println(err)
		return
	}
	reg := control.NewRegistry()
	reg.Register("chaostracing.oltp", func() control.Control {
		return tracing.NewFromConfig(tracing.Config{SpanExporter: k})
	})
	d := control.NewDispatcher(e, nil, reg)
	runner := &run.Runner{Providers: builtin.Registry(funcs), Hooks: d}
	if _, err := runner.Run(ctx, nil, e, run.Options{}); err != nil {
		fmt.Println(err)
	}
	d.Close(ctx) // flushes the spans
}

const tracedExperiment = `{
  "title": "flush the cache", "description": "d",
  "controls": [{"name": "tracing", "provider": {"type": "python", "module": "chaostracing.oltp"}}],
  "method": [{"type": "action", "name": "flush", "provider": {"type": "python", "module": "shop.cache", "func": "flush"}}]
}`

// A Go-native function gets its activity's context from the runner:
// ActivitySpan(ctx), which is also trace.SpanFromContext(ctx), is the
// "activity: <name>" span, to add attributes and events to.
func ExampleActivitySpan() {
	funcs := provider.NewFuncs()
	funcs.Register("shop.cache", "flush", func(ctx context.Context, _ provider.Args) (any, error) {
		span := tracing.ActivitySpan(ctx)
		fmt.Println("same span:", span == trace.SpanFromContext(ctx))
		span.SetAttributes(attribute.Int("shop.cache.flushed", 42))
		span.AddEvent("cache flushed")
		return "ok", nil
	}, provider.FuncInfo{Type: "action"})

	k := &keep{}
	runWithTracing(tracedExperiment, funcs, k)
	k.print("shop.")
	// Output:
	// same span: true
	// experiment
	//   method
	//     activity: flush shop.cache.flushed=42 +cache flushed
	//   rollbacks
}

// Spans an extension starts with Tracer() from an activity's context are
// children of the activity's span, in the run's trace.
func ExampleTracer() {
	funcs := provider.NewFuncs()
	funcs.Register("shop.cache", "flush", func(ctx context.Context, _ provider.Args) (any, error) {
		for _, node := range []string{"cache-1", "cache-2"} {
			_, span := tracing.Tracer().Start(ctx, "flush "+node)
			span.End()
		}
		return nil, nil
	}, provider.FuncInfo{Type: "action"})

	k := &keep{}
	runWithTracing(tracedExperiment, funcs, k)
	k.print("")
	// Output:
	// experiment
	//   method
	//     activity: flush
	//       flush cache-1
	//       flush cache-2
	//   rollbacks
}

// The accessors find each level's span in the context a function gets:
// here the same function runs as a hypothesis probe, a method action and
// a rollback.
func ExampleHypothesisSpan() {
	var mu sync.Mutex
	funcs := provider.NewFuncs()
	funcs.Register("shop.check", "where", func(ctx context.Context, _ provider.Args) (any, error) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Printf("hypothesis %-5v method %-5v rollbacks %-5v experiment %v\n",
			tracing.HypothesisSpan(ctx).IsRecording(), tracing.MethodSpan(ctx).IsRecording(),
			tracing.RollbackSpan(ctx).IsRecording(), tracing.ExperimentSpan(ctx).IsRecording())
		return true, nil
	}, provider.FuncInfo{})

	activity := func(typ string) string {
		return `{"type": "` + typ + `", "name": "where", "provider": {"type": "python", "module": "shop.check", "func": "where"}`
	}
	doc := `{"title": "levels", "description": "d",
	  "controls": [{"name": "tracing", "provider": {"type": "python", "module": "chaostracing.oltp"}}],
	  "steady-state-hypothesis": {"title": "h", "probes": [` + activity("probe") + `, "tolerance": true}]},
	  "method": [` + activity("action") + `}], "rollbacks": [` + activity("action") + `}]}`
	runWithTracing(doc, funcs, &keep{})
	// Output:
	// hypothesis true  method false rollbacks false experiment true
	// hypothesis false method true  rollbacks false experiment true
	// hypothesis true  method false rollbacks false experiment true
	// hypothesis false method false rollbacks true  experiment true
}

// With tracing off, the accessors return a no-op span, so extensions can
// call them unconditionally.
func ExampleExperimentSpan() {
	span := tracing.ExperimentSpan(context.Background())
	span.SetAttributes(attribute.String("ignored", "yes")) // does nothing
	fmt.Println(span.IsRecording(), span.SpanContext().IsValid())

	_, child := tracing.Tracer().Start(context.Background(), "no-op")
	fmt.Println(child.IsRecording())
	child.End()
	// Output:
	// false false
	// false
}

// ConfigFrom reads the keys of the Python chaostracing controls: here the
// legacy Jaeger configuration pointed at Jaeger v2's OTLP/HTTP port.
func ExampleConfigFrom() {
	configuration := value.NewObject("tracing_provider", "jaeger", "tracing_host", "jaeger", "tracing_port", int64(4318))
	cfg, warnings, err := tracing.ConfigFrom(nil, configuration, func(string) string { return "" })
	fmt.Println(cfg.Exporter, cfg.Protocol, cfg.Endpoint, warnings, err)
	// Output: otlp http/protobuf http://jaeger:4318/v1/traces [] <nil>
}
