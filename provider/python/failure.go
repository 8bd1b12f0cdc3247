package python

import (
	"fmt"
	"strings"

	"github.com/chaostracing/chaostracing/provider"
)

// duringHandling is what Python prints between an exception and one raised
// while handling it, as between the function's exception and chaoslib's
// ActivityFailed in a journal's "exception".
const duringHandling = "\nDuring handling of the above exception, another exception occurred:\n\n"

var (
	_ provider.TracebackError = (*Failure)(nil)
	_ provider.TracebackError = (*LoadError)(nil)
)

// Failure is an activity that ran and failed: the function raised (or, for
// a Go-native function, panicked). Run returns it as a *Failure.
type Failure struct {
	// Msg is chaoslib's ActivityFailed message, "ExcType: message" (for
	// example "FileNotFoundError: [Errno 2] No such file or directory:
	// '/x'"), or "panic: ..." for a Go-native function.
	Msg string
	// Traceback is Python's traceback.format_exception of the exception,
	// each element ending in a newline: "Traceback (most recent call
	// last):\n", one element per frame, then "ExcType: message\n". For a
	// Go-native panic it holds the goroutine's stack.
	Traceback []string
}

// Error returns Msg.
func (f *Failure) Error() string { return f.Msg }

// TracebackLines returns what a Chaos Toolkit journal's "exception" holds
// before its closing "chaoslib.exceptions.ActivityFailed: "+Msg line: the
// traceback, then "\nDuring handling of the above exception, another
// exception occurred:\n\n".
func (f *Failure) TracebackLines() []string { return withHandling(f.Traceback) }

// LoadError is a python activity whose module could not be imported or does
// not have the function, found at run time. Chaos Toolkit does not count
// this as a failed activity but lets it abort the run; the runner decides.
type LoadError struct {
	Module, Func string
	// Msg says what went wrong; Error returns it.
	Msg string
	// Traceback is Python's traceback of the import or lookup error.
	Traceback []string
}

// Error returns Msg.
func (e *LoadError) Error() string { return e.Msg }

// TracebackLines returns the traceback shaped as Failure's.
func (e *LoadError) TracebackLines() []string { return withHandling(e.Traceback) }

func withHandling(tb []string) []string {
	if len(tb) == 0 {
		return nil
	}
	return append(tb[:len(tb):len(tb)], duringHandling)
}

// notInstalled is the message for an interpreter that cannot be found.
func notInstalled(python, activity, module string) string {
	return fmt.Sprintf("%s is not installed or not on PATH: activity '%s' needs it for module '%s' (install Python 3, or set PYTHON)",
		python, activity, module)
}

// lines splits text into lines that keep their newline, the shape of a
// Python traceback list.
func lines(text string) []string {
	var out []string
	for text != "" {
		i := strings.IndexByte(text, '\n')
		if i < 0 {
			return append(out, text+"\n")
		}
		out = append(out, text[:i+1])
		text = text[i+1:]
	}
	return out
}
