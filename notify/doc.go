// Package notify sends the events of Chaos Toolkit's run and validate
// flows to the HTTP endpoints a settings file lists under
// "notifications", as the Python tool does, each event also carrying the
// run's trace id and a link to the trace.
//
// FromSettings reads the endpoints (Channel); New makes a Notifier of
// them. Send encodes an event at once and delivers it in the background,
// in order for each endpoint: a POST of
//
//	{"name": "run-completed", "payload": JOURNAL, "phase": "run", "ts": 1712345678.123456,
//	 "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736",
//	 "trace_url": "http://jaeger:16686/trace/4bf92f3577b34da6a3ce929d0e0e4736"}
//
// with the endpoint's headers and the run's traceparent, or a GET without
// a body when the endpoint does not want the payload. Close waits for the
// deliveries still in flight, at most the timeout (DefaultTimeout). A
// notification never fails the command: a failed one costs one warning
// naming the endpoint, without its credentials, query or headers.
package notify
