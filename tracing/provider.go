package tracing

import (
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/value"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// appendProviderAttributes adds what an activity's provider targets, as
// OpenTelemetry semantic conventions name it: the executable of a process,
// the method and URL of an HTTP request (user information removed, query
// values and secrets redacted), the module and function of a python call.
// Arguments, headers and configuration are left out: they may hold
// secrets. HTTP activities are client spans, so that backends link them
// to the server spans of the service they call.
func appendProviderAttributes(attrs []attribute.KeyValue, a *experiment.Activity, scope experiment.Scope, red *redactor) ([]attribute.KeyValue, trace.SpanKind) {
	p := a.Provider
	switch a.ProviderType() {
	case "process":
		path := p.String("path")
		if path == "" {
			break
		}
		attrs = append(attrs, keyProcessExecutableName.String(filepath.Base(path)))
		if strings.ContainsRune(path, '/') {
			attrs = append(attrs, keyProcessExecutablePath.String(path))
		}
	case "http":
		method := strings.ToUpper(p.String("method"))
		if method == "" {
			method = "GET"
		}
		attrs = append(attrs, keyHTTPRequestMethod.String(method))
		raw, _ := p.Get("url")
		if s, ok := scope.Substitute(raw).(string); ok {
			attrs = appendURL(attrs, s, red)
		}
		return attrs, trace.SpanKindClient
	case "python":
		if m := p.String("module"); m != "" {
			attrs = append(attrs, keyCodeNamespace.String(m))
		}
		if f := p.String("func"); f != "" {
			attrs = append(attrs, keyCodeFunction.String(f))
		}
	}
	return attrs, trace.SpanKindInternal
}

// appendURL adds url.full, server.address and server.port for an HTTP
// activity's URL.
func appendURL(attrs []attribute.KeyValue, raw string, red *redactor) []attribute.KeyValue {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return attrs
	}
	attrs = append(attrs, keyURLFull.String(red.String(safeURL(u))), keyServerAddress.String(u.Hostname()))
	if port := urlPort(u); port > 0 {
		attrs = append(attrs, keyServerPort.Int(port))
	}
	return attrs
}

// safeURL returns u without user information or fragment, and with every
// query value replaced by REDACTED, as the semantic conventions advise.
func safeURL(u *url.URL) string {
	c := *u
	c.User = nil
	c.Fragment, c.RawFragment = "", ""
	if c.RawQuery != "" {
		q := c.Query()
		for k := range q {
			q[k] = []string{"REDACTED"}
		}
		c.RawQuery = q.Encode()
	}
	return c.String()
}

// urlPort returns the URL's port, explicit or implied by its scheme.
func urlPort(u *url.URL) int {
	if p := u.Port(); p != "" {
		n, _ := strconv.Atoi(p)
		return n
	}
	switch u.Scheme {
	case "http":
		return 80
	case "https":
		return 443
	}
	return 0
}

// appendResultAttributes adds the outcome the semantic conventions name:
// a process's exit code, an HTTP response's status code.
func appendResultAttributes(attrs []attribute.KeyValue, a *experiment.Activity, output any) []attribute.KeyValue {
	o, ok := output.(*value.Object)
	if !ok {
		return attrs
	}
	status, ok := intValue(o)
	if !ok {
		return attrs
	}
	switch a.ProviderType() {
	case "process":
		attrs = append(attrs, keyProcessExitCode.Int64(status))
	case "http":
		attrs = append(attrs, keyHTTPResponseStatus.Int64(status))
	}
	return attrs
}

// intValue returns an output's integer "status".
func intValue(o *value.Object) (int64, bool) {
	v, _ := o.Get("status")
	switch t := v.(type) {
	case int64:
		return t, true
	case int:
		return int64(t), true
	case float64:
		if t == float64(int64(t)) {
			return int64(t), true
		}
	}
	return 0, false
}
