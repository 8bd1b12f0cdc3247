package testenv

import (
	"runtime"
	"syscall"
)

// sysProcAttr makes the collector get SIGKILL when the OS thread that
// started it ends (see startProcess), so that it never outlives the test
// binary.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

// lockOSThread locks the calling goroutine to its OS thread, which
// Pdeathsig ties the collector's life to.
func lockOSThread() { runtime.LockOSThread() }

// unlockOSThread undoes lockOSThread.
func unlockOSThread() { runtime.UnlockOSThread() }
