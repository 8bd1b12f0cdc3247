package http

import (
	"errors"
	"fmt"
	"math"
	nethttp "net/http"
	"net/url"
	"strings"
	"time"

	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/internal/redact"
	"github.com/chaostracing/chaostracing/value"
)

// request is a parsed HTTP provider spec.
type request struct {
	method  string
	url     string // with the GET parameters
	safeURL string // for messages: no user information, no query
	header  nethttp.Header
	host    string // a Host header, which Go sends from Request.Host
	body    []byte
	hasBody bool

	timeout  time.Duration // whole request; 0 means none
	connect  time.Duration // dial; 0 means none
	read     time.Duration // each wait for data; 0 means none
	insecure bool
	retries  int
}

// parseSpec reads the provider spec.
func parseSpec(spec *value.Object) (*request, error) {
	r := &request{method: "GET", header: nethttp.Header{}}
	if m := spec.String("method"); m != "" {
		r.method = strings.ToUpper(m)
	}
	steps := []func(*value.Object) error{r.parseURL, r.parseHeaders, r.parseArguments, r.parseTimeout, r.parseOptions}
	for _, step := range steps {
		if err := step(spec); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func (r *request) parseURL(spec *value.Object) error {
	raw := spec.String("url")
	if raw == "" {
		return errors.New("an HTTP activity must have a URL")
	}
	u, err := url.Parse(raw)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err // url.Error repeats the URL, credentials included
		}
		return fmt.Errorf("invalid HTTP URL: %v", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("invalid HTTP URL %s: the scheme must be http or https", redact.URL(u))
	}
	r.url, r.safeURL = raw, redact.URL(u)
	return nil
}

func (r *request) parseHeaders(spec *value.Object) error {
	raw, _ := spec.Get("headers")
	if raw == nil {
		return nil
	}
	headers, ok := raw.(*value.Object)
	if !ok {
		return fmt.Errorf("HTTP headers must be an object, not %s", value.TypeName(raw))
	}
	for _, name := range headers.Keys() {
		v, _ := headers.Get(name)
		if err := r.setHeader(name, v); err != nil {
			return err
		}
	}
	return nil
}

func (r *request) setHeader(name string, v any) error {
	switch v.(type) {
	case nil:
		return nil // requests drops headers set to None
	case string, int64, float64:
	default:
		return fmt.Errorf("HTTP header '%s' must be a string, not %s", name, value.TypeName(v))
	}
	if nethttp.CanonicalHeaderKey(name) == "Host" {
		r.host = experiment.PyStr(v)
		return nil
	}
	r.header.Set(name, experiment.PyStr(v))
	return nil
}

// parseArguments turns arguments into the query string for GET and into
// the body otherwise.
func (r *request) parseArguments(spec *value.Object) error {
	args, _ := spec.Get("arguments")
	switch args.(type) {
	case nil, string, *value.Object:
	default:
		return fmt.Errorf("HTTP arguments must be an object or a string, not %s", value.TypeName(args))
	}
	if r.method == "GET" {
		return r.addQuery(args)
	}
	return r.setBody(args)
}

func (r *request) addQuery(args any) error {
	query := encodeParams(args)
	if query == "" {
		return nil
	}
	u, _ := url.Parse(r.url) // parsed before
	if u.RawQuery != "" {
		query = u.RawQuery + "&" + query
	}
	u.RawQuery = query
	r.url = u.String()
	return nil
}

func (r *request) setBody(args any) error {
	if args == nil {
		return nil
	}
	if r.header.Get("Content-Type") == "application/json" {
		body, err := pyJSON(args)
		r.body, r.hasBody = body, true
		return err
	}
	if s, ok := args.(string); ok {
		r.body, r.hasBody = []byte(s), s != ""
		return nil
	}
	r.body = []byte(encodeParams(args))
	r.hasBody = len(r.body) > 0
	if r.hasBody && r.header.Get("Content-Type") == "" {
		r.header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return nil
}

// parseTimeout reads a number of seconds or a [connect, read] pair.
func (r *request) parseTimeout(spec *value.Object) error {
	raw, _ := spec.Get("timeout")
	var err error
	switch t := raw.(type) {
	case nil:
	case []any:
		if len(t) != 2 {
			return errors.New("an HTTP timeout list must be [connect, read] seconds")
		}
		if r.connect, err = seconds(t[0]); err == nil {
			r.read, err = seconds(t[1])
		}
	default:
		r.timeout, err = seconds(raw)
	}
	return err
}

// seconds converts a timeout in seconds; null means none.
func seconds(v any) (time.Duration, error) {
	if v == nil {
		return 0, nil
	}
	secs, ok := value.Float(v)
	if !ok {
		return 0, fmt.Errorf("an HTTP timeout must be a number of seconds or a [connect, read] pair, not %s", value.TypeName(v))
	}
	if secs <= 0 || math.IsNaN(secs) {
		return 0, fmt.Errorf("an HTTP timeout must be greater than 0, not %s", experiment.PyStr(v))
	}
	if ns := secs * float64(time.Second); ns < math.MaxInt64 {
		return time.Duration(ns), nil
	}
	return 0, nil // beyond what a Duration holds: no bound
}

func (r *request) parseOptions(spec *value.Object) error {
	if v, _ := spec.Get("verify_tls"); v != nil { // null: the default, as in requests
		r.insecure = !value.Truthy(v)
	}
	raw, _ := spec.Get("max_retries")
	switch n := raw.(type) {
	case nil:
	case int64:
		r.retries = int(max(0, min(n, maxRetries)))
	default:
		return fmt.Errorf("max_retries must be an integer, not %s", value.TypeName(raw))
	}
	return nil
}
