//go:build unix

package python

import (
	"errors"
	"os"
	"os/exec"
	"syscall"
)

// ownGroup starts the child in a process group of its own and makes
// cancellation kill the whole group, so that processes the python function
// spawned die with it.
func ownGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		if errors.Is(err, syscall.ESRCH) {
			return os.ErrProcessDone
		}
		return err
	}
}
