package process

import (
	"context"
	"os"
	"sort"
	"strings"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
)

// childEnv returns the child's environment: nil (inherit as is) unless the
// global propagator has a trace context to pass on, which is then added
// as upper-cased variables (TRACEPARENT, TRACESTATE, BAGGAGE, ...) that
// replace inherited ones of the same name.
func childEnv(ctx context.Context) []string {
	prop := otel.GetTextMapPropagator()
	if len(prop.Fields()) == 0 {
		return nil
	}
	carrier := propagation.MapCarrier{}
	prop.Inject(ctx, carrier)
	if len(carrier) == 0 {
		return nil
	}
	return mergeEnv(os.Environ(), carrier)
}

// mergeEnv returns base with the carrier's keys, upper-cased, set.
func mergeEnv(base []string, carrier propagation.MapCarrier) []string {
	extra := make(map[string]string, len(carrier))
	for k, v := range carrier {
		extra[strings.ToUpper(k)] = v
	}
	env := make([]string, 0, len(base)+len(extra))
	for _, kv := range base {
		name, _, _ := strings.Cut(kv, "=")
		if _, replaced := extra[name]; !replaced {
			env = append(env, kv)
		}
	}
	added := make([]string, 0, len(extra))
	for k, v := range extra {
		added = append(added, k+"="+v)
	}
	sort.Strings(added)
	return append(env, added...)
}
