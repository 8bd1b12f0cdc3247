// Package jaeger is an OpenTelemetry SDK span exporter that speaks the Jaeger
// thrift protocol, for the legacy "tracing_provider: jaeger" configuration
// (tracing_host, tracing_port 6831) now that the OpenTelemetry Go Jaeger
// exporter is gone.
//
// # Transports
//
// [NewUDP] emits agent "emitBatch" calls in thrift compact protocol, one
// batch per UDP datagram, to a Jaeger agent or to an OpenTelemetry Collector
// (or Jaeger v2) jaeger receiver's thrift_compact endpoint (port 6831). A
// batch that would not fit in one datagram is split; a span too large for a
// datagram on its own is dropped, counted by [Exporter.DroppedSpans] and
// reported in the returned error. Sending is fire-and-forget: nothing is
// awaited from the receiver, writes are bounded by the context's deadline
// (two seconds when it has none), and an unreachable (ICMP refused) port
// surfaces as an error, never a hang. Because the kernel reports a refusal on
// the next send and drops that datagram, a datagram refused so is sent once
// more, so nothing further is lost once the receiver is back.
//
// [NewHTTP] POSTs thrift binary encoded batches with Content-Type
// application/x-thrift to a collector endpoint such as
// http://localhost:14268/api/traces (a jaeger receiver's thrift_http
// protocol). A non-2xx answer is an error carrying the status.
//
// # Mapping
//
// Spans are grouped into one Batch per resource. The Process service name is
// the resource's service.name ("chaostoolkit" when it has none); the other
// resource attributes become process tags. Each span keeps its trace id (as
// high and low 64-bit halves), span id, parent span id (also given as a
// CHILD_OF reference), name, flags, start time and duration (microseconds).
// Attributes become typed tags (bool, long, double, string, binary for byte
// slices; slices and maps as JSON strings); the span kind becomes the
// span.kind tag; an Error status adds error=true, and any set status adds
// otel.status_code and otel.status_description; the instrumentation scope
// becomes otel.scope.name and otel.scope.version; events become logs
// with an "event" field holding the name; links become FOLLOWS_FROM
// references. This follows the removed go.opentelemetry.io/otel/exporters/jaeger
// mapping, except that internal spans also get span.kind=internal so that
// receivers translating back to OpenTelemetry restore the kind.
package jaeger
