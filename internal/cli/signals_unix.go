//go:build unix

package cli

import (
	"os"
	"syscall"
)

// exitSignals interrupt a run: Ctrl-C, SIGTERM, and the two signals Chaos
// Toolkit gives a meaning (SIGUSR1: exit; SIGUSR2: exit without rollbacks).
var exitSignals = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGUSR1, syscall.SIGUSR2}

// sigUSR1 and sigUSR2 are Chaos Toolkit's exit signals.
var sigUSR1, sigUSR2 os.Signal = syscall.SIGUSR1, syscall.SIGUSR2
