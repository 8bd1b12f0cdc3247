package tracing

import (
	"log"
	"sync"
	"sync/atomic"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// OpenTelemetry's globals as they were before any Setup: delegating
// placeholders that, once replaced, forward to the first replacement for
// ever. Restoring one of them would thus keep the first run's provider
// alive, so an empty equivalent is restored instead.
var (
	initialTracerProvider = otel.GetTracerProvider()
	initialPropagator     = otel.GetTextMapPropagator()
	initialErrorHandler   = otel.GetErrorHandler()
)

var (
	// active is the Provider of the latest Setup not yet shut down.
	active atomic.Pointer[Provider]
	// reporting is the reporter of the latest Setup not yet shut down,
	// set as soon as it exists.
	reporting atomic.Pointer[reporter]
	// globalsMu serialises the swaps of OpenTelemetry's globals.
	globalsMu sync.Mutex
	// routeOnce installs routedErrors as the global error handler.
	routeOnce sync.Once
	// fallbackErrors handles OpenTelemetry's errors when no run is
	// active: the handler set before ours, if any.
	fallbackErrors otel.ErrorHandler
)

// activate routes OpenTelemetry's errors to p's reporter.
func activate(p *Provider) {
	routeOnce.Do(func() {
		if h := otel.GetErrorHandler(); h != initialErrorHandler {
			fallbackErrors = h
		}
		otel.SetErrorHandler(routedErrors{})
	})
	reporting.Store(p.report)
}

// install makes p's tracer provider and propagator OpenTelemetry's
// globals, remembering the previous ones.
func install(p *Provider) {
	globalsMu.Lock()
	defer globalsMu.Unlock()
	p.prevTP = otel.GetTracerProvider()
	p.prevProp = otel.GetTextMapPropagator()
	otel.SetTracerProvider(p.tp)
	otel.SetTextMapPropagator(p.prop)
	active.Store(p)
}

// uninstall restores the globals p replaced, unless they were replaced
// again since.
func uninstall(p *Provider) {
	globalsMu.Lock()
	defer globalsMu.Unlock()
	if tp := otel.GetTracerProvider(); tp == trace.TracerProvider(p.tp) {
		prev := p.prevTP
		if prev == initialTracerProvider {
			prev = noop.NewTracerProvider()
		}
		otel.SetTracerProvider(prev)
	}
	if prop, ok := otel.GetTextMapPropagator().(*propagator); ok && prop == p.prop {
		prev := p.prevProp
		if prev == nil || prev == initialPropagator {
			prev = propagation.NewCompositeTextMapPropagator()
		}
		otel.SetTextMapPropagator(prev)
	}
	active.CompareAndSwap(p, nil)
	reporting.CompareAndSwap(p.report, nil)
}

// routedErrors is OpenTelemetry's global error handler once a run was set
// up: errors go to the active run's reporter, which collapses them into
// one warning, else to the previous handler, else to the standard logger
// as OpenTelemetry's default handler does.
type routedErrors struct{}

// Handle implements otel.ErrorHandler.
func (routedErrors) Handle(err error) {
	if r := reporting.Load(); r != nil {
		r.otelError(err)
		return
	}
	if fallbackErrors != nil {
		fallbackErrors.Handle(err)
		return
	}
	log.Print(err)
}
