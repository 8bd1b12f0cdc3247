package redact

import (
	"errors"
	"io"
	"net"
	"net/url"
	"syscall"
)

// errServerClosedIdle is the text of net/http's unexported error for a
// connection closed by the server before the request was written.
const errServerClosedIdle = "http: server closed idle connection"

// URL returns u for messages: without user information or fragment, and
// with its query, which may carry a token, shown as "...".
func URL(u *url.URL) string {
	c := *u
	c.User = nil
	if c.RawQuery != "" || c.ForceQuery {
		c.RawQuery, c.ForceQuery = "...", false
	}
	c.Fragment, c.RawFragment = "", ""
	return c.String()
}

// Cause describes an HTTP client error without the URL that *url.Error
// repeats, credentials and query included: the system error, the DNS
// error, or a plain sentence for a connection the server closed early.
func Cause(err error) string {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	var errno syscall.Errno
	var dns *net.DNSError
	switch {
	case errors.As(err, &errno):
		return errno.Error()
	case errors.As(err, &dns):
		return dns.Error()
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || err.Error() == errServerClosedIdle:
		return "the server closed the connection before the response was complete"
	}
	return err.Error()
}
