package jaeger

import (
	"maps"
	"net/http"
)

// DefaultMaxPacketSize is the largest datagram NewUDP sends unless
// WithMaxPacketSize says otherwise; it matches the Jaeger agent's limit.
const DefaultMaxPacketSize = 65000

// maxUDPPayload is the largest payload of one IPv4 UDP datagram.
const maxUDPPayload = 65507

// Option configures an Exporter. Options that do not apply to the transport
// being built are ignored.
type Option func(*config)

type config struct {
	client        *http.Client
	headers       map[string]string
	maxPacketSize int
}

func newConfig(opts []Option) config {
	cfg := config{maxPacketSize: DefaultMaxPacketSize}
	for _, opt := range opts {
		if opt != nil {
			opt(&cfg)
		}
	}
	return cfg
}

// WithHTTPClient makes an HTTP exporter use client instead of its own one
// (which has a 10 second timeout). The exporter never closes a client it
// was given. Ignored by NewUDP.
func WithHTTPClient(client *http.Client) Option {
	return func(c *config) { c.client = client }
}

// WithHeaders adds headers, such as Authorization, to every request of an
// HTTP exporter. Content-Type is always application/x-thrift. Ignored by
// NewUDP.
func WithHeaders(headers map[string]string) Option {
	return func(c *config) {
		if c.headers == nil {
			c.headers = make(map[string]string, len(headers))
		}
		maps.Copy(c.headers, headers)
	}
}

// WithMaxPacketSize sets the largest datagram, in bytes, that a UDP exporter
// sends; zero or less keeps DefaultMaxPacketSize. NewUDP rejects sizes above
// 65507, the largest UDP payload. Ignored by NewHTTP.
func WithMaxPacketSize(size int) Option {
	return func(c *config) {
		if size > 0 {
			c.maxPacketSize = size
		}
	}
}
