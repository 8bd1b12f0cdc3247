package testenv

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const (
	// readyTimeout bounds how long StartCollector waits for the collector's
	// health check to answer once the process has started.
	readyTimeout = 60 * time.Second
	// stopTimeout bounds how long Stop waits after SIGTERM before SIGKILL.
	stopTimeout = 15 * time.Second
	// pollInterval is how often readiness and WaitForSpans look again.
	pollInterval = 25 * time.Millisecond
)

// Collector is a running OpenTelemetry Collector with every receiver on a
// free loopback port and a file exporter whose output the test reads.
//
// Its methods are safe for concurrent use, but those that take a
// testing.TB call t.Fatal and so belong on the test's goroutine.
type Collector struct {
	// OTLPGRPC is the OTLP/gRPC receiver's host:port, e.g. for
	// otlptracegrpc.WithEndpoint (plaintext: use WithInsecure).
	OTLPGRPC string
	// OTLPHTTP is the OTLP/HTTP receiver's base URL, "http://127.0.0.1:port",
	// as OTEL_EXPORTER_OTLP_ENDPOINT takes it; traces go to OTLPHTTP +
	// "/v1/traces".
	OTLPHTTP string
	// JaegerUDP is the Jaeger thrift_compact (agent) UDP receiver's
	// host:port.
	JaegerUDP string
	// JaegerHTTP is the Jaeger thrift_http receiver's full URL,
	// "http://127.0.0.1:port/api/traces".
	JaegerHTTP string
	// Zipkin is the Zipkin receiver's full v2 URL,
	// "http://127.0.0.1:port/api/v2/spans".
	Zipkin string
	// HealthCheck is the URL of the health check extension, which answers
	// 200 while the collector is ready.
	HealthCheck string

	// dir holds config.yaml, spans.jsonl and collector.log.
	dir string
	// bin is the collector binary.
	bin string

	mu sync.Mutex
	// proc is the current process; nil before the first start.
	proc *process
}

// process is one run of the collector binary.
type process struct {
	cmd *exec.Cmd
	// done is closed once the process has exited and been waited for.
	done chan struct{}
	// err is cmd.Wait's result, set before done is closed.
	err error
}

// StartCollector starts a collector for t: it finds or builds the binary
// (see the package doc), writes a configuration with every receiver on a
// free loopback port, starts the collector, and returns once its health
// check answers. It retries once with fresh ports when a port was taken in
// between. t.Cleanup stops the collector and, if the test failed, logs the
// collector's log. Any failure is fatal to the test; it never skips.
func StartCollector(t testing.TB, opts ...Option) *Collector {
	t.Helper()
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	bin, err := collectorBinary(t.Logf)
	if err != nil {
		t.Fatalf("testenv: no OpenTelemetry Collector binary: %v", err)
	}
	c := &Collector{dir: t.TempDir(), bin: bin}
	t.Cleanup(func() {
		c.Stop()
		if t.Failed() {
			c.dumpLog(t)
		}
	})
	for attempt := 1; ; attempt++ {
		err = c.configure(o)
		if err == nil {
			err = c.start()
		}
		if err == nil {
			return c
		}
		if attempt == 2 || !errors.Is(err, errPortTaken) {
			t.Fatalf("testenv: starting the collector: %v", err)
		}
		t.Logf("testenv: retrying with other ports after: %v", err)
	}
}

// errPortTaken is the error of a start whose collector could not bind a
// port.
var errPortTaken = errors.New("a port was already taken")

// pickPorts picks the ports of a collector; tests replace it to make a port
// clash happen.
var pickPorts = freePorts

// configure picks ports, sets the address fields and writes config.yaml.
func (c *Collector) configure(o options) error {
	p, err := pickPorts()
	if err != nil {
		return fmt.Errorf("picking ports: %w", err)
	}
	cfg, err := collectorConfig(p, c.SpansFile(), o)
	if err != nil {
		return err
	}
	if err := os.WriteFile(c.configFile(), cfg, 0o600); err != nil {
		return err
	}
	c.OTLPGRPC = loopback(p.otlpGRPC)
	c.OTLPHTTP = "http://" + loopback(p.otlpHTTP)
	c.JaegerUDP = loopback(p.jaegerUDP)
	c.JaegerHTTP = "http://" + loopback(p.jaegerHTTP) + "/api/traces"
	c.Zipkin = "http://" + loopback(p.zipkin) + "/api/v2/spans"
	c.HealthCheck = "http://" + loopback(p.health) + "/"
	return nil
}

// SpansFile is the path of the file exporter's output: one OTLP JSON
// ExportTraceServiceRequest per line.
func (c *Collector) SpansFile() string { return filepath.Join(c.dir, "spans.jsonl") }

// LogFile is the path of the collector's log (its stdout and stderr, across
// restarts).
func (c *Collector) LogFile() string { return filepath.Join(c.dir, "collector.log") }

// configFile is the path of the collector's configuration.
func (c *Collector) configFile() string { return filepath.Join(c.dir, "config.yaml") }

// start starts a collector process with the current configuration and waits
// until its health check answers, or it exits, or readyTimeout passes.
func (c *Collector) start() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.proc != nil {
		select {
		case <-c.proc.done:
		default:
			return errors.New("the collector is still running")
		}
	}
	logFile, err := os.OpenFile(c.LogFile(), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer func() { _ = logFile.Close() }() // the child has its own copy
	logStart, err := logFile.Seek(0, 2)
	if err != nil {
		return err
	}
	cmd := exec.Command(c.bin, "--config", c.configFile())
	cmd.Dir = c.dir
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.SysProcAttr = sysProcAttr()
	p, err := startProcess(cmd)
	if err != nil {
		return err
	}
	c.proc = p

	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(readyTimeout)
	for {
		resp, err := client.Get(c.HealthCheck)
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				client.CloseIdleConnections()
				return nil
			}
		}
		select {
		case <-p.done:
			client.CloseIdleConnections()
			log := c.readLog(logStart)
			if strings.Contains(log, "address already in use") {
				return fmt.Errorf("%w: the collector exited: %v\n%s", errPortTaken, p.err, tail(log, 4000))
			}
			return fmt.Errorf("the collector exited before it was ready: %v\n%s", p.err, tail(log, 8000))
		case <-time.After(pollInterval):
		}
		if time.Now().After(deadline) {
			client.CloseIdleConnections()
			c.signal(p, syscall.SIGKILL)
			return fmt.Errorf("the collector was not ready after %s\n%s", readyTimeout, tail(c.readLog(logStart), 8000))
		}
	}
}

// Restart starts the collector again, with the same configuration and ports,
// after Stop or Kill. Spans exported before stay in SpansFile: the file
// exporter appends. It is fatal to t if the collector is still running or
// does not become ready.
func (c *Collector) Restart(t testing.TB) {
	t.Helper()
	if err := c.start(); err != nil {
		t.Fatalf("testenv: restarting the collector: %v", err)
	}
}

// Stop shuts the collector down gracefully (SIGTERM, so it flushes what it
// holds to SpansFile), killing it if it has not exited after 15 seconds, and
// waits for it to exit. It does nothing if the collector is not running.
func (c *Collector) Stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.proc == nil {
		return
	}
	c.signal(c.proc, syscall.SIGTERM)
	select {
	case <-c.proc.done:
	case <-time.After(stopTimeout):
		c.signal(c.proc, syscall.SIGKILL)
	}
}

// Kill kills the collector at once (SIGKILL), as a crash would, and waits for
// it to exit: spans it had received but not yet written are lost. It does
// nothing if the collector is not running.
func (c *Collector) Kill() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.proc == nil {
		return
	}
	c.signal(c.proc, syscall.SIGKILL)
}

// Running reports whether the collector process is running.
func (c *Collector) Running() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.proc == nil {
		return false
	}
	select {
	case <-c.proc.done:
		return false
	default:
		return true
	}
}

// signal sends sig to p unless it has exited, and waits for it to exit if
// sig is SIGKILL.
func (c *Collector) signal(p *process, sig syscall.Signal) {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(sig)
	if sig == syscall.SIGKILL {
		<-p.done
	}
}

// Spans returns every span that the collector has written to SpansFile so
// far, in the order written. Spans still in the collector's buffers (up to
// about 50ms' worth) are not there yet: use WaitForSpans, or Stop first.
func (c *Collector) Spans(t testing.TB) []Span {
	t.Helper()
	spans, err := c.readSpans()
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	return spans
}

// readSpans reads and parses SpansFile; no file yet means no spans.
func (c *Collector) readSpans() ([]Span, error) {
	data, err := os.ReadFile(c.SpansFile())
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	spans, err := parseSpans(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.SpansFile(), err)
	}
	return spans, nil
}

// WaitForSpans waits until the collector has written at least n spans and
// returns all of them. It is fatal to t if there are fewer than n after
// timeout, listing those that did arrive.
func (c *Collector) WaitForSpans(t testing.TB, n int, timeout time.Duration) []Span {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		spans, err := c.readSpans()
		if err != nil {
			t.Fatalf("testenv: %v", err)
		}
		if len(spans) >= n {
			return spans
		}
		if time.Now().After(deadline) {
			names := make([]string, len(spans))
			for i, s := range spans {
				names[i] = s.Name
			}
			t.Fatalf("testenv: %d spans after %s, want at least %d; got %q", len(spans), timeout, n, names)
		}
		time.Sleep(pollInterval)
	}
}

// readLog returns the collector's log from offset from on.
func (c *Collector) readLog(from int64) string {
	data, err := os.ReadFile(c.LogFile())
	if err != nil {
		return fmt.Sprintf("(no collector log: %v)", err)
	}
	if from > int64(len(data)) {
		from = 0
	}
	return string(data[from:])
}

// dumpLog logs the collector's log through t (the last 64 KiB of it).
func (c *Collector) dumpLog(t testing.TB) {
	t.Helper()
	t.Logf("testenv: collector log (%s):\n%s", c.LogFile(), tail(c.readLog(0), 64<<10))
}

// startProcess starts cmd and returns the process, whose done channel is
// closed once it has exited and been waited for.
//
// cmd is started and waited for on a goroutine locked to its OS thread
// until the process exits: on Linux the process gets SIGKILL when that
// thread ends (Pdeathsig), which then happens only with the process itself
// or with the test binary, so a test binary that dies without running its
// cleanups (a panic, a -timeout) leaves no collector behind.
func startProcess(cmd *exec.Cmd) (*process, error) {
	p := &process{cmd: cmd, done: make(chan struct{})}
	started := make(chan error, 1)
	go func() {
		lockOSThread()
		err := cmd.Start()
		started <- err
		if err != nil {
			unlockOSThread()
			return
		}
		p.err = cmd.Wait()
		close(p.done)
		// Returning while locked ends the thread: nothing else runs on it.
	}()
	if err := <-started; err != nil {
		return nil, fmt.Errorf("starting %s: %w", cmd.Path, err)
	}
	return p, nil
}
