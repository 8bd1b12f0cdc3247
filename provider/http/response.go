package http

import (
	"fmt"
	"mime"
	nethttp "net/http"
	"sort"
	"strings"

	"github.com/chaostracing/chaostracing/provider/internal/capture"
	"github.com/chaostracing/chaostracing/value"
)

// response is what a request got back.
type response struct {
	status int64
	header nethttp.Header
	body   capture.Buffer
}

// output builds {"status", "headers", "body"}.
func (r *request) output(res *response) (any, error) {
	body, err := res.decodeBody()
	if err != nil {
		return nil, fmt.Errorf("the response to HTTP request %s %s says application/json but its body is not JSON: %v", r.method, r.safeURL, err)
	}
	return value.NewObject("status", res.status, "headers", headerObject(res.header), "body", body), nil
}

// headerObject lists the headers by name, values joined with ", ".
func headerObject(h nethttp.Header) *value.Object {
	names := make([]string, 0, len(h))
	for name := range h {
		names = append(names, name)
	}
	sort.Strings(names)
	o := &value.Object{}
	for _, name := range names {
		o.Set(name, strings.Join(h[name], ", "))
	}
	return o
}

// decodeBody parses the body as JSON when the Content-Type is exactly
// application/json, as chaoslib does, and decodes it as text otherwise.
func (res *response) decodeBody() (any, error) {
	contentType := strings.Join(res.header.Values("Content-Type"), ", ")
	b := &res.body
	if contentType != "application/json" || b.Truncated() {
		return b.Text(latin1(contentType)), nil
	}
	if len(b.Bytes()) == 0 {
		return nil, nil
	}
	v, _, err := value.ParseJSON(b.Bytes())
	return v, err
}

// latin1 reports whether a Content-Type declares ISO-8859-1.
func latin1(contentType string) bool {
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	switch strings.ToLower(params["charset"]) {
	case "iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1":
		return true
	}
	return false
}
