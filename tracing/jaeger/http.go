package jaeger

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/apache/thrift/lib/go/thrift"
	"github.com/jaegertracing/jaeger-idl/thrift-gen/jaeger"
)

const (
	// httpTimeout bounds each request of the exporter's own HTTP client.
	httpTimeout = 10 * time.Second
	// maxErrorBody is how much of a failed response's body goes into the
	// error.
	maxErrorBody = 512
	// maxDrain is how much of a response body is read so that the
	// connection can be reused.
	maxDrain = 64 << 10
)

// httpSender POSTs each batch, encoded in thrift binary, to a collector.
type httpSender struct {
	endpoint string
	client   *http.Client
	ownsIt   bool
	headers  map[string]string
}

// NewHTTP returns an exporter that POSTs thrift binary batches to endpoint
// (e.g. http://localhost:14268/api/traces). The endpoint must be an absolute
// http or https URL.
func NewHTTP(endpoint string, opts ...Option) (*Exporter, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return nil, fmt.Errorf("jaeger: collector endpoint: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("jaeger: collector endpoint %q is not an http(s) URL", endpoint)
	}
	cfg := newConfig(opts)
	s := &httpSender{endpoint: endpoint, client: cfg.client, headers: cfg.headers}
	if s.client == nil {
		s.client = newHTTPClient()
		s.ownsIt = true
	}
	return newExporter(s), nil
}

// newHTTPClient gives the exporter a client of its own, whose idle
// connections Shutdown can close without touching anyone else's.
func newHTTPClient() *http.Client {
	var rt http.RoundTripper = http.DefaultTransport
	if t, ok := rt.(*http.Transport); ok {
		rt = t.Clone()
	}
	return &http.Client{Transport: rt, Timeout: httpTimeout}
}

// send POSTs b; a response other than 2xx is an error.
func (h *httpSender) send(ctx context.Context, b *jaeger.Batch) (int, error) {
	body, err := thrift.NewTSerializer().Write(ctx, b)
	if err != nil {
		return 0, fmt.Errorf("jaeger: encode batch: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.endpoint, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("jaeger: build request: %w", err)
	}
	for k, v := range h.headers {
		req.Header.Set(k, v)
	}
	req.Header.Set("Content-Type", "application/x-thrift")
	resp, err := h.client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("jaeger: post spans: %w", err)
	}
	defer closeBody(resp.Body)
	return 0, checkStatus(resp)
}

// checkStatus turns a non-2xx response into an error holding its status and
// the start of its body.
func checkStatus(resp *http.Response) error {
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	detail := strings.TrimSpace(string(msg))
	if detail != "" {
		detail = ": " + detail
	}
	return fmt.Errorf("jaeger: collector answered %s%s", resp.Status, detail)
}

// closeBody reads a little of what is left of body, so that the connection
// can be reused, and closes it.
func closeBody(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, maxDrain))
	_ = body.Close()
}

func (h *httpSender) close() error {
	if h.ownsIt {
		h.client.CloseIdleConnections()
	}
	return nil
}
