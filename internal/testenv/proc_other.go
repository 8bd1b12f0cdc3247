//go:build !linux

package testenv

import "syscall"

// sysProcAttr returns nil: only Linux has Pdeathsig, so elsewhere a test
// binary that dies without running its cleanups leaves the collector
// running.
func sysProcAttr() *syscall.SysProcAttr { return nil }

// lockOSThread does nothing where there is no Pdeathsig to serve.
func lockOSThread() {}

// unlockOSThread does nothing where there is no Pdeathsig to serve.
func unlockOSThread() {}
