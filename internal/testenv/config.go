package testenv

import (
	"encoding/json"
	"fmt"
	"net"
	"strconv"
)

// Option changes how StartCollector configures the collector.
type Option func(*options)

// options is what the Options set.
type options struct {
	// headerKey and headerValue, when headerKey is set, are the header that
	// the OTLP receivers require on every request.
	headerKey, headerValue string
}

// WithOTLPHeadersRequired makes both OTLP receivers (gRPC and HTTP) reject
// any request that does not carry the header key with exactly value (through
// the collector's bearertokenauth extension with that header and no scheme).
// gRPC clients send it as metadata; its key is matched case-insensitively.
// The Jaeger and Zipkin receivers stay open.
func WithOTLPHeadersRequired(key, value string) Option {
	return func(o *options) {
		o.headerKey, o.headerValue = key, value
	}
}

// ports are the loopback ports of one collector process.
type ports struct {
	otlpGRPC, otlpHTTP, jaegerUDP, jaegerHTTP, zipkin, health int
}

// freePorts picks a free loopback port for each receiver and the health
// check: TCP ports by listening on 127.0.0.1:0 and closing, the Jaeger
// compact port the same way over UDP. All TCP listeners stay open until every
// port is picked, so the ports differ from each other. Another process can
// still take one before the collector binds it; StartCollector retries once.
func freePorts() (ports, error) {
	var p ports
	var tcp [5]int
	for i := range tcp {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return p, err
		}
		defer func() { _ = l.Close() }()
		tcp[i] = l.Addr().(*net.TCPAddr).Port
	}
	u, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		return p, err
	}
	p.jaegerUDP = u.LocalAddr().(*net.UDPAddr).Port
	if err := u.Close(); err != nil {
		return p, err
	}
	p.otlpGRPC, p.otlpHTTP, p.jaegerHTTP, p.zipkin, p.health = tcp[0], tcp[1], tcp[2], tcp[3], tcp[4]
	return p, nil
}

// loopback returns "127.0.0.1:port".
func loopback(port int) string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
}

// collectorConfig returns the collector's configuration as JSON (which the
// collector reads as YAML): every receiver on its port in p, one traces
// pipeline into the file exporter (OTLP JSON lines at spansPath) and the
// debug exporter (the log), the health check extension, and the collector's
// own metrics turned off so that no fixed port (8888) is bound.
func collectorConfig(p ports, spansPath string, o options) ([]byte, error) {
	type m = map[string]any
	otlpGRPC := m{"endpoint": loopback(p.otlpGRPC)}
	otlpHTTP := m{"endpoint": loopback(p.otlpHTTP)}
	extensions := m{
		"health_check": m{"endpoint": loopback(p.health)},
	}
	serviceExtensions := []string{"health_check"}
	if o.headerKey != "" {
		if o.headerValue == "" {
			return nil, fmt.Errorf("WithOTLPHeadersRequired(%q, \"\"): the value must not be empty", o.headerKey)
		}
		extensions["bearertokenauth"] = m{
			"header": o.headerKey,
			"scheme": "",
			"token":  o.headerValue,
		}
		serviceExtensions = append(serviceExtensions, "bearertokenauth")
		auth := m{"authenticator": "bearertokenauth"}
		otlpGRPC["auth"] = auth
		otlpHTTP["auth"] = auth
	}
	cfg := m{
		"receivers": m{
			"otlp": m{"protocols": m{"grpc": otlpGRPC, "http": otlpHTTP}},
			"jaeger": m{"protocols": m{
				"thrift_compact": m{"endpoint": loopback(p.jaegerUDP)},
				"thrift_http":    m{"endpoint": loopback(p.jaegerHTTP)},
			}},
			"zipkin": m{"endpoint": loopback(p.zipkin)},
		},
		"exporters": m{
			"file": m{
				"path":           spansPath,
				"format":         "json",
				"append":         true, // Restart keeps what the previous process wrote
				"flush_interval": "50ms",
			},
			"debug": m{"verbosity": "basic"},
		},
		"extensions": extensions,
		"service": m{
			"extensions": serviceExtensions,
			"pipelines": m{
				"traces": m{
					"receivers": []string{"otlp", "jaeger", "zipkin"},
					"exporters": []string{"file", "debug"},
				},
			},
			"telemetry": m{
				"logs":    m{"level": "info", "encoding": "console"},
				"metrics": m{"level": "none"},
			},
		},
	}
	return json.MarshalIndent(cfg, "", "  ")
}
