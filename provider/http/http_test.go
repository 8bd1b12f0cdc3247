package http

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	nethttp "net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/chaostracing/chaostracing/internal/testutil"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/goleak"

	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/provider"
	"github.com/chaostracing/chaostracing/value"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// newProvider returns a provider whose pooled connections are closed when
// the test ends.
func newProvider(t *testing.T) *Provider {
	p := New()
	t.Cleanup(p.CloseIdleConnections)
	return p
}

// server starts a loopback server closed when the test ends.
func server(t *testing.T, h nethttp.HandlerFunc) *httptest.Server {
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s
}

// call builds a provider call for an http spec given as key, value pairs.
func call(pairs ...any) provider.Call {
	spec := value.NewObject(append([]any{"type", "http"}, pairs...)...)
	return provider.Call{Activity: &experiment.Activity{Name: "act", Provider: spec}, Spec: spec}
}

func run(t *testing.T, p *Provider, c provider.Call) *value.Object {
	t.Helper()
	out, err := p.Run(context.Background(), c)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return out.(*value.Object)
}

func field(o *value.Object, key string) any {
	v, _ := o.Get(key)
	return v
}

// echo answers "METHOD|Content-Type|query|body" as text.
func echo(w nethttp.ResponseWriter, r *nethttp.Request) {
	body, _ := io.ReadAll(r.Body)
	w.Header().Set("Content-Type", "text/plain")
	fmt.Fprintf(w, "%s|%s|%s|%s", r.Method, r.Header.Get("Content-Type"), r.URL.RawQuery, body)
}

func TestRequests(t *testing.T) {
	s := server(t, echo)
	p := newProvider(t)
	args := value.NewObject("a", "x y", "n", int64(3), "b", true, "l", []any{"1", int64(2), nil}, "none", nil, "f", 0.5, "o", value.NewObject("k1", 1, "k2", 2))
	jsonHeader := value.NewObject("Content-Type", "application/json")
	tests := []struct {
		name string
		spec []any
		want string
	}{
		{"GET params", []any{"url", s.URL + "/?q=1", "arguments", args}, "GET||q=1&a=x+y&n=3&b=True&l=1&l=2&f=0.5&o=k1&o=k2|"},
		{"GET string params", []any{"url", s.URL, "arguments", "raw=1&x"}, "GET||raw=1&x|"},
		{"GET no params", []any{"url", s.URL + "/?q=1"}, "GET||q=1|"},
		{"form body", []any{"url", s.URL, "method", "post", "arguments", args}, "POST|application/x-www-form-urlencoded||a=x+y&n=3&b=True&l=1&l=2&f=0.5&o=k1&o=k2"},
		{"JSON body", []any{"url", s.URL, "method", "POST", "headers", jsonHeader, "arguments", value.NewObject("k", "v", "n", []any{int64(1), 2.5, true, nil}, "u", "é")},
			`POST|application/json||{"k": "v", "n": [1, 2.5, true, null], "u": "\u00e9"}`},
		{"JSON header name in any case", []any{"url", s.URL, "method", "PUT", "headers", value.NewObject("content-type", "application/json"), "arguments", value.NewObject("k", int64(1))},
			`PUT|application/json||{"k": 1}`},
		{"JSON with charset is form", []any{"url", s.URL, "method", "POST", "headers", value.NewObject("Content-Type", "application/json; charset=utf-8"), "arguments", value.NewObject("k", "v")},
			"POST|application/json; charset=utf-8||k=v"},
		{"string body", []any{"url", s.URL, "method", "PATCH", "arguments", "raw body"}, "PATCH|||raw body"},
		{"no body", []any{"url", s.URL, "method", "POST"}, "POST|||"},
		{"DELETE sends a form body", []any{"url", s.URL, "method", "delete", "arguments", value.NewObject("id", int64(7))}, "DELETE|application/x-www-form-urlencoded||id=7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := field(run(t, p, call(tt.spec...)), "body"); got != tt.want {
				t.Errorf("body = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestHeaders(t *testing.T) {
	var got nethttp.Header
	s := server(t, func(w nethttp.ResponseWriter, r *nethttp.Request) {
		got = r.Header.Clone()
		w.Header().Add("x-multi", "a")
		w.Header().Add("X-Multi", "b")
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("Date", "fixed")
	})
	out := run(t, newProvider(t), call("url", s.URL, "headers", value.NewObject("X-Str", "s", "x-num", int64(3), "X-Null", nil, "User-Agent", "mine")))
	for name, want := range map[string]string{"X-Str": "s", "X-Num": "3", "User-Agent": "mine", "Accept": "*/*"} {
		if got.Get(name) != want {
			t.Errorf("request header %s = %q, want %q", name, got.Get(name), want)
		}
	}
	if _, ok := got["X-Null"]; ok {
		t.Error("a null header was sent")
	}
	headers := field(out, "headers").(*value.Object)
	if keys := fmt.Sprint(headers.Keys()); keys != "[Content-Length Content-Type Date X-Multi]" {
		t.Errorf("response header names = %s", keys)
	}
	if v := headers.String("X-Multi"); v != "a, b" {
		t.Errorf("X-Multi = %q", v)
	}
}

func TestStatusIsOutput(t *testing.T) {
	s := server(t, func(w nethttp.ResponseWriter, r *nethttp.Request) {
		var code int
		fmt.Sscan(strings.TrimPrefix(r.URL.Path, "/"), &code)
		w.WriteHeader(code)
	})
	tests := []struct {
		code      int
		tolerance bool
		warned    bool
	}{{200, false, false}, {399, false, false}, {400, false, true}, {404, false, true}, {501, false, true}, {404, true, false}}
	p := newProvider(t)
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.code, tt.tolerance), func(t *testing.T) {
			var logs bytes.Buffer
			c := call("url", fmt.Sprintf("%s/%d", s.URL, tt.code))
			c.Activity.HasTolerance = tt.tolerance
			c.Log = slog.New(slog.NewTextHandler(&logs, nil))
			if got := field(run(t, p, c), "status"); got != int64(tt.code) {
				t.Errorf("status = %v", got)
			}
			if warned := strings.Contains(logs.String(), "status code above 400"); warned != tt.warned {
				t.Errorf("warned = %v, want %v", warned, tt.warned)
			}
		})
	}
}

func TestResponseBody(t *testing.T) {
	tests := []struct {
		name, contentType, body string
		limit                   int
		want                    any
		wantErr                 string
	}{
		{"JSON", "application/json", `{"b": 1, "a": [true, null, 1.5]}`, 0, value.NewObject("b", int64(1), "a", []any{true, nil, 1.5}), ""},
		{"JSON with charset is text", "application/json; charset=utf-8", `{"a": 1}`, 0, `{"a": 1}`, ""},
		{"empty JSON", "application/json", "", 0, nil, ""},
		{"invalid JSON", "application/json", "{oops", 0, nil, "says application/json but its body is not JSON"},
		{"capped JSON is text", "application/json", `{"a": 1}`, 4, "{\"a\"\n... [truncated 4 bytes]", ""},
		{"text", "text/plain", "hello", 0, "hello", ""},
		{"invalid UTF-8", "text/plain", "a\xffb", 0, "a\uFFFDb", ""},
		{"latin-1", "text/plain; charset=ISO-8859-1", "caf\xe9", 0, "café", ""},
		{"cap", "text/plain", strings.Repeat("x", 1000), 100, strings.Repeat("x", 100) + "\n... [truncated 900 bytes]", ""},
		{"cap inside a character", "text/plain", "aé", 2, "a\n... [truncated 2 bytes]", ""},
	}
	p := newProvider(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := server(t, func(w nethttp.ResponseWriter, r *nethttp.Request) {
				w.Header().Set("Content-Type", tt.contentType)
				io.WriteString(w, tt.body)
			})
			c := call("url", s.URL)
			c.MaxOutput = tt.limit
			out, err := p.Run(context.Background(), c)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := field(out.(*value.Object), "body"); !value.Equal(got, tt.want) {
				t.Errorf("body = %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestLargeBodyIsCapped(t *testing.T) {
	chunk := bytes.Repeat([]byte("y"), 64<<10)
	s := server(t, func(w nethttp.ResponseWriter, r *nethttp.Request) {
		for range 160 { // 10 MiB
			w.Write(chunk)
		}
	})
	c := call("url", s.URL)
	c.MaxOutput = 10
	body := field(run(t, newProvider(t), c), "body")
	if want := "yyyyyyyyyy\n... [truncated 10485750 bytes]"; body != want {
		t.Errorf("body = %q, want %q", body, want)
	}
}

func TestOutputShape(t *testing.T) {
	s := server(t, func(w nethttp.ResponseWriter, r *nethttp.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Date", "d")
		io.WriteString(w, `{"ok": true}`)
	})
	got, _ := run(t, newProvider(t), call("url", s.URL)).MarshalJSON()
	want := `{"status":200,"headers":{"Content-Length":"12","Content-Type":"application/json","Date":"d"},"body":{"ok":true}}`
	if string(got) != want {
		t.Errorf("output = %s\nwant     %s", got, want)
	}
}

// slow answers after a delay, or sends headers and then stalls the body
// for /stall, until the client goes away.
func slow(w nethttp.ResponseWriter, r *nethttp.Request) {
	if r.URL.Path == "/stall" {
		w.Write([]byte("start"))
		w.(nethttp.Flusher).Flush()
	}
	select {
	case <-r.Context().Done():
	case <-time.After(5 * time.Second):
	}
}

func TestTimeouts(t *testing.T) {
	s := server(t, slow)
	tests := []struct {
		name    string
		path    string
		timeout any
		want    string
	}{
		{"whole request", "/", 0.2, "HTTP request GET " + s.URL + "/ timed out after 200ms"},
		{"whole request, slow body", "/stall", 0.2, "HTTP request GET " + s.URL + "/stall timed out after 200ms"},
		{"read", "/", []any{int64(1), 0.2}, "HTTP request GET " + s.URL + "/ timed out: no data received for 200ms"},
		{"read, slow body", "/stall", []any{nil, 0.2}, "HTTP request GET " + s.URL + "/stall timed out: no data received for 200ms"},
	}
	p := newProvider(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			_, err := p.Run(context.Background(), call("url", s.URL+tt.path, "timeout", tt.timeout))
			if err == nil || err.Error() != tt.want {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
			if elapsed := time.Since(start); elapsed > time.Second {
				t.Errorf("returned after %v", elapsed)
			}
		})
	}
}

// fullListener returns the address of a listener whose accept queue is
// full, so that connecting to it hangs.
func fullListener(t *testing.T) string {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	sa, _ := syscall.Getsockname(fd)
	addr := fmt.Sprintf("127.0.0.1:%d", sa.(*syscall.SockaddrInet4).Port)
	c, err := net.Dial("tcp", addr) // fills the queue
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return addr
}

func TestConnectTimeout(t *testing.T) {
	addr := fullListener(t)
	start := time.Now()
	_, err := newProvider(t).Run(context.Background(), call("url", "http://"+addr+"/", "timeout", []any{0.2, int64(5)}))
	want := "failed to connect to GET http://" + addr + "/: no connection within 200ms"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
	if elapsed := time.Since(start); elapsed > time.Second {
		t.Errorf("returned after %v", elapsed)
	}
}

func TestCancel(t *testing.T) {
	s := server(t, slow)
	ctx, cancel := context.WithCancel(context.Background())
	timer := time.AfterFunc(100*time.Millisecond, cancel)
	defer timer.Stop()
	_, err := newProvider(t).Run(ctx, call("url", s.URL))
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "interrupted") {
		t.Errorf("err = %v", err)
	}
}

func TestVerifyTLS(t *testing.T) {
	s := httptest.NewUnstartedServer(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {}))
	s.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake
	s.StartTLS()
	t.Cleanup(s.Close)
	p := newProvider(t)
	_, err := p.Run(context.Background(), call("url", s.URL))
	if err == nil || !strings.HasPrefix(err.Error(), "failed to connect to GET "+s.URL+": tls: failed to verify certificate") {
		t.Errorf("err = %v", err)
	}
	if got := field(run(t, p, call("url", s.URL, "verify_tls", false)), "status"); got != int64(200) {
		t.Errorf("status = %v", got)
	}
}

// closingListener accepts connections and closes them at once, counting
// them.
func closingListener(t *testing.T) (string, *atomic.Int64) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var n atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			n.Add(1)
			c.Close()
		}
	}()
	t.Cleanup(func() { l.Close(); wg.Wait() })
	return l.Addr().String(), &n
}

func TestMaxRetries(t *testing.T) {
	tests := []struct {
		method   string
		retries  any
		attempts int64
	}{
		{"GET", nil, 1},
		{"GET", int64(0), 1},
		{"GET", int64(2), 3},
		{"PUT", int64(1), 2},
		{"POST", int64(2), 1}, // not idempotent, and the connection was made
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.method, tt.retries), func(t *testing.T) {
			addr, accepted := closingListener(t)
			_, err := newProvider(t).Run(context.Background(), call("url", "http://"+addr+"/", "method", tt.method, "max_retries", tt.retries))
			// EOF or a reset, depending on timing.
			want := "HTTP request " + tt.method + " http://" + addr + "/ failed: "
			if err == nil || !strings.HasPrefix(err.Error(), want) {
				t.Errorf("err = %v, want %q", err, want)
			}
			if got := accepted.Load(); got != tt.attempts {
				t.Errorf("%d attempts, want %d", got, tt.attempts)
			}
		})
	}
}

func TestConnectionRefused(t *testing.T) {
	addr := testutil.ClosedAddr(t)
	start := time.Now()
	_, err := newProvider(t).Run(context.Background(), call("url", "http://"+addr+"/", "method", "POST", "max_retries", int64(2)))
	want := "failed to connect to POST http://" + addr + "/: connection refused"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
	if elapsed := time.Since(start); elapsed < firstBackoff*3 {
		t.Errorf("two retries took only %v", elapsed)
	}
}

func TestCredentialsNotEchoed(t *testing.T) {
	addr := testutil.ClosedAddr(t)
	_, err := newProvider(t).Run(context.Background(), call("url", "http://alice:s3cret@"+addr+"/p?token=t0k#frag"))
	want := "failed to connect to GET http://" + addr + "/p?...: connection refused"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
	_, err = newProvider(t).Run(context.Background(), call("url", "http://alice:s3cret@[::1/"))
	if err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("err = %v", err)
	}
}

func TestBasicAuthFromURL(t *testing.T) {
	var user, pass string
	s := server(t, func(w nethttp.ResponseWriter, r *nethttp.Request) { user, pass, _ = r.BasicAuth() })
	run(t, newProvider(t), call("url", strings.Replace(s.URL, "http://", "http://alice:s3cret@", 1)))
	if user != "alice" || pass != "s3cret" {
		t.Errorf("basic auth = %q, %q", user, pass)
	}
}

func TestTraceparentHeader(t *testing.T) {
	var got string
	s := server(t, func(w nethttp.ResponseWriter, r *nethttp.Request) { got = r.Header.Get("Traceparent") })
	prev := otel.GetTextMapPropagator()
	otel.SetTextMapPropagator(propagation.TraceContext{})
	defer otel.SetTextMapPropagator(prev)
	sc := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID:    trace.TraceID{0x0a, 0xf7, 0x65, 0x19, 0x16, 0xcd, 0x43, 0xdd, 0x84, 0x48, 0xeb, 0x21, 0x1c, 0x80, 0x31, 0x9c},
		SpanID:     trace.SpanID{0xb7, 0xad, 0x6b, 0x71, 0x69, 0x20, 0x33, 0x31},
		TraceFlags: trace.FlagsSampled,
	})
	if _, err := newProvider(t).Run(trace.ContextWithSpanContext(context.Background(), sc), call("url", s.URL)); err != nil {
		t.Fatal(err)
	}
	if want := "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"; got != want {
		t.Errorf("traceparent = %q, want %q", got, want)
	}
}

func TestConnectionsReused(t *testing.T) {
	var conns atomic.Int64
	s := httptest.NewUnstartedServer(nethttp.HandlerFunc(echo))
	s.Config.ConnState = func(_ net.Conn, state nethttp.ConnState) {
		if state == nethttp.StateNew {
			conns.Add(1)
		}
	}
	s.Start()
	t.Cleanup(s.Close)
	p := newProvider(t)
	for range 3 {
		run(t, p, call("url", s.URL, "timeout", int64(5)))
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections for 3 requests", n)
	}
	run(t, p, call("url", s.URL, "verify_tls", false))
	if n := conns.Load(); n != 2 {
		t.Errorf("%d connections after a request with another client", n)
	}
	run(t, p, call("url", s.URL, "timeout", []any{int64(1), int64(1)}))
	if n := len(p.clients); n != 3 {
		t.Errorf("%d clients, want 3", n)
	}
}

func TestRedirect(t *testing.T) {
	s := server(t, func(w nethttp.ResponseWriter, r *nethttp.Request) {
		if r.URL.Path == "/old" {
			nethttp.Redirect(w, r, "/new", nethttp.StatusFound)
			return
		}
		io.WriteString(w, r.URL.Path)
	})
	out := run(t, newProvider(t), call("url", s.URL+"/old"))
	if field(out, "status") != int64(200) || field(out, "body") != "/new" {
		t.Errorf("output = %v %v", field(out, "status"), field(out, "body"))
	}
}

func TestSpecErrors(t *testing.T) {
	tests := []struct {
		name string
		spec []any
		want string
	}{
		{"no url", []any{}, "an HTTP activity must have a URL"},
		{"scheme", []any{"url", "ftp://host/"}, "invalid HTTP URL ftp://host/: the scheme must be http or https"},
		{"headers", []any{"url", "http://h/", "headers", []any{}}, "HTTP headers must be an object, not array"},
		{"header value", []any{"url", "http://h/", "headers", value.NewObject("X", []any{})}, "HTTP header 'X' must be a string, not array"},
		{"arguments", []any{"url", "http://h/", "arguments", []any{}}, "HTTP arguments must be an object or a string, not array"},
		{"timeout type", []any{"url", "http://h/", "timeout", "3"}, "an HTTP timeout must be a number of seconds or a [connect, read] pair, not string"},
		{"timeout zero", []any{"url", "http://h/", "timeout", int64(0)}, "an HTTP timeout must be greater than 0, not 0"},
		{"timeout list", []any{"url", "http://h/", "timeout", []any{int64(1)}}, "an HTTP timeout list must be [connect, read] seconds"},
		{"max_retries", []any{"url", "http://h/", "max_retries", "2"}, "max_retries must be an integer, not string"},
		{"NaN in JSON", []any{"url", "http://h/", "method", "POST", "headers", value.NewObject("Content-Type", "application/json"), "arguments", value.NewObject("f", nanValue())},
			"out of range float values are not JSON compliant"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New().Run(context.Background(), call(tt.spec...))
			if err == nil || err.Error() != tt.want {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func nanValue() float64 {
	zero := 0.0
	return zero / zero
}

func TestPyJSON(t *testing.T) {
	tests := []struct {
		in   any
		want string
	}{
		{nil, "null"},
		{"s", `"s"`},
		{1.0, "1.0"},
		{1e-05, "1e-05"},
		{[]any{}, "[]"},
		{&value.Object{}, "{}"},
		{value.NewObject("a", []any{int64(1), false}, "b", value.NewObject("c", nil)), `{"a": [1, false], "b": {"c": null}}`},
		{"q\"\\\n\t\x01\x7fé😀", `"q\"\\\n\t\u0001\u007f\u00e9\ud83d\ude00"`},
	}
	for _, tt := range tests {
		got, err := pyJSON(tt.in)
		if err != nil || string(got) != tt.want {
			t.Errorf("pyJSON(%#v) = %s, %v; want %s", tt.in, got, err, tt.want)
		}
	}
}
