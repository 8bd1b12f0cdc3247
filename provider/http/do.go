package http

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	nethttp "net/http"
	"net/http/httptrace"
	"sync/atomic"
	"time"

	"github.com/chaostracing/chaostracing/internal/redact"
	"github.com/chaostracing/chaostracing/provider/internal/capture"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
)

const (
	// maxRetries bounds max_retries.
	maxRetries = 100
	// firstBackoff is the wait before the first retry; it doubles after
	// each, up to maxBackoff.
	firstBackoff = 50 * time.Millisecond
	maxBackoff   = time.Second
	userAgent    = "chaostracing"
)

// Causes of the contexts this package cancels.
var (
	errWholeTimeout = errors.New("the request's timeout expired")
	errReadTimeout  = errors.New("the read timeout expired")
)

// idempotent methods may be retried after the connection broke, as
// urllib3's Retry allows.
var idempotent = map[string]bool{"GET": true, "HEAD": true, "PUT": true, "DELETE": true, "OPTIONS": true, "TRACE": true}

// failure is a failed attempt and what is known about where it failed.
type failure struct {
	err           error
	final         bool // the request cannot be built; retrying is pointless
	connected     bool // a connection was established
	afterResponse bool // the response came; its body could not be read
	readTimeout   bool
}

// do sends r, retrying as max_retries allows, and reads the response.
func (p *Provider) do(ctx context.Context, r *request, limit int) (*response, error) {
	runCtx := ctx
	if r.timeout > 0 {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithTimeoutCause(ctx, r.timeout, errWholeTimeout)
		defer cancel()
	}
	client := p.client(clientKey{insecure: r.insecure, connect: r.connect})
	for attempt := 0; ; attempt++ {
		res, f := r.attempt(runCtx, client, limit)
		if f == nil {
			return res, nil
		}
		if attempt >= r.retries || !r.retryable(runCtx, f) || !sleep(runCtx, backoff(attempt)) {
			return nil, r.explain(ctx, runCtx, f)
		}
	}
}

func (r *request) retryable(ctx context.Context, f *failure) bool {
	return ctx.Err() == nil && !f.final && !f.afterResponse && (!f.connected || idempotent[r.method])
}

func backoff(attempt int) time.Duration {
	return min(firstBackoff<<min(attempt, 16), maxBackoff)
}

// sleep waits d, or returns false as soon as ctx is done.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// attempt sends the request once and reads the whole response.
func (r *request) attempt(ctx context.Context, client *nethttp.Client, limit int) (*response, *failure) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	idle := newIdleTimer(r.read, func() { cancel(errReadTimeout) })
	defer idle.stop()
	var connected atomic.Bool
	req, err := r.newRequest(httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn:      func(httptrace.GotConnInfo) { connected.Store(true) },
		WroteRequest: func(httptrace.WroteRequestInfo) { idle.reset() },
	}))
	if err != nil {
		return nil, &failure{err: err, final: true}
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, &failure{err: err, connected: connected.Load(), readTimeout: context.Cause(ctx) == errReadTimeout}
	}
	defer resp.Body.Close()
	idle.reset()
	res := &response{status: int64(resp.StatusCode), header: resp.Header, body: capture.Buffer{Limit: limit}}
	if _, err := io.Copy(&res.body, idle.reader(resp.Body)); err != nil {
		return nil, &failure{err: err, connected: true, afterResponse: true, readTimeout: context.Cause(ctx) == errReadTimeout}
	}
	return res, nil
}

// newRequest builds one attempt's request, trace context included.
func (r *request) newRequest(ctx context.Context) (*nethttp.Request, error) {
	var body io.Reader
	if r.hasBody {
		body = bytes.NewReader(r.body)
	}
	req, err := nethttp.NewRequestWithContext(ctx, r.method, r.url, body)
	if err != nil {
		return nil, err
	}
	req.Header = r.header.Clone()
	if r.host != "" {
		req.Host = r.host
	}
	setDefault(req.Header, "User-Agent", userAgent)
	setDefault(req.Header, "Accept", "*/*")
	otel.GetTextMapPropagator().Inject(ctx, propagation.HeaderCarrier(req.Header))
	return req, nil
}

func setDefault(h nethttp.Header, name, v string) {
	if _, ok := h[name]; !ok {
		h.Set(name, v)
	}
}

// explain turns a failed attempt into the activity's error message.
func (r *request) explain(caller, run context.Context, f *failure) error {
	what := r.method + " " + r.safeURL
	switch {
	case caller.Err() != nil:
		return fmt.Errorf("HTTP request %s interrupted: %w", what, context.Cause(caller))
	case context.Cause(run) == errWholeTimeout:
		return fmt.Errorf("HTTP request %s timed out after %v", what, r.timeout)
	case f.readTimeout:
		return fmt.Errorf("HTTP request %s timed out: no data received for %v", what, r.read)
	case f.final:
		return fmt.Errorf("cannot send HTTP request %s: %s", what, redact.Cause(f.err))
	case dialTimeout(f.err):
		return fmt.Errorf("failed to connect to %s: no connection within %v", what, r.connect)
	case !f.connected:
		return fmt.Errorf("failed to connect to %s: %s", what, redact.Cause(f.err))
	case f.afterResponse:
		return fmt.Errorf("HTTP request %s failed while reading the response: %s", what, redact.Cause(f.err))
	}
	return fmt.Errorf("HTTP request %s failed: %s", what, redact.Cause(f.err))
}

func dialTimeout(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial" && op.Timeout()
}

// idleTimer cancels an attempt when no data came for a while: requests'
// read timeout. A nil *idleTimer does nothing.
type idleTimer struct {
	t *time.Timer
	d time.Duration
}

func newIdleTimer(d time.Duration, expire func()) *idleTimer {
	if d <= 0 {
		return nil
	}
	t := time.AfterFunc(d, expire)
	t.Stop()
	return &idleTimer{t: t, d: d}
}

// reset restarts the wait for data.
func (it *idleTimer) reset() {
	if it != nil {
		it.t.Reset(it.d)
	}
}

func (it *idleTimer) stop() {
	if it != nil {
		it.t.Stop()
	}
}

// reader restarts the wait after each read of r.
func (it *idleTimer) reader(r io.Reader) io.Reader {
	if it == nil {
		return r
	}
	return idleReader{r: r, it: it}
}

type idleReader struct {
	r  io.Reader
	it *idleTimer
}

// Read reads from the body and restarts the wait for data.
func (ir idleReader) Read(p []byte) (int, error) {
	n, err := ir.r.Read(p)
	ir.it.reset()
	return n, err
}
