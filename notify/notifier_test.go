package notify

import (
	"encoding/json"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chaostracing/chaostracing/internal/testutil"
	"github.com/chaostracing/chaostracing/value"
	"go.opentelemetry.io/otel/trace"
)

// received is one request an endpoint got.
type received struct {
	method string
	header http.Header
	body   map[string]any
}

// endpointServer records the requests it gets and answers status.
type endpointServer struct {
	*httptest.Server
	mu   sync.Mutex
	got  []received
	wait time.Duration // before answering
}

func newServer(t *testing.T, status int) *endpointServer {
	t.Helper()
	s := &endpointServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data, _ := io.ReadAll(r.Body)
		rec := received{method: r.Method, header: r.Header.Clone()}
		if len(data) > 0 {
			if err := json.Unmarshal(data, &rec.body); err != nil {
				t.Errorf("body is not JSON: %v\n%s", err, data)
			}
		}
		select {
		case <-time.After(s.wait):
		case <-r.Context().Done():
			return
		}
		s.mu.Lock()
		s.got = append(s.got, rec)
		s.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *endpointServer) requests() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.got...)
}

func (s *endpointServer) names() string {
	var names []string
	for _, r := range s.requests() {
		name, _ := r.body["name"].(string)
		names = append(names, name)
	}
	return strings.Join(names, ",")
}

func channel(url string) Channel {
	return Channel{URL: url, Header: http.Header{}, VerifyTLS: true, ForwardPayload: true}
}

var runSpan = trace.NewSpanContext(trace.SpanContextConfig{
	TraceID:    trace.TraceID{0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36},
	SpanID:     trace.SpanID{0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7},
	TraceFlags: trace.FlagsSampled,
})

const runTraceID = "4bf92f3577b34da6a3ce929d0e0e4736"

func TestSendPostsTheEventWithTraceIDAndLink(t *testing.T) {
	srv := newServer(t, http.StatusOK)
	c := channel(srv.URL + "/hook")
	c.Header.Set("Authorization", "Bearer t0ken")
	c.TraceURL = "http://jaeger:16686/trace/{trace_id}"
	n := New([]Channel{c})
	before := float64(time.Now().UnixMicro()) / 1e6
	n.Send(Event{Name: RunStarted, Payload: value.NewObject("title", "t", "method", []any{}), Trace: runSpan})
	n.Close()

	got := srv.requests()
	if len(got) != 1 {
		t.Fatalf("%d requests", len(got))
	}
	r := got[0]
	if r.method != http.MethodPost || r.header.Get("Content-Type") != "application/json" || r.header.Get("Authorization") != "Bearer t0ken" {
		t.Errorf("%s with headers %v", r.method, r.header)
	}
	if tp := r.header.Get("Traceparent"); tp != "00-"+runTraceID+"-00f067aa0ba902b7-01" {
		t.Errorf("traceparent %q", tp)
	}
	want := map[string]any{
		"name": RunStarted, "phase": "run", "payload": map[string]any{"title": "t", "method": []any{}},
		"trace_id": runTraceID, "trace_url": "http://jaeger:16686/trace/" + runTraceID,
	}
	ts, _ := r.body["ts"].(float64)
	if ts < before || ts > before+5 {
		t.Errorf("ts %v, want about %v", r.body["ts"], before)
	}
	delete(r.body, "ts")
	if !equalJSON(r.body, want) {
		t.Errorf("body %v\nwant %v", r.body, want)
	}
}

func TestEventsWithoutTraceOrWithErrors(t *testing.T) {
	srv := newServer(t, http.StatusNoContent)
	c := channel(srv.URL)
	c.TraceURL = "http://jaeger/{trace_id}"
	n := New([]Channel{c})
	n.Send(Event{Name: ValidateFailed, Payload: "x", Error: "x.json is not a valid experiment"})
	n.Close()
	got := srv.requests()
	if len(got) != 1 {
		t.Fatalf("%d requests", len(got))
	}
	want := map[string]any{"name": ValidateFailed, "phase": "validate", "payload": "x", "error": "x.json is not a valid experiment"}
	delete(got[0].body, "ts")
	if !equalJSON(got[0].body, want) || got[0].header.Get("Traceparent") != "" {
		t.Errorf("body %v, traceparent %q", got[0].body, got[0].header.Get("Traceparent"))
	}
}

func TestEndpointsGetTheEventsTheyWantInOrder(t *testing.T) {
	all, failures, none := newServer(t, 200), newServer(t, 200), newServer(t, 200)
	all.wait = 20 * time.Millisecond // slow, to show that order holds anyway
	cf, cn := channel(failures.URL), channel(none.URL)
	cf.Events = []string{RunFailed, RunDeviated}
	cn.Events = []string{"run-finished"}
	n := New([]Channel{channel(all.URL), cf, cn})
	for _, name := range []string{RunStarted, RunFailed, RunDeviated} {
		n.Send(Event{Name: name, Trace: runSpan})
	}
	n.Close()
	for _, tt := range []struct {
		srv  *endpointServer
		want string
	}{
		{all, "run-started,run-failed,run-deviated"},
		{failures, "run-failed,run-deviated"},
		{none, ""},
	} {
		if got := tt.srv.names(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}

// Without forward_event_payload, the endpoint gets a GET without a body,
// the trace in its traceparent header.
func TestNoPayloadSendsAGet(t *testing.T) {
	srv := newServer(t, http.StatusOK)
	c := channel(srv.URL)
	c.ForwardPayload = false
	n := New([]Channel{c})
	n.Send(Event{Name: RunCompleted, Payload: value.NewObject("status", "completed"), Trace: runSpan})
	n.Close()
	got := srv.requests()
	if len(got) != 1 || got[0].method != http.MethodGet || got[0].body != nil || !strings.Contains(got[0].header.Get("Traceparent"), runTraceID) {
		t.Errorf("requests %+v", got)
	}
}

// A slow endpoint costs each request the timeout, and Close at most the
// timeout however many events wait for it, and one warning.
func TestSlowEndpointIsBounded(t *testing.T) {
	slow, fast := newServer(t, 200), newServer(t, 200)
	slow.wait = time.Minute
	logs := &testutil.LogBuffer{}
	n := New([]Channel{channel(slow.URL), channel(fast.URL)}, WithTimeout(300*time.Millisecond), WithLogger(logs.Logger()))
	n.Send(Event{Name: RunStarted})
	time.Sleep(600 * time.Millisecond) // the run, while run-started times out
	n.Send(Event{Name: RunCompleted})
	n.Send(Event{Name: RunDeviated})
	start := time.Now()
	n.Close()
	if d := time.Since(start); d > time.Second {
		t.Errorf("Close took %v", d)
	}
	if got := fast.names(); got != "run-started,run-completed,run-deviated" {
		t.Errorf("the fast endpoint got %q", got)
	}
	warnings := logs.Warnings()
	if len(warnings) != 1 || !strings.Contains(warnings[0], "Notification run-started to "+slow.URL+" failed: no answer within 300ms") {
		t.Errorf("warnings %q", warnings)
	}
	for _, event := range []string{"run-completed", "run-deviated"} {
		if !strings.Contains(logs.String(), "level=DEBUG msg=\"Notification "+event+" to "+slow.URL+" failed: ") {
			t.Errorf("the failure of %s is not logged at debug level:\n%s", event, logs)
		}
	}
}

// Failures never fail anything: each endpoint costs one warning naming
// it without credentials or query; header values never show.
func TestFailuresWarnOncePerEndpoint(t *testing.T) {
	closed := testutil.ClosedAddr(t)
	redirect := httptest.NewServer(http.RedirectHandler("http://example.com/", http.StatusFound))
	t.Cleanup(redirect.Close)
	tlsSrv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0)
	tlsSrv.StartTLS()
	t.Cleanup(tlsSrv.Close)
	tests := []struct {
		name, url, want string
	}{
		{"down", "http://" + closed + "/hook", "failed: connection refused"},
		{"500", newServer(t, 500).URL, "failed: the endpoint answered 500 Internal Server Error"},
		{"404", newServer(t, 404).URL, "failed: the endpoint answered 404 Not Found"},
		{"redirect", redirect.URL, "failed: the endpoint answered 302 Found, and redirects are not followed"},
		{"tls", tlsSrv.URL, "the endpoint's certificate cannot be verified (set verify_tls: false for this notification to skip the check)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logs := &testutil.LogBuffer{}
			c := channel(strings.Replace(tt.url, "://", "://user:pa55w0rd@", 1) + "?token=qu3ry")
			c.Header.Set("X-Api-Key", "k3y-value")
			n := New([]Channel{c}, WithLogger(logs.Logger()))
			n.Send(Event{Name: RunStarted})
			n.Send(Event{Name: RunFailed})
			n.Close()
			warnings := logs.Warnings()
			if len(warnings) != 1 || !strings.Contains(warnings[0], tt.want) || !strings.Contains(warnings[0], "Notification run-started to "+tt.url+"?... failed") {
				t.Errorf("warnings %q, want one with %q", warnings, tt.want)
			}
			for _, secret := range []string{"pa55w0rd", "qu3ry", "k3y-value", "user"} {
				if strings.Contains(logs.String(), secret) {
					t.Errorf("the log shows %q:\n%s", secret, logs)
				}
			}
		})
	}
}

func TestTLSVerificationCanBeTurnedOff(t *testing.T) {
	var got atomic.Int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { got.Add(1) }))
	t.Cleanup(srv.Close)
	logs := &testutil.LogBuffer{}
	c := channel(srv.URL)
	c.VerifyTLS = false
	n := New([]Channel{c}, WithLogger(logs.Logger()))
	n.Send(Event{Name: RunStarted})
	n.Close()
	if got.Load() != 1 || len(logs.Warnings()) != 0 {
		t.Errorf("%d requests, warnings %q", got.Load(), logs.Warnings())
	}
}

func TestSendAfterCloseIsDropped(t *testing.T) {
	srv := newServer(t, 200)
	n := New([]Channel{channel(srv.URL)})
	n.Close()
	n.Send(Event{Name: RunStarted})
	n.Close()
	if got := srv.requests(); len(got) != 0 {
		t.Errorf("%d requests after Close", len(got))
	}
}

// The event is encoded when sent: changing the payload afterwards does
// not change what the endpoint gets.
func TestSendEncodesAtOnce(t *testing.T) {
	srv := newServer(t, 200)
	n := New([]Channel{channel(srv.URL)})
	doc := value.NewObject("title", "before")
	n.Send(Event{Name: RunStarted, Payload: doc})
	doc.Set("title", "after")
	n.Close()
	got := srv.requests()
	if len(got) != 1 || got[0].body["payload"].(map[string]any)["title"] != "before" {
		t.Errorf("requests %+v", got)
	}
}

func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}
