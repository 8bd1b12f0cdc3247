package http

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	nethttp "net/http"
	"sync"
	"time"

	"github.com/chaostracing/chaostracing/provider"
)

// statusWarning is chaoslib's warning for a status above 399.
const statusWarning = "This HTTP call returned a response with a HTTP status code above 400. This may indicate some error and not what you expected. Please have a look at the logs."

// maxRedirects is how many redirects requests follows.
const maxRedirects = 30

// Provider runs "http" activities. It keeps one client, and so one pool of
// connections, per (verify_tls, connect timeout), reused across calls. The
// zero value is ready to use; a Provider is safe for concurrent use.
type Provider struct {
	mu      sync.Mutex
	clients map[clientKey]*nethttp.Client
}

// clientKey is what the transport depends on.
type clientKey struct {
	insecure bool
	connect  time.Duration
}

// New returns a Provider.
func New() *Provider {
	return &Provider{}
}

// Run sends the activity's request and returns its status, headers and
// body as a *value.Object. A 4xx or 5xx response is a result, not an
// error; failures to connect, timeouts and cancellation are errors.
func (p *Provider) Run(ctx context.Context, call provider.Call) (any, error) {
	r, err := parseSpec(call.Spec)
	if err != nil {
		return nil, err
	}
	res, err := p.do(ctx, r, call.OutputLimit())
	if err != nil {
		return nil, err
	}
	out, err := r.output(res)
	if err != nil {
		return nil, err
	}
	if res.status > 399 && (call.Activity == nil || !call.Activity.HasTolerance) {
		call.Logger().Warn(statusWarning)
	}
	return out, nil
}

// CloseIdleConnections closes the pooled connections that are not in use.
func (p *Provider) CloseIdleConnections() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.clients {
		c.CloseIdleConnections()
	}
}

// client returns the cached client for k, creating it on first use.
func (p *Provider) client(k clientKey) *nethttp.Client {
	p.mu.Lock()
	defer p.mu.Unlock()
	if c, ok := p.clients[k]; ok {
		return c
	}
	if p.clients == nil {
		p.clients = map[clientKey]*nethttp.Client{}
	}
	c := &nethttp.Client{Transport: newTransport(k), CheckRedirect: checkRedirect}
	p.clients[k] = c
	return c
}

func newTransport(k clientKey) *nethttp.Transport {
	t := nethttp.DefaultTransport.(*nethttp.Transport).Clone()
	dialer := &net.Dialer{Timeout: k.connect, KeepAlive: 30 * time.Second}
	t.DialContext = dialer.DialContext
	t.MaxIdleConnsPerHost = 16
	if k.insecure {
		t.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // verify_tls: false asks for it
	}
	return t
}

func checkRedirect(_ *nethttp.Request, via []*nethttp.Request) error {
	if len(via) >= maxRedirects {
		return errors.New("exceeded 30 redirects")
	}
	return nil
}
