package cli

import (
	"errors"
	"fmt"
)

// Exit codes, as the Python tool's `chaos` command uses them.
const (
	// ExitOK: the run completed and did not deviate, or the experiment is
	// valid.
	ExitOK = 0
	// ExitFailed: the run failed, aborted, was interrupted or deviated; or
	// the experiment could not be loaded or is invalid.
	ExitFailed = 1
	// ExitUsage: the command line is wrong (unknown flag, missing
	// argument, bad --var, bad choice).
	ExitUsage = 2
)

// exitError carries the exit code a command ends with. A nil Err means
// the command already reported what went wrong.
type exitError struct {
	Code int
	Err  error
}

func (e *exitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *exitError) Unwrap() error { return e.Err }

func usageError(format string, args ...any) error {
	return &exitError{Code: ExitUsage, Err: fmt.Errorf(format, args...)}
}

// exitCode returns the exit code an error stands for.
func exitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	return ExitFailed
}
