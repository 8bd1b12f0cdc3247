//go:build !unix

package cli

import (
	"os"
	"syscall"
)

// exitSignals interrupt a run: Ctrl-C and SIGTERM (the system has no
// SIGUSR1 or SIGUSR2).
var exitSignals = []os.Signal{os.Interrupt, syscall.SIGTERM}

// sigUSR1 and sigUSR2 are nil: no signal received equals them.
var sigUSR1, sigUSR2 os.Signal
