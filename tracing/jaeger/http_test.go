package jaeger

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jaegertracing/jaeger-idl/thrift-gen/jaeger"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// collectorServer records the thrift batches POSTed to /api/traces.
type collectorServer struct {
	*httptest.Server
	mu      sync.Mutex
	batches []*jaeger.Batch
	headers []http.Header
}

func newCollectorServer(t *testing.T) *collectorServer {
	t.Helper()
	c := &collectorServer{}
	c.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if r.Method != http.MethodPost || r.URL.Path != "/api/traces" || err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		b, err := decodeBinary(body)
		if err != nil {
			t.Errorf("decoding thrift binary batch: %v", err)
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		c.mu.Lock()
		c.batches = append(c.batches, b)
		c.headers = append(c.headers, r.Header.Clone())
		c.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(c.Close)
	return c
}

func (c *collectorServer) received() ([]*jaeger.Batch, []http.Header) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.batches, c.headers
}

func newTestHTTP(t *testing.T, endpoint string, opts ...Option) *Exporter {
	t.Helper()
	exp, err := NewHTTP(endpoint, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = exp.Shutdown(context.Background()) })
	return exp
}

func TestHTTPExportSpansPostsThriftBinary(t *testing.T) {
	srv := newCollectorServer(t)
	exp := newTestHTTP(t, srv.URL+"/api/traces", WithHeaders(map[string]string{"Authorization": "Bearer s3cret"}))
	if err := exp.ExportSpans(context.Background(), fixtureSpans()); err != nil {
		t.Fatal(err)
	}
	batches, headers := srv.received()
	if len(batches) != 1 {
		t.Fatalf("collector got %d batches, want 1", len(batches))
	}
	checkFixtureBatch(t, batches[0])
	if ct := headers[0].Get("Content-Type"); ct != "application/x-thrift" {
		t.Errorf("Content-Type %q", ct)
	}
	if auth := headers[0].Get("Authorization"); auth != "Bearer s3cret" {
		t.Errorf("Authorization %q", auth)
	}
}

func TestHTTPOneBatchPerResource(t *testing.T) {
	srv := newCollectorServer(t)
	exp := newTestHTTP(t, srv.URL+"/api/traces", WithHTTPClient(srv.Client()))
	other := tracetest.SpanStubFromReadOnlySpan(fixtureSpans()[0])
	other.Resource = resource.NewSchemaless(attribute.String("service.name", "other"))
	spans := append(fixtureSpans(), other.Snapshot())
	if err := exp.ExportSpans(context.Background(), spans); err != nil {
		t.Fatal(err)
	}
	batches, _ := srv.received()
	if len(batches) != 2 || batches[0].Process.ServiceName != "chaos-run" || batches[1].Process.ServiceName != "other" {
		t.Fatalf("batches %v, want chaos-run then other", batches)
	}
	if len(batches[0].Spans) != 2 || len(batches[1].Spans) != 1 {
		t.Errorf("span counts %d and %d, want 2 and 1", len(batches[0].Spans), len(batches[1].Spans))
	}
}

func TestHTTPErrorStatus(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "storage unavailable", http.StatusInternalServerError)
	}))
	defer srv.Close()
	exp := newTestHTTP(t, srv.URL+"/api/traces")
	err := exp.ExportSpans(context.Background(), fixtureSpans())
	if err == nil || !strings.Contains(err.Error(), "500") || !strings.Contains(err.Error(), "storage unavailable") {
		t.Errorf("error %v, want the 500 status and body", err)
	}
}

// hangingServer answers nothing until the client goes away or the test ends.
func hangingServer(t *testing.T) *httptest.Server {
	t.Helper()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(func() {
		close(release)
		srv.Close()
	})
	return srv
}

func TestHTTPHonoursDeadline(t *testing.T) {
	srv := hangingServer(t)
	exp := newTestHTTP(t, srv.URL+"/api/traces")
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := exp.ExportSpans(ctx, fixtureSpans())
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v, want context.DeadlineExceeded", err)
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("export took %v despite a 100ms deadline", elapsed)
	}
}

func TestHTTPShutdownCancelsExport(t *testing.T) {
	srv := hangingServer(t)
	exp := newTestHTTP(t, srv.URL+"/api/traces")
	done := make(chan error, 1)
	go func() { done <- exp.ExportSpans(context.Background(), fixtureSpans()) }()
	time.Sleep(50 * time.Millisecond)
	if err := exp.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("error %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Shutdown did not end the export in flight")
	}
}

func TestHTTPEmptyExportSendsNothing(t *testing.T) {
	srv := newCollectorServer(t)
	exp := newTestHTTP(t, srv.URL+"/api/traces")
	if err := exp.ExportSpans(context.Background(), []sdktrace.ReadOnlySpan{}); err != nil {
		t.Fatal(err)
	}
	if batches, _ := srv.received(); len(batches) != 0 {
		t.Errorf("got %d batches for no spans", len(batches))
	}
}

func TestNewHTTPRejectsBadEndpoint(t *testing.T) {
	for _, endpoint := range []string{"", "localhost:14268/api/traces", "udp://localhost:6831", "http://", "http://a b/"} {
		if _, err := NewHTTP(endpoint); err == nil {
			t.Errorf("NewHTTP(%q) accepted it", endpoint)
		}
	}
}
