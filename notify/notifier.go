package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/chaostracing/chaostracing/internal/redact"
	"github.com/chaostracing/chaostracing/value"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// DefaultTimeout bounds each request, and how long Close waits for the
// deliveries still in flight.
const DefaultTimeout = 5 * time.Second

// maxDrain is how much of an answer's body is read, so the connection can
// be reused; the rest is dropped.
const maxDrain = 64 << 10

// Event is one event of a run or validation.
type Event struct {
	// Name is one of Events, such as RunCompleted; its phase ("run",
	// "validate") is the part before the first "-".
	Name string
	// Payload is the event's subject as a value tree: the experiment's
	// document for run-started and validate-*, the journal's for the
	// run's outcome.
	Payload any
	// Error describes what went wrong, for validate-failed; "" for none.
	Error string
	// Trace is the span of the run's experiment, whose trace id and link
	// the event carries; invalid when the run is not traced.
	Trace trace.SpanContext
}

// Option changes a Notifier made by New.
type Option func(*Notifier)

// WithLogger sets where failures are logged; by default nowhere.
func WithLogger(log *slog.Logger) Option { return func(n *Notifier) { n.log = log } }

// WithTimeout bounds each request, and Close's wait, instead of
// DefaultTimeout; d must be positive.
func WithTimeout(d time.Duration) Option {
	return func(n *Notifier) {
		if d > 0 {
			n.timeout = d
		}
	}
}

// Notifier delivers events to endpoints in the background: in order for
// each endpoint, concurrently across them. It is safe for concurrent use.
type Notifier struct {
	log     *slog.Logger
	timeout time.Duration

	ctx    context.Context
	cancel context.CancelCauseFunc
	wg     sync.WaitGroup

	mu        sync.Mutex // guards closed and each endpoint's last
	closed    bool
	endpoints []*endpoint
}

// endpoint is a Channel with its client and delivery queue.
type endpoint struct {
	Channel
	name   string // the URL for messages
	client *http.Client
	last   chan struct{} // closed once the latest delivery is over
	warned bool          // a failure was logged as a warning; guarded by last's order
}

// New returns a Notifier of the channels.
func New(channels []Channel, opts ...Option) *Notifier {
	n := &Notifier{log: slog.New(slog.DiscardHandler), timeout: DefaultTimeout}
	for _, opt := range opts {
		opt(n)
	}
	n.ctx, n.cancel = context.WithCancelCause(context.Background())
	for _, c := range channels {
		n.endpoints = append(n.endpoints, newEndpoint(c))
	}
	return n
}

func newEndpoint(c Channel) *endpoint {
	name := "(invalid URL)"
	if u, err := url.Parse(c.URL); err == nil {
		name = redact.URL(u)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if !c.VerifyTLS {
		tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true}
	}
	client := &http.Client{
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return &endpoint{Channel: c, name: name, client: client}
}

// Send delivers e, in the background, to every endpoint that wants it.
// The event is encoded before Send returns, so its payload may change
// afterwards. Events sent after Close are dropped.
func (n *Notifier) Send(e Event) {
	ts := float64(time.Now().UnixMicro()) / 1e6
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return
	}
	for _, ep := range n.endpoints {
		if ep.wants(e.Name) {
			n.enqueue(ep, e, ep.body(e, ts))
		}
	}
}

// enqueue starts the delivery of one event to ep after ep's previous one;
// n.mu must be held.
func (n *Notifier) enqueue(ep *endpoint, e Event, body []byte) {
	prev, done := ep.last, make(chan struct{})
	ep.last = done
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		defer close(done)
		if prev != nil {
			<-prev
		}
		if err := ep.deliver(n.ctx, n.timeout, e.Trace, body); err != nil {
			n.failed(ep, e.Name, err)
		}
	}()
}

// failed logs a failed delivery: a warning the first time for an
// endpoint, at debug level afterwards.
func (n *Notifier) failed(ep *endpoint, event string, err error) {
	msg := fmt.Sprintf("Notification %s to %s failed: %v", event, ep.name, err)
	if ep.warned {
		n.log.Debug(msg)
		return
	}
	ep.warned = true
	n.log.Warn(msg)
}

// Close waits for the deliveries in flight, at most the timeout, then
// abandons those left, each logged as failed, and closes the idle
// connections. Later Sends are dropped.
func (n *Notifier) Close() {
	n.mu.Lock()
	n.closed = true
	n.mu.Unlock()
	done := make(chan struct{})
	go func() {
		n.wg.Wait()
		close(done)
	}()
	timer := time.NewTimer(n.timeout)
	defer timer.Stop()
	select {
	case <-done:
	case <-timer.C:
		n.cancel(fmt.Errorf("still not delivered %v after the command ended", n.timeout))
		<-done
	}
	n.cancel(nil)
	for _, ep := range n.endpoints {
		ep.client.CloseIdleConnections()
	}
}

// body encodes the JSON event the endpoint gets, nil when it wants no
// payload: {name, payload, phase, ts, error?, trace_id?, trace_url?}.
func (ep *endpoint) body(e Event, ts float64) []byte {
	if !ep.ForwardPayload {
		return nil
	}
	phase, _, _ := strings.Cut(e.Name, "-")
	o := value.NewObject("name", e.Name, "payload", e.Payload, "phase", phase, "ts", ts)
	if e.Error != "" {
		o.Set("error", e.Error)
	}
	if e.Trace.HasTraceID() {
		id := e.Trace.TraceID().String()
		o.Set("trace_id", id)
		if link := ep.traceLink(id); link != "" {
			o.Set("trace_url", link)
		}
	}
	var buf bytes.Buffer
	_ = value.Encode(&buf, o, "")
	return buf.Bytes()
}

// deliver sends one event: a POST of body, or a GET when body is nil,
// with the endpoint's headers and the run's traceparent.
func (ep *endpoint) deliver(ctx context.Context, timeout time.Duration, sc trace.SpanContext, body []byte) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	method, reader := http.MethodGet, io.Reader(nil)
	if body != nil {
		method, reader = http.MethodPost, bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, ep.URL, reader)
	if err != nil {
		return errors.New(redact.Cause(err))
	}
	req.Header = ep.Header.Clone()
	if req.Header == nil {
		req.Header = http.Header{}
	}
	if body != nil && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if sc.IsValid() {
		propagation.TraceContext{}.Inject(trace.ContextWithSpanContext(ctx, sc), propagation.HeaderCarrier(req.Header))
	}
	resp, err := ep.client.Do(req)
	if err != nil {
		return explain(ctx, timeout, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxDrain))
	switch {
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		return fmt.Errorf("the endpoint answered %s, and redirects are not followed", resp.Status)
	case resp.StatusCode >= 400:
		return fmt.Errorf("the endpoint answered %s", resp.Status)
	}
	return nil
}

// explain words a request that got no answer, without its URL.
func explain(ctx context.Context, timeout time.Duration, err error) error {
	var cert *tls.CertificateVerificationError
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return fmt.Errorf("no answer within %v", timeout)
	case ctx.Err() != nil:
		return context.Cause(ctx)
	case errors.As(err, &cert):
		return fmt.Errorf("the endpoint's certificate cannot be verified (set verify_tls: false for this notification to skip the check): %v", cert.Err)
	}
	return errors.New(redact.Cause(err))
}
