package functional

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chaostracing/chaostracing/internal/testutil"

	"github.com/chaostracing/chaostracing/internal/testenv"
	"github.com/chaostracing/chaostracing/value"
)

// The flush timeout of the fault tests, set with the experiment's
// tracing_flush_timeout key, and the most a broken backend may add to a
// run: the flush timeout and a second of margin (the exporter's shutdown
// grace, the process's exit, a slow machine).
const (
	faultFlushTimeout = 2 * time.Second
	maxAddedTime      = faultFlushTimeout + time.Second
)

// backendFault is one way a backend can be broken.
type backendFault struct {
	name string
	// pause is the experiment's pause_seconds; "" keeps the default.
	pause string
	// warns is how many warnings the run must log: 1 (the zero value
	// means 1 too), or -1 for "at most one".
	warns int
	// cause matches what the warning must say went wrong, so that the
	// user knows where to look: refused, no answer, an error status.
	cause *regexp.Regexp
	// setup breaks a backend and returns the environment that points the
	// run at it, the backend's address (which the warning must name), and
	// a check of what the backend saw, called after the run (or nil).
	setup func(t *testing.T, svc *probeService) (env []string, target string, check func(t *testing.T))
}

func backendFaults() []backendFault {
	return []backendFault{{
		name:  "not-running/otlp-http",
		cause: regexp.MustCompile(`connection refused`),
		setup: func(t *testing.T, _ *probeService) ([]string, string, func(*testing.T)) {
			addr := freeAddr(t, "tcp")
			return []string{"OTEL_EXPORTER_OTLP_ENDPOINT=http://" + addr}, addr, nil
		},
	}, {
		name:  "not-running/otlp-grpc",
		cause: regexp.MustCompile(`connection refused`),
		setup: func(t *testing.T, _ *probeService) ([]string, string, func(*testing.T)) {
			addr := freeAddr(t, "tcp")
			return []string{"OTEL_EXPORTER_OTLP_PROTOCOL=grpc", "OTEL_EXPORTER_OTLP_ENDPOINT=http://" + addr}, addr, nil
		},
	}, {
		// Nothing on the UDP port: the datagram is lost. The kernel
		// answers "port unreachable", which only a later send on the
		// socket can see: the run's one datagram goes unreported (UDP
		// has no answers; the docs advise OTLP for that reason).
		name:  "not-running/jaeger-udp",
		warns: -1,
		setup: func(t *testing.T, _ *probeService) ([]string, string, func(*testing.T)) {
			addr := freeAddr(t, "udp")
			host, port := hostPort(t, addr)
			return []string{
				"OTEL_TRACES_EXPORTER=jaeger",
				"OTEL_EXPORTER_JAEGER_AGENT_HOST=" + host,
				"OTEL_EXPORTER_JAEGER_AGENT_PORT=" + itoa(port),
			}, addr, nil
		},
	}, {
		// The same, with a batch exported every 100ms: the kernel's
		// "port unreachable" for one datagram fails the next send, and
		// the run says so, once.
		name:  "not-running/jaeger-udp-several-datagrams",
		cause: regexp.MustCompile(`connection refused`),
		warns: 1,
		setup: func(t *testing.T, _ *probeService) ([]string, string, func(*testing.T)) {
			addr := freeAddr(t, "udp")
			host, port := hostPort(t, addr)
			return []string{
				"OTEL_TRACES_EXPORTER=jaeger",
				"OTEL_EXPORTER_JAEGER_AGENT_HOST=" + host,
				"OTEL_EXPORTER_JAEGER_AGENT_PORT=" + itoa(port),
				"OTEL_BSP_SCHEDULE_DELAY=100",
			}, addr, nil
		},
	}, {
		name:  "black-hole/otlp-http",
		cause: regexp.MustCompile(`no answer within 2s`),
		setup: func(t *testing.T, _ *probeService) ([]string, string, func(*testing.T)) {
			addr, accepted := testutil.BlackHole(t)
			return []string{"OTEL_EXPORTER_OTLP_ENDPOINT=http://" + addr}, addr, func(t *testing.T) {
				if accepted() == 0 {
					t.Error("the run never connected to the black hole")
				}
			}
		},
	}, {
		name:  "black-hole/otlp-grpc",
		cause: regexp.MustCompile(`no answer within 2s`),
		setup: func(t *testing.T, _ *probeService) ([]string, string, func(*testing.T)) {
			addr, accepted := testutil.BlackHole(t)
			return []string{"OTEL_EXPORTER_OTLP_PROTOCOL=grpc", "OTEL_EXPORTER_OTLP_ENDPOINT=http://" + addr}, addr, func(t *testing.T) {
				if accepted() == 0 {
					t.Error("the run never connected to the black hole")
				}
			}
		},
	}, {
		name:  "erroring-503/otlp-http",
		cause: regexp.MustCompile(`503|Service Unavailable|overloaded`),
		setup: func(t *testing.T, _ *probeService) ([]string, string, func(*testing.T)) {
			url, requests := erroring(t)
			return []string{"OTEL_EXPORTER_OTLP_ENDPOINT=" + url}, strings.TrimPrefix(url, "http://"), func(t *testing.T) {
				t.Logf("the 503 server got %d requests", requests())
				if requests() == 0 {
					t.Error("the run never sent to the erroring server")
				}
			}
		},
	}, {
		name:  "wrong-header/otlp-http",
		cause: regexp.MustCompile(`401 Unauthorized`),
		setup: func(t *testing.T, _ *probeService) ([]string, string, func(*testing.T)) {
			c := testenv.StartCollector(t, testenv.WithOTLPHeadersRequired(tokenHeader, tokenValue))
			return []string{
				"OTEL_EXPORTER_OTLP_ENDPOINT=" + c.OTLPHTTP,
				"OTEL_EXPORTER_OTLP_HEADERS=" + tokenHeader + "=wrong-token",
			}, strings.TrimPrefix(c.OTLPHTTP, "http://"), refusedAll(c)
		},
	}, {
		name:  "wrong-header/otlp-grpc",
		cause: regexp.MustCompile(`Unauthenticated`),
		setup: func(t *testing.T, _ *probeService) ([]string, string, func(*testing.T)) {
			c := testenv.StartCollector(t, testenv.WithOTLPHeadersRequired(tokenHeader, tokenValue))
			return []string{
				"OTEL_EXPORTER_OTLP_PROTOCOL=grpc",
				"OTEL_EXPORTER_OTLP_ENDPOINT=http://" + c.OTLPGRPC,
				"OTEL_EXPORTER_OTLP_HEADERS=" + tokenHeader + "=wrong-token",
			}, c.OTLPGRPC, refusedAll(c)
		},
	}, {
		// The collector dies during a 1 s pause, after it received the
		// first spans: batches are exported every 100ms so that it has.
		// The kill is timed from the call-service request, which comes
		// right before the pause, not by a signal to the run.
		name:  "killed-mid-run/otlp-grpc",
		cause: regexp.MustCompile(`connection refused|Unavailable`),
		pause: "1",
		setup: func(t *testing.T, svc *probeService) ([]string, string, func(*testing.T)) {
			c := testenv.StartCollector(t)
			killed := make(chan time.Time, 1)
			kill := func() {
				time.AfterFunc(400*time.Millisecond, func() {
					c.Kill()
					select {
					case killed <- time.Now():
					default:
					}
				})
			}
			svc.onChaos.Store(&kill)
			t.Cleanup(func() { svc.onChaos.Store(nil) })
			env := []string{
				"OTEL_EXPORTER_OTLP_PROTOCOL=grpc",
				"OTEL_EXPORTER_OTLP_ENDPOINT=http://" + c.OTLPGRPC,
				"OTEL_BSP_SCHEDULE_DELAY=100",
			}
			return env, c.OTLPGRPC, func(t *testing.T) {
				select {
				case <-killed:
				default:
					t.Fatal("the collector was not killed during the run")
				}
				if c.Running() {
					t.Error("the collector is still running")
				}
				// What was exported before the kill arrived whole.
				tr := newSpanTree(c.Spans(t))
				t.Logf("%d spans arrived before the kill: %q", len(tr.spans), tr.names())
				before := tr.byName["hypothesis"]
				if len(before) == 0 || len(tr.byName["activity: system-is-up"]) == 0 {
					t.Errorf("the spans of the hypothesis before the method did not arrive before the kill: %q", tr.names())
				}
				if len(tr.byName["experiment"]) != 0 {
					t.Error("the experiment span arrived, though it ends after the kill")
				}
			}
		},
	}}
}

// refusedAll checks that the collector accepted no span.
func refusedAll(c *testenv.Collector) func(*testing.T) {
	return func(t *testing.T) {
		time.Sleep(300 * time.Millisecond)
		if spans := c.Spans(t); len(spans) > 0 {
			t.Errorf("the collector accepted %d spans with a wrong header", len(spans))
		}
	}
}

// TestBackendFaults runs everyLevel against broken backends: a collector
// not running, a port that accepts and never answers, a collector killed
// in the middle of the run, a server answering 503, a collector refusing
// the credentials. Each run must exit and journal exactly as the run
// without tracing did, log what it logged plus one warning naming the
// backend, and take at most the flush timeout (2 s here) longer, with a
// second of margin. The runs are sequential: their durations are
// measured.
func TestBackendFaults(t *testing.T) {
	svc := startService(t)
	exp := writeVariant(t, abs(t, everyLevel), func(o *value.Object) {
		o.Object("configuration").Set("tracing_flush_timeout", faultFlushTimeout.Seconds())
	})
	untraced := map[string]backendRun{}
	baseline := func(t *testing.T, pause string) backendRun {
		if r, ok := untraced[pause]; ok {
			return r
		}
		// The faster of two runs: the first run of the binary pays
		// for cold caches.
		var best backendRun
		for i := range 2 {
			r := runTraced(t, svc, exp, pauseArgs(pause), "OTEL_TRACES_EXPORTER=none")
			if w := warnings(r.stderr); len(w) > 0 {
				t.Fatalf("the untraced run warned: %q", w)
			}
			if i == 0 || r.wall < best.wall {
				best = r
			}
		}
		untraced[pause] = best
		return best
	}
	for _, f := range backendFaults() {
		t.Run(f.name, func(t *testing.T) {
			base := baseline(t, f.pause)
			env, target, check := f.setup(t, svc)
			run := runTraced(t, svc, exp, pauseArgs(f.pause), env...)
			warned := assertSameRun(t, run, base, 1)
			switch {
			case len(warned) == 0 && f.warns < 0:
			case len(warned) != 1:
				t.Errorf("%d warnings, want the one that says the trace was not exported", len(warned))
			case !strings.Contains(warned[0], target) || !strings.Contains(warned[0], "the run is not affected"):
				t.Errorf("the warning does not name the backend %s: %q", target, warned[0])
			}
			if f.cause != nil && len(warned) == 1 && !f.cause.MatchString(warned[0]) {
				hint := ""
				if strings.Contains(warned[0], "no answer within") {
					hint = "\n(known bug, tracing/setup.go Provider.Shutdown, tracing/guard.go and tracing/report.go: when the flush timeout cuts an export short, " +
						"the warning says \"no answer\" and drops the cause that the export's last attempt got)"
				}
				t.Errorf("the warning does not say what went wrong (want %q): %q%s", f.cause, warned[0], hint)
			}
			added := run.wall - base.wall
			t.Logf("%s: run %v, untraced %v, added %v; warning: %q", f.name,
				run.wall.Round(time.Millisecond), base.wall.Round(time.Millisecond), added.Round(time.Millisecond), warned)
			if added > maxAddedTime {
				t.Errorf("tracing added %v to the run, want at most %v (flush timeout %v)", added.Round(time.Millisecond), maxAddedTime, faultFlushTimeout)
			}
			if check != nil {
				check(t)
			}
		})
	}
}

// pauseArgs sets the experiment's pause_seconds, unless pause is "".
func pauseArgs(pause string) []string {
	if pause == "" {
		return nil
	}
	return []string{"--var", "pause_seconds:float=" + pause}
}
