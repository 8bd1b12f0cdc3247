package process

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"syscall"
	"time"

	"github.com/chaostracing/chaostracing/provider"
	"github.com/chaostracing/chaostracing/provider/internal/capture"
	"github.com/chaostracing/chaostracing/provider/internal/procgroup"
	"github.com/chaostracing/chaostracing/value"
)

// Messages shared with Chaos Toolkit, word for word.
const (
	timeoutMsg     = "process activity took too long to complete"
	nonZeroExitMsg = "This process returned a non-zero exit code. This may indicate some error and not what you expected. Please have a look at the logs."
)

// waitDelay bounds how long output is still collected after the child
// exited (or was killed) while other processes hold its pipes open.
const waitDelay = time.Second

// Provider runs "process" activities. The zero value is ready to use and
// safe for concurrent use.
type Provider struct{}

// job is one prepared process activity.
type job struct {
	activity string // the activity's name, for messages
	path     string // the path as written
	bin      string // the resolved executable
	args     []string
	timeout  time.Duration
	timed    bool
	limit    int
}

// Run starts the activity's program, waits for it and returns its
// status, stdout and stderr as a *value.Object. A non-zero status is a
// result, not an error; timeouts, cancellation and programs that cannot be
// started are errors.
func (Provider) Run(ctx context.Context, call provider.Call) (any, error) {
	j, err := prepare(call)
	if err != nil {
		return nil, err
	}
	res, err := j.run(ctx)
	if err != nil {
		return nil, err
	}
	if res.status > 0 && !hasTolerance(call) {
		call.Logger().Warn(nonZeroExitMsg)
	}
	return value.NewObject("status", res.status, "stdout", res.stdout, "stderr", res.stderr), nil
}

func hasTolerance(call provider.Call) bool {
	return call.Activity != nil && call.Activity.HasTolerance
}

func activityName(call provider.Call) string {
	if call.Activity == nil {
		return ""
	}
	return call.Activity.Name
}

// prepare reads the provider spec and resolves the program.
func prepare(call provider.Call) (*job, error) {
	j := &job{activity: activityName(call), limit: call.OutputLimit()}
	j.path = call.Spec.String("path")
	if j.path == "" {
		return nil, errors.New("a process activity must have a path")
	}
	bin, ok := resolve(j.path)
	if !ok {
		return nil, j.notFound()
	}
	j.bin = bin
	raw, _ := call.Spec.Get("arguments")
	args, err := arguments(raw)
	if err != nil {
		return nil, err
	}
	j.args = args
	j.timeout, j.timed, err = timeoutOf(call.Spec)
	return j, err
}

func (j *job) notFound() error {
	return fmt.Errorf("path '%s' cannot be found, in activity '%s'", j.path, j.activity)
}

// timeoutOf reads the "timeout" field, in seconds.
func timeoutOf(spec *value.Object) (time.Duration, bool, error) {
	raw, ok := spec.Get("timeout")
	if !ok || raw == nil {
		return 0, false, nil
	}
	secs, ok := value.Float(raw)
	if !ok {
		return 0, false, fmt.Errorf("process timeout must be a number of seconds, not %s", value.TypeName(raw))
	}
	if ns := secs * float64(time.Second); ns < math.MaxInt64 {
		return time.Duration(ns), true, nil
	}
	return 0, false, nil // beyond what a Duration holds: no bound
}

// result is what a finished process left.
type result struct {
	status         int64
	stdout, stderr string
}

// run starts the process and waits for it.
func (j *job) run(ctx context.Context) (*result, error) {
	runCtx, cancel := j.bound(ctx)
	defer cancel()
	stdout, stderr := capture.Buffer{Limit: j.limit}, capture.Buffer{Limit: j.limit}
	cmd := j.command(runCtx, &stdout, &stderr)
	cmd.Env = childEnv(ctx)
	err := cmd.Run()
	if runCtx.Err() != nil && (cmd.ProcessState == nil || signaled(cmd.ProcessState)) {
		return nil, interruption(ctx)
	}
	if cmd.ProcessState == nil {
		return nil, j.startError(err)
	}
	return &result{status: exitStatus(cmd.ProcessState), stdout: stdout.String(), stderr: stderr.String()}, nil
}

// bound applies the activity's timeout to ctx.
func (j *job) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	if j.timed {
		return context.WithTimeout(ctx, j.timeout)
	}
	return ctx, func() {}
}

// command builds the child: its own process group (where the system has
// them), killed as a whole when ctx is done.
func (j *job) command(ctx context.Context, stdout, stderr *capture.Buffer) *exec.Cmd {
	cmd := exec.CommandContext(ctx, j.bin, j.args...)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	procgroup.Own(cmd)
	cmd.WaitDelay = waitDelay
	return cmd
}

// interruption explains why a process was killed: the caller's context
// ended (cancellation, an activity-level timeout) or the provider's own
// timeout expired.
func interruption(ctx context.Context) error {
	if ctx.Err() != nil {
		return fmt.Errorf("process activity interrupted: %w", context.Cause(ctx))
	}
	return errors.New(timeoutMsg)
}

// startError reports a program that could not be started.
func (j *job) startError(err error) error {
	if errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.EACCES) || errors.Is(err, syscall.ENOTDIR) {
		forget(j.path)
		return j.notFound()
	}
	return fmt.Errorf("cannot run '%s', in activity '%s': %w", j.path, j.activity, err)
}

func signaled(state *os.ProcessState) bool {
	ws, ok := state.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled()
}

// exitStatus returns the exit code, or minus the signal number for a
// process killed by a signal, as Python's returncode does.
func exitStatus(state *os.ProcessState) int64 {
	if ws, ok := state.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return -int64(ws.Signal())
	}
	return int64(state.ExitCode())
}
