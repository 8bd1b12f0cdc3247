package redact

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"syscall"
	"testing"
)

func TestURL(t *testing.T) {
	for raw, want := range map[string]string{
		"https://user:pw@host:8443/p/exp.json?token=abc#frag": "https://host:8443/p/exp.json?...",
		"http://host/p?":           "http://host/p?...",
		"http://host/plain":        "http://host/plain",
		"http://user@host/x?a=1&b": "http://host/x?...",
	} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := URL(u); got != want {
			t.Errorf("URL(%q) = %q, want %q", raw, got, want)
		}
	}
}

func TestCauseDropsTheURL(t *testing.T) {
	secretURL := "http://user:pw@host/x?token=abc"
	for _, tt := range []struct {
		err  error
		want string
	}{
		{&url.Error{Op: "Get", URL: secretURL, Err: fmt.Errorf("dial: %w", syscall.ECONNREFUSED)}, "connection refused"},
		{&url.Error{Op: "Get", URL: secretURL, Err: io.ErrUnexpectedEOF}, "the server closed the connection before the response was complete"},
		{&url.Error{Op: "Get", URL: secretURL, Err: errors.New("stopped after 10 redirects")}, "stopped after 10 redirects"},
		{errors.New("plain"), "plain"},
	} {
		if got := Cause(tt.err); got != tt.want {
			t.Errorf("Cause(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}
