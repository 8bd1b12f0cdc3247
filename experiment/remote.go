package experiment

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/chaostracing/chaostracing/internal/redact"
)

// BearerTokenEnv names the environment variable whose value, when set, is
// sent as a bearer token to the host a remote experiment is loaded from,
// whatever the settings' auths say, as the Python tool does.
const BearerTokenEnv = "CHAOSTOOLKIT_LOADER_AUTH_BEARER_TOKEN"

// DefaultFetchTimeout bounds loading a remote experiment: connection,
// redirects and body.
const DefaultFetchTimeout = 30 * time.Second

// maxRedirects is how many redirects a fetch follows, as Go's default.
const maxRedirects = 10

// accept is the Accept header of a fetch, the Python tool's.
const accept = "application/json, application/x-yaml"

// fetchOptions are the Options of loading a remote experiment.
type fetchOptions struct {
	auth     func(host string) (string, bool)
	insecure bool
	timeout  time.Duration
}

// WithAuthorization sets where the Authorization header of a remote
// experiment comes from when BearerTokenEnv is not set: lookup gets the
// URL's "host:port", then its bare host when the URL names a port, and
// returns the header's value ("Bearer TOKEN") and whether it has one.
// settings.Settings.Auth is such a lookup.
func WithAuthorization(lookup func(host string) (header string, ok bool)) Option {
	return func(o *options) { o.read.fetch.auth = lookup }
}

// WithTLSVerify turns the verification of a remote experiment's server
// certificate off (false) or on (true, the default).
func WithTLSVerify(verify bool) Option {
	return func(o *options) { o.read.fetch.insecure = !verify }
}

// WithFetchTimeout bounds loading a remote experiment, DefaultFetchTimeout
// by default.
func WithFetchTimeout(d time.Duration) Option {
	return func(o *options) { o.read.fetch.timeout = d }
}

// IsURL reports whether source names a remote experiment: an http:// or
// https:// URL.
func IsURL(source string) bool {
	lower := strings.ToLower(source)
	return strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://")
}

// download fetches the experiment document at rawURL: a 200 answer is the
// document, in the format its Content-Type names, else its URL's
// extension; anything else is an error naming the URL without its
// credentials or query.
func (o readOptions) download(ctx context.Context, rawURL string) (*document, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("invalid experiment URL: %s", redact.Cause(err))
	}
	name := redact.URL(u)
	if u.Host == "" {
		return nil, fmt.Errorf("invalid experiment URL %s: it names no host", name)
	}
	f := o.fetch
	ctx, cancel := context.WithTimeout(ctx, f.limit())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("invalid experiment URL %s: %s", name, redact.Cause(err))
	}
	req.Header.Set("Accept", accept)
	if h, ok := f.authorization(u); ok {
		req.Header.Set("Authorization", h)
	}
	resp, err := f.client().Do(req)
	if err != nil {
		return nil, f.explain(ctx, name, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("cannot load experiment from %s: the server answered %s", name, resp.Status)
	}
	if resp.ContentLength > o.limit() {
		return nil, tooLarge(name, o.limit())
	}
	data, err := o.readCapped(resp.Body, name)
	if err != nil && ctx.Err() != nil {
		return nil, f.explain(ctx, name, err)
	}
	if err != nil {
		return nil, err
	}
	return &document{name: name, data: data, format: remoteFormat(resp)}, nil
}

func (f fetchOptions) limit() time.Duration {
	if f.timeout > 0 {
		return f.timeout
	}
	return DefaultFetchTimeout
}

// authorization returns the Authorization header for u: the bearer token
// of BearerTokenEnv, else the lookup's for "host:port", then "host".
func (f fetchOptions) authorization(u *url.URL) (string, bool) {
	if token := os.Getenv(BearerTokenEnv); token != "" {
		return "Bearer " + token, true
	}
	if f.auth == nil {
		return "", false
	}
	if h, ok := f.auth(u.Host); ok {
		return h, true
	}
	if u.Hostname() != u.Host {
		return f.auth(u.Hostname())
	}
	return "", false
}

// client returns the HTTP client of one fetch: the environment's proxy,
// TLS verification as set, and redirects that never carry the
// Authorization header to another host or from https to http.
func (f fetchOptions) client() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if f.insecure {
		tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true}
	}
	return &http.Client{Transport: tr, CheckRedirect: checkRedirect}
}

// checkRedirect follows up to maxRedirects redirects, dropping the
// Authorization header when one leaves the original host or https.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return fmt.Errorf("stopped after %d redirects", maxRedirects)
	}
	origin := via[0].URL
	if req.URL.Host != origin.Host || origin.Scheme == "https" && req.URL.Scheme != "https" {
		req.Header.Del("Authorization")
	}
	return nil
}

// explain words a failed fetch: a timeout, an interruption, a
// certificate that cannot be verified (wrapped, so callers may suggest
// turning verification off), or the connection's error, never with the
// URL's credentials.
func (f fetchOptions) explain(ctx context.Context, name string, err error) error {
	var cert *tls.CertificateVerificationError
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return fmt.Errorf("cannot load experiment from %s: no complete answer within %v", name, f.limit())
	case ctx.Err() != nil:
		return fmt.Errorf("cannot load experiment from %s: %w", name, context.Cause(ctx))
	case errors.As(err, &cert):
		return fmt.Errorf("cannot load experiment from %s: the server's certificate cannot be verified: %w", name, cert)
	}
	return fmt.Errorf("cannot load experiment from %s: %s", name, redact.Cause(err))
}

// remoteFormat returns the format the response's Content-Type names
// (application/json, application/x-yaml, text/yaml and their kin), else
// the one of the final URL's extension, else "" (JSON, then YAML).
func remoteFormat(resp *http.Response) string {
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	switch {
	case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		return formatJSON
	case mt == "application/x-yaml" || mt == "application/yaml" || mt == "text/yaml" || mt == "text/x-yaml":
		return formatYAML
	}
	return formatOfExt(resp.Request.URL.Path)
}
