package experiment

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

const remoteYAML = "title: from yaml\ndescription: d\nmethod:\n  - type: action\n    name: a\n    provider: {type: process, path: \"true\"}\n"

// serve answers every request with body and contentType ("" sends none),
// recording the last request's headers in got.
func serve(t *testing.T, contentType, body string, got *http.Header) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if got != nil {
			*got = r.Header.Clone()
		}
		if contentType == "" {
			w.Header()["Content-Type"] = nil // no sniffing
		} else {
			w.Header().Set("Content-Type", contentType)
		}
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestLoadSourceReadsRemoteExperimentsByContentType(t *testing.T) {
	tests := []struct {
		name, contentType, path, body, title string
	}{
		{"json", "application/json", "/exp", validJSON, "t"},
		{"json with charset", "application/json; charset=utf-8", "/exp.yaml", validJSON, "t"},
		{"x-yaml", "application/x-yaml", "/exp", remoteYAML, "from yaml"},
		{"text/yaml", "text/yaml", "/exp.json", remoteYAML, "from yaml"},
		{"text/plain json", "text/plain", "/exp", validJSON, "t"},
		{"text/plain yaml", "text/plain; charset=utf-8", "/exp", remoteYAML, "from yaml"},
		{"no type, yaml extension", "", "/experiments/exp.yml", remoteYAML, "from yaml"},
		{"octet-stream, json extension", "application/octet-stream", "/exp.json", validJSON, "t"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got http.Header
			srv := serve(t, tt.contentType, tt.body, &got)
			exp, err := LoadSource(context.Background(), srv.URL+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			if exp.Title != tt.title || exp.Source != srv.URL+tt.path {
				t.Errorf("title %q source %q", exp.Title, exp.Source)
			}
			if a := got.Get("Accept"); a != "application/json, application/x-yaml" {
				t.Errorf("Accept %q", a)
			}
			if got.Get("Authorization") != "" {
				t.Errorf("Authorization sent without any configured: %q", got.Get("Authorization"))
			}
		})
	}
}

// The document is kept as fetched (key order included): the journal
// embeds it.
func TestRemoteDocumentIsKeptAsFetched(t *testing.T) {
	srv := serve(t, "application/json", validJSON, nil)
	exp, err := LoadSource(context.Background(), srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"title", "description", "tags", "configuration", "steady-state-hypothesis", "method", "rollbacks"}
	if got := exp.Doc.Keys(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("keys %v, want %v", got, want)
	}
}

func TestRemoteSyntaxErrorsNameTheURLAndLine(t *testing.T) {
	tests := []struct {
		name, contentType, body, want string
	}{
		{"json declared, yaml sent", "application/json", remoteYAML, "/exp.json:1:3: invalid character"},
		{"unknown type, broken json", "text/plain", "{\n  \"title\": \n}", "/exp.json:3:1"},
		{"unknown type, broken yaml", "text/plain", "title: [\n", "/exp.json:"},
		{"empty", "application/json", "  \n", "an empty experiment is not an experiment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, tt.contentType, tt.body, nil)
			_, err := LoadSource(context.Background(), srv.URL+"/exp.json", nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), srv.URL) {
				t.Errorf("error %v, want one starting with the URL and containing %q", err, tt.want)
			}
		})
	}
}

func TestRemoteAuthorization(t *testing.T) {
	var got http.Header
	srv := serve(t, "application/json", validJSON, &got)
	hostPort := strings.TrimPrefix(srv.URL, "http://")
	host, _, _ := net.SplitHostPort(hostPort)
	auths := func(keys ...string) []Option {
		return []Option{WithAuthorization(func(h string) (string, bool) {
			for _, k := range keys {
				if h == k {
					return "token " + k, true
				}
			}
			return "", false
		})}
	}
	tests := []struct {
		name, env string
		opts      []Option
		want      string
	}{
		{"none", "", auths(), ""},
		{"settings host:port", "", auths(hostPort, host), "token " + hostPort},
		{"settings bare host", "", auths(host), "token " + host},
		{"settings other host", "", auths("example.com"), ""},
		{"env token wins", "s3cr3t", auths(hostPort), "Bearer s3cr3t"},
		{"env token alone", "s3cr3t", nil, "Bearer s3cr3t"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(BearerTokenEnv, tt.env)
			if _, err := LoadSource(context.Background(), srv.URL+"/exp", nil, tt.opts...); err != nil {
				t.Fatal(err)
			}
			if a := got.Get("Authorization"); a != tt.want {
				t.Errorf("Authorization %q, want %q", a, tt.want)
			}
		})
	}
}

// Redirects are followed, but the Authorization header never goes to
// another host.
func TestRemoteRedirectsKeepAuthorizationOnTheirHost(t *testing.T) {
	var final http.Header
	target := serve(t, "application/json", validJSON, &final)
	var first http.Header
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		first = r.Header.Clone()
		to := target.URL + "/exp.json"
		if r.URL.Path == "/same" {
			to = "/other"
		}
		if r.URL.Path == "/other" {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(validJSON))
			return
		}
		http.Redirect(w, r, to, http.StatusFound)
	}))
	t.Cleanup(origin.Close)
	t.Setenv(BearerTokenEnv, "s3cr3t")

	if _, err := LoadSource(context.Background(), origin.URL+"/cross", nil); err != nil {
		t.Fatal(err)
	}
	if first.Get("Authorization") != "Bearer s3cr3t" || final.Get("Authorization") != "" {
		t.Errorf("origin got %q, the other host got %q", first.Get("Authorization"), final.Get("Authorization"))
	}
	if _, err := LoadSource(context.Background(), origin.URL+"/same", nil); err != nil {
		t.Fatal(err)
	}
	if first.Get("Authorization") != "Bearer s3cr3t" {
		t.Errorf("a redirect on the same host lost the Authorization header: %q", first.Get("Authorization"))
	}
}

func TestRemoteRedirectLoopStops(t *testing.T) {
	var loop *httptest.Server
	loop = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, loop.URL+r.URL.Path, http.StatusFound)
	}))
	t.Cleanup(loop.Close)
	_, err := LoadSource(context.Background(), loop.URL+"/exp.json", nil)
	if err == nil || !strings.Contains(err.Error(), "stopped after 10 redirects") {
		t.Errorf("error %v", err)
	}
}

// Failures name the URL without its credentials or query, and say why.
func TestRemoteFailures(t *testing.T) {
	status := func(code int) *httptest.Server {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "body echoing "+r.Header.Get("Authorization"), code)
		}))
		t.Cleanup(srv.Close)
		return srv
	}
	big := strings.Repeat(" ", 200) + validJSON
	chunked := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(big[:100]))
		w.(http.Flusher).Flush()
		_, _ = w.Write([]byte(big[100:]))
	}))
	t.Cleanup(chunked.Close)
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	t.Cleanup(slow.Close)
	// A port that was free a moment ago: connections to it are refused.
	gone := httptest.NewServer(nil)
	closed := gone.Listener.Addr().String()
	gone.Close()
	t.Setenv(BearerTokenEnv, "s3cr3t")

	tests := []struct {
		name, url string
		opts      []Option
		want      string
	}{
		{"404", status(404).URL + "/exp.json", nil, "the server answered 404 Not Found"},
		{"500", status(500).URL + "/exp.json", nil, "the server answered 500 Internal Server Error"},
		{"oversize with length", serve(t, "application/json", big, nil).URL + "/exp.json", []Option{WithMaxSize(100)}, "is larger than 100 bytes"},
		{"oversize chunked", chunked.URL + "/exp.json", []Option{WithMaxSize(100)}, "is larger than 100 bytes"},
		{"unreachable", "http://" + closed + "/exp.json", nil, "connection refused"},
		{"timeout", slow.URL + "/exp.json", []Option{WithFetchTimeout(200 * time.Millisecond)}, "no complete answer within 200ms"},
		{"no host", "http:///exp.json", nil, "it names no host"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			withSecrets := strings.Replace(tt.url, "://", "://user:pa55w0rd@", 1) + "?token=qu3ry"
			_, err := LoadSource(context.Background(), withSecrets, nil, tt.opts...)
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.want) {
				t.Errorf("error %q, want %q", msg, tt.want)
			}
			for _, secret := range []string{"pa55w0rd", "qu3ry", "s3cr3t", "user"} {
				if strings.Contains(msg, secret) {
					t.Errorf("error %q shows %q", msg, secret)
				}
			}
		})
	}
}

func TestRemoteTLSVerification(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(validJSON))
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake
	srv.StartTLS()
	t.Cleanup(srv.Close)

	_, err := LoadSource(context.Background(), srv.URL+"/exp.json", nil)
	var cert *tls.CertificateVerificationError
	if !errors.As(err, &cert) || !strings.Contains(err.Error(), "the server's certificate cannot be verified") {
		t.Errorf("verified load: %v", err)
	}
	exp, err := LoadSource(context.Background(), srv.URL+"/exp.json", nil, WithTLSVerify(false))
	if err != nil || exp.Title != "t" {
		t.Errorf("unverified load: %v", err)
	}
}

func TestIsURL(t *testing.T) {
	for source, want := range map[string]bool{
		"http://x/e.json": true, "HTTPS://x/e.yaml": true, "https:/x": false,
		"e.json": false, "-": false, "ftp://x/e.json": false, "./http://x": false,
	} {
		if IsURL(source) != want {
			t.Errorf("IsURL(%q) = %v", source, !want)
		}
	}
}
