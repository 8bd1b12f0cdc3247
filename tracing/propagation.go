package tracing

import (
	"fmt"
	"slices"
	"strings"

	"go.opentelemetry.io/contrib/propagators/aws/xray"
	"go.opentelemetry.io/contrib/propagators/b3"
	jaegerprop "go.opentelemetry.io/contrib/propagators/jaeger"
	"go.opentelemetry.io/contrib/propagators/ot"
	"go.opentelemetry.io/otel/propagation"
)

// propagator is the composite propagator of one Provider. It is a
// pointer, so that Shutdown can tell whether the global propagator is
// still this one.
type propagator struct {
	propagation.TextMapPropagator
}

// newPropagator builds the composite propagator of the named formats (see
// Config.Propagators), baggage added unless "none" is named.
func newPropagator(names []string) (*propagator, error) {
	if len(names) == 0 {
		names = []string{"tracecontext", "baggage"}
	}
	if !slices.Contains(names, "none") && !slices.Contains(names, "baggage") {
		names = append(slices.Clone(names), "baggage")
	}
	var list []propagation.TextMapPropagator
	seen := map[string]bool{}
	for _, name := range names {
		name = strings.ToLower(strings.TrimSpace(name))
		if seen[name] {
			continue
		}
		seen[name] = true
		switch name {
		case "tracecontext":
			list = append(list, propagation.TraceContext{})
		case "baggage":
			list = append(list, propagation.Baggage{})
		case "b3":
			// Both encodings: OTel's "b3" sends the single header, while
			// the Python jaeger control's "b3" sent the X-B3-* headers.
			list = append(list, b3.New(b3.WithInjectEncoding(b3.B3SingleHeader|b3.B3MultipleHeader)))
		case "b3multi":
			list = append(list, b3.New(b3.WithInjectEncoding(b3.B3MultipleHeader)))
		case "jaeger":
			list = append(list, jaegerprop.Jaeger{})
		case "xray":
			list = append(list, xray.Propagator{})
		case "ottrace":
			list = append(list, ot.OT{})
		case "none":
		default:
			return nil, fmt.Errorf("unknown propagator '%s' (use %s)", name, strings.Join(knownPropagators, ", "))
		}
	}
	if seen["none"] {
		list = nil
	}
	return &propagator{propagation.NewCompositeTextMapPropagator(list...)}, nil
}

// envCarrier reads a trace context from environment variables, with the
// upper-cased names the providers give a child process (TRACEPARENT,
// TRACESTATE, BAGGAGE, X-B3-TRACEID...), so that chaostracing started by a
// traced process (a CI job, otel-cli) joins its trace.
type envCarrier func(string) string

var _ propagation.TextMapCarrier = envCarrier(nil)

// Get implements propagation.TextMapCarrier.
func (e envCarrier) Get(key string) string { return e(strings.ToUpper(key)) }

// Set implements propagation.TextMapCarrier; the environment is read-only.
func (envCarrier) Set(string, string) {}

// Keys implements propagation.TextMapCarrier; the environment is not
// listed.
func (envCarrier) Keys() []string { return nil }
