//go:build unix

// Package procgroup runs a provider's child in a process group of its own,
// so that cancelling it kills what it spawned too.
package procgroup

import (
	"errors"
	"os"
	"os/exec"
	"syscall"
)

// Own starts cmd in a process group of its own and makes cancellation
// kill the whole group, so that the processes it spawned die with it.
func Own(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return kill(cmd.Process) }
}

// kill sends SIGKILL to the process group led by p.
func kill(p *os.Process) error {
	err := syscall.Kill(-p.Pid, syscall.SIGKILL)
	if errors.Is(err, syscall.ESRCH) {
		return os.ErrProcessDone
	}
	return err
}
