package tracing

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chaostracing/chaostracing/internal/testutil"

	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/proto"
)

// TestExportFailuresCostOneWarningAndTheFlushTimeoutAtMost runs against
// collectors that refuse connections or never answer: the run is not
// delayed, the cleanup returns within the flush timeout plus half a
// second, and one warning says what happened.
func TestExportFailuresCostOneWarningAndTheFlushTimeoutAtMost(t *testing.T) {
	hole, _ := testutil.BlackHole(t)
	for _, tt := range []struct {
		name, args string
		reason     []string // one of them is in the warning
	}{
		{"otlp http refused", `{"provider": "otlp", "collector_endpoint": "http://127.0.0.1:1"}`, []string{"connection refused"}},
		{"otlp grpc refused", `{"provider": "opentelemetry", "exporter": "oltp-grpc", "collector_endpoint": "http://127.0.0.1:1"}`, []string{"connection refused", "no answer within 1s"}},
		{"otlp http black hole", `{"provider": "otlp", "collector_endpoint": "http://` + hole + `"}`, []string{"no answer within 1s"}},
		{"otlp grpc black hole", `{"provider": "opentelemetry", "exporter": "oltp-grpc", "collector_endpoint": "http://` + hole + `"}`, []string{"no answer within 1s"}},
		{"jaeger http refused", `{"provider": "jaeger", "host": "127.0.0.1", "port": 14268}`, []string{"connection refused"}},
		{"zipkin black hole", `{"provider": "zipkin", "collector_endpoint": "http://` + hole + `/api/v2/spans"}`, []string{"no answer within 1s"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := strings.Replace(tt.args, "{", `{"flush_timeout": 1, `, 1)
			e := doc{
				controls:   tracingControl("chaostracing.oltp", args, ""),
				hypothesis: []string{okProbe},
				method:     []string{action1, action2},
				rollbacks:  []string{rollback},
			}.load(t)
			start := time.Now()
			res := runTraced(t, e, setup{real: true})
			if run := time.Since(start) - res.cleanup; run > 500*time.Millisecond {
				t.Errorf("the run took %s", run)
			}
			if res.cleanup > 1500*time.Millisecond {
				t.Errorf("the cleanup took %s", res.cleanup)
			}
			w := res.log.Warnings()
			if len(w) != 1 {
				t.Fatalf("%d warnings:\n%s", len(w), res.log)
			}
			if !strings.Contains(w[0], "Could not export the trace to ") || !strings.Contains(w[0], "the run is not affected") {
				t.Errorf("warning: %s", w[0])
			}
			found := len(tt.reason) == 0
			for _, r := range tt.reason {
				found = found || strings.Contains(w[0], r)
			}
			if !found {
				t.Errorf("warning %s does not say %q", w[0], tt.reason)
			}
		})
	}
}

// otlpHTTPCollector receives OTLP/HTTP protobuf requests.
type otlpHTTPCollector struct {
	*httptest.Server
	mu      sync.Mutex
	reqs    []*coltracepb.ExportTraceServiceRequest
	paths   []string
	headers []http.Header
}

func newOTLPHTTPCollector(t *testing.T) *otlpHTTPCollector {
	c := &otlpHTTPCollector{}
	c.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		req := &coltracepb.ExportTraceServiceRequest{}
		if err := proto.Unmarshal(body, req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		c.mu.Lock()
		c.reqs = append(c.reqs, req)
		c.paths = append(c.paths, r.URL.Path)
		c.headers = append(c.headers, r.Header.Clone())
		c.mu.Unlock()
		w.Header().Set("Connection", "close")
		w.Header().Set("Content-Type", "application/x-protobuf")
	}))
	t.Cleanup(c.Close)
	return c
}

// spanNames lists the names of the spans received, with the service.name
// of their resource.
func spanNames(reqs []*coltracepb.ExportTraceServiceRequest) (names []string, services []string) {
	for _, req := range reqs {
		for _, rs := range req.ResourceSpans {
			for _, kv := range rs.Resource.Attributes {
				if kv.Key == "service.name" {
					services = append(services, kv.Value.GetStringValue())
				}
			}
			for _, ss := range rs.ScopeSpans {
				for _, s := range ss.Spans {
					names = append(names, s.Name)
				}
			}
		}
	}
	return names, services
}

func TestOTLPHTTPExport(t *testing.T) {
	c := newOTLPHTTPCollector(t)
	e := doc{
		extra:     `, "secrets": {"s": {"api_key": "key-1234567"}}`,
		controls:  tracingControl("chaostracing.oltp", `{"provider": "otlp", "collector_endpoint": "`+c.URL+`", "collector_headers": {"x-api-key": "${api_key}"}}`, ""),
		method:    []string{action1},
		rollbacks: []string{rollback},
	}.load(t)
	res := runTraced(t, e, setup{real: true})
	c.mu.Lock()
	defer c.mu.Unlock()
	names, services := spanNames(c.reqs)
	if strings.Join(names, ",") != "activity: a1,method,activity: rb,rollbacks,experiment" {
		t.Errorf("spans received: %v", names)
	}
	if services[0] != "chaostoolkit" {
		t.Errorf("service.name %v", services)
	}
	if c.paths[0] != "/v1/traces" || c.headers[0].Get("X-Api-Key") != "key-1234567" {
		t.Errorf("path %s, headers %v", c.paths[0], c.headers[0])
	}
	if len(res.log.Warnings()) != 0 {
		t.Errorf("warnings: %v", res.log.Warnings())
	}
}

// otlpGRPCCollector receives OTLP/gRPC exports.
type otlpGRPCCollector struct {
	coltracepb.UnimplementedTraceServiceServer
	addr string
	mu   sync.Mutex
	reqs []*coltracepb.ExportTraceServiceRequest
	md   []metadata.MD
}

func (c *otlpGRPCCollector) Export(ctx context.Context, req *coltracepb.ExportTraceServiceRequest) (*coltracepb.ExportTraceServiceResponse, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reqs = append(c.reqs, req)
	c.md = append(c.md, md)
	return &coltracepb.ExportTraceServiceResponse{}, nil
}

func newOTLPGRPCCollector(t *testing.T) *otlpGRPCCollector {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c := &otlpGRPCCollector{addr: ln.Addr().String()}
	s := grpc.NewServer()
	coltracepb.RegisterTraceServiceServer(s, c)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.Serve(ln)
	}()
	t.Cleanup(func() {
		s.Stop()
		<-done
	})
	return c
}

func TestOTLPGRPCExportFromLegacyConfigurationKeys(t *testing.T) {
	c := newOTLPGRPCCollector(t)
	e := doc{
		config: fmt.Sprintf(`{"tracing_provider": "opentelemetry", "tracing_opentelemetry_exporter": "oltp-grpc",
			"tracing_opentelemetry_collector_endpoint": "http://%s", "tracing_opentelemetry_collector_headers": {"team": "sre"}}`, c.addr),
		controls: tracingControl("chaostracing.control", "", ""),
		method:   []string{action1},
	}.load(t)
	res := runTraced(t, e, setup{real: true})
	c.mu.Lock()
	defer c.mu.Unlock()
	names, _ := spanNames(c.reqs)
	if strings.Join(names, ",") != "activity: a1,method,rollbacks,experiment" {
		t.Errorf("spans received: %v", names)
	}
	if got := c.md[0].Get("team"); len(got) != 1 || got[0] != "sre" {
		t.Errorf("metadata %v", c.md[0])
	}
	if len(res.log.Warnings()) != 0 {
		t.Errorf("warnings: %v", res.log.Warnings())
	}
}

func TestJaegerUDPExport(t *testing.T) {
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	port := conn.LocalAddr().(*net.UDPAddr).Port
	e := doc{
		controls: tracingControl("chaostracing.control", fmt.Sprintf(`{"provider": "jaeger", "host": "127.0.0.1", "port": %d}`, port), ""),
		method:   []string{action1},
	}.load(t)
	res := runTraced(t, e, setup{real: true})
	buf := make([]byte, 65536)
	_ = conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	n, _, err := conn.ReadFrom(buf)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"emitBatch", "chaostoolkit", "activity: a1", "experiment", "chaostoolkit.activity.output"} {
		if !strings.Contains(string(buf[:n]), want) {
			t.Errorf("the datagram lacks %q", want)
		}
	}
	if len(res.log.Warnings()) != 0 {
		t.Errorf("warnings: %v", res.log.Warnings())
	}
}

func TestZipkinExport(t *testing.T) {
	var mu sync.Mutex
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, r.URL.Path+" "+string(b))
		mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	e := doc{
		controls: tracingControl("chaostracing.control", `{"provider": "zipkin", "collector_endpoint": "`+srv.URL+`/api/v2/spans"}`, ""),
		method:   []string{action1},
	}.load(t)
	res := runTraced(t, e, setup{real: true})
	mu.Lock()
	defer mu.Unlock()
	if len(bodies) != 1 || !strings.HasPrefix(bodies[0], "/api/v2/spans [") || !strings.Contains(bodies[0], `"name":"activity: a1"`) {
		t.Errorf("received %v", bodies)
	}
	if len(res.log.Warnings()) != 0 {
		t.Errorf("warnings: %v", res.log.Warnings())
	}
}
