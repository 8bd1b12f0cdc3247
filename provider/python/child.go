package python

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"sort"
	"strings"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"

	"github.com/chaostracing/chaostracing/provider/internal/procgroup"
	"github.com/chaostracing/chaostracing/value"
)

// driverSource is the Python side of the protocol.
//
//go:embed driver.py
var driverSource string

// bootstrap compiles the driver, passed as the next argument, under a file
// name so that tracebacks show the driver's source lines as they show
// chaoslib's.
const bootstrap = `import sys;exec(compile(sys.argv[1],"chaostracing/provider/python/driver.py","exec"))`

// waitDelay bounds how long a call waits for the child's pipes to close
// once it has exited or been killed, in case a process it spawned holds
// them open.
const waitDelay = time.Second

// errNotInstalled is a start failure because the interpreter is missing.
var errNotInstalled = errors.New("python interpreter not found")

// exchange runs the driver with one request and returns its response.
func (p *Provider) exchange(ctx context.Context, request *value.Object, limit int, stderr *stderrLog) (*value.Object, error) {
	var in bytes.Buffer
	if err := value.Encode(&in, request, ""); err != nil {
		return nil, err
	}
	python := p.configured() // as the user named it, for messages
	cmd := exec.CommandContext(ctx, p.interpreter(), "-c", bootstrap, driverSource)
	procgroup.Own(cmd)
	cmd.WaitDelay = waitDelay
	cmd.Env = childEnv(ctx)
	cmd.Stdin = &in
	out := &capped{max: limit}
	cmd.Stdout, cmd.Stderr = out, stderr
	if err := cmd.Start(); err != nil {
		return nil, startError(ctx, python, err)
	}
	err := cmd.Wait()
	stderr.flush()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return response(python, out, err, stderr.tail())
}

// interpreter returns the Python to run. The configured name is resolved
// once to the interpreter's real executable (sys.executable), because a
// version manager's shim (pyenv's takes 100 ms and more) would otherwise
// run before every call.
func (p *Provider) interpreter() string {
	p.resolveOnce.Do(func() {
		p.resolved = p.configured()
		out, err := exec.Command(p.resolved, "-c", "import sys; print(sys.executable)").Output()
		if exe := strings.TrimSpace(string(out)); err == nil && exe != "" {
			p.resolved = exe
		}
	})
	return p.resolved
}

// configured returns the Python named by the Provider or the environment.
func (p *Provider) configured() string {
	if p.Python != "" {
		return p.Python
	}
	if env := os.Getenv("PYTHON"); env != "" {
		return env
	}
	return "python3"
}

func startError(ctx context.Context, python string, err error) error {
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case errors.Is(err, exec.ErrNotFound) || errors.Is(err, fs.ErrNotExist):
		return errNotInstalled
	}
	return fmt.Errorf("cannot start %s: %w", python, err)
}

// response decodes the driver's answer; when there is none, it explains
// why with the exit status and the end of stderr.
func response(python string, out *capped, waitErr error, tail string) (*value.Object, error) {
	if out.over {
		return nil, fmt.Errorf("the python function's output is larger than %d bytes", out.max)
	}
	v, _, err := value.ParseJSON(out.buf.Bytes())
	if obj, ok := v.(*value.Object); ok && err == nil {
		return obj, nil
	}
	why := "exited"
	if waitErr != nil {
		why = waitErr.Error()
	}
	msg := fmt.Sprintf("%s stopped without answering (%s)", python, why)
	if tail != "" {
		msg += ": " + tail
	}
	return nil, errors.New(msg)
}

// childEnv returns the child's environment: the runner's, with the trace
// context of ctx injected. nil, meaning inherit, when there is none.
func childEnv(ctx context.Context) []string {
	carrier := propagation.MapCarrier{}
	otel.GetTextMapPropagator().Inject(ctx, carrier)
	if len(carrier) == 0 {
		return nil
	}
	set := make(map[string]string, len(carrier))
	for k, v := range carrier {
		set[strings.ToUpper(k)] = v
	}
	env := make([]string, 0, len(os.Environ())+len(set))
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if _, replaced := set[k]; !replaced {
			env = append(env, kv)
		}
	}
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		env = append(env, k+"="+set[k])
	}
	return env
}

// capped is a buffer that keeps at most max bytes and notes any excess.
type capped struct {
	buf  bytes.Buffer
	max  int
	over bool
}

// Write keeps what fits and drops the rest without failing, so the child
// is not killed by a broken pipe before it exits.
func (c *capped) Write(b []byte) (int, error) {
	room := c.max - c.buf.Len()
	if len(b) > room {
		c.over = true
		c.buf.Write(b[:max(room, 0)])
		return len(b), nil
	}
	return c.buf.Write(b)
}
