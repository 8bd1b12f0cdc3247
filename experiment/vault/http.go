package vault

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/chaostracing/chaostracing/value"
)

// maxAnswer bounds the size of an answer read: Vault's own default
// max_request_size.
const maxAnswer = 32 << 20

// Error is an answer of Vault with an error status.
type Error struct {
	Status int
	// Errors and Warnings are Vault's "errors" and "warnings" lists.
	Errors, Warnings []string
}

// Error reads as Vault's errors then the status, such as
// "permission denied (403)".
func (e *Error) Error() string {
	msg := strings.Join(e.Errors, "; ")
	if msg == "" {
		msg = strings.ToLower(http.StatusText(e.Status))
	}
	msg = fmt.Sprintf("%s (%d)", msg, e.Status)
	if len(e.Warnings) > 0 {
		msg += "; Vault warns: " + strings.Join(e.Warnings, "; ")
	}
	return msg
}

// httpClient trusts the system's CAs, or those of the PEM file caCert
// (VAULT_CACERT) when it is set. It follows redirects only within Vault's
// host: Go would forward the X-Vault-Token header to any other.
func httpClient(caCert string) (*http.Client, error) {
	if caCert == "" {
		return &http.Client{CheckRedirect: sameHost}, nil
	}
	pem, err := os.ReadFile(caCert)
	if err != nil {
		return nil, fmt.Errorf("VAULT_CACERT: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("VAULT_CACERT: %s holds no PEM certificate", caCert)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return &http.Client{Transport: tr, CheckRedirect: sameHost}, nil
}

// sameHost refuses a redirect to another host than the request's first.
func sameHost(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	if req.URL.Host != via[0].URL.Host {
		return fmt.Errorf("refusing a redirect to another host (%s), which would receive the Vault token", req.URL.Host)
	}
	return nil
}

// call sends one request to Vault's HTTP API at /v1/logical, with the
// token when there is one and body as JSON when it is not nil, and
// returns the answer's JSON object. The exchange is bounded by the
// session's timeout. Errors never hold the token.
func (s *session) call(ctx context.Context, method, logical, token string, body any) (*value.Object, error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	req, err := s.request(ctx, method, logical, token, body)
	if err != nil {
		return nil, err
	}
	resp, err := s.http.Do(req)
	if err != nil {
		return nil, s.transportError(ctx, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return nil, s.transportError(ctx, err)
	}
	answer := parseObject(data)
	if resp.StatusCode/100 != 2 {
		return nil, &Error{Status: resp.StatusCode, Errors: stringList(answer, "errors"), Warnings: stringList(answer, "warnings")}
	}
	if answer == nil {
		return nil, fmt.Errorf("the answer is not a JSON object (status %d)", resp.StatusCode)
	}
	return answer, nil
}

func (s *session) request(ctx context.Context, method, logical, token string, body any) (*http.Request, error) {
	u, err := url.JoinPath(s.addr, "v1", logical)
	if err != nil {
		return nil, fmt.Errorf("vault_addr '%s' is not a URL: %w", s.addr, err)
	}
	var payload io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		payload = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, payload)
	if err != nil {
		return nil, fmt.Errorf("vault_addr '%s' is not a URL: %w", s.addr, err)
	}
	if token != "" {
		req.Header.Set("X-Vault-Token", token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// transportError says whether Vault did not answer in time or could not
// be reached, without repeating the URL.
func (s *session) transportError(ctx context.Context, err error) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("no answer from Vault at %s within %s", s.addr, s.timeout)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return fmt.Errorf("cannot reach Vault at %s: %w", s.addr, err)
}

// parseObject reads a JSON object; nil when data is not one.
func parseObject(data []byte) *value.Object {
	v, _, err := value.ParseJSON(data)
	if err != nil {
		return nil
	}
	o, _ := v.(*value.Object)
	return o
}

// stringList returns the strings of the list at key of o.
func stringList(o *value.Object, key string) []string {
	v, _ := o.Get(key)
	list, _ := v.([]any)
	var out []string
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
