// Package process runs Chaos Toolkit "process" activities: it starts a
// program directly (never through a shell) and returns its exit status and
// output as {"status": int, "stdout": str, "stderr": str}.
//
// # Provider fields
//
//   - path: the program; a leading ~ is expanded, then it is looked up on
//     PATH as shutil.which does. It is not ${}-substituted.
//   - arguments: a list (null and "" items dropped, other items formatted as
//     Python's str() would: 3, 0.5, True, ['a', 1]), a string (see below),
//     or the deprecated object form, flattened into key, value pairs.
//   - timeout: seconds; none by default.
//
// A non-zero exit status is not an error: it is the activity's output, and
// a warning is logged when the activity has no tolerance, as chaoslib does
// (chaoslib warns for a positive status only, so a process killed by a
// signal, whose status is the negative signal number, is not warned
// about). A timeout fails the activity with "process activity took too long
// to complete".
//
// # String arguments
//
// Chaos Toolkit runs `<path> <arguments>` through /bin/sh when arguments is
// a string. We never start a shell: the string is parsed with the POSIX
// shell grammar (mvdan.cc/sh/v3) and expanded into words the way /bin/sh
// would, so quoting works as users expect ("-c 'echo a'" gives two words).
// What the shell would have expanded is expanded the same way, because
// existing experiments rely on it: $VAR, ${VAR} and ${VAR:-default} take
// their value from this process's environment, which is the environment
// the shell would have seen (unset variables become empty, as in sh),
// ~ expands to the home directory, $((...)) is evaluated, and unquoted
// glob patterns are matched against the file system (kept literally when
// nothing matches, as POSIX sh does). Single quotes turn all of this off,
// as in sh. One difference: brace expansion ({a,b}) is performed, as by
// bash, while dash, Debian's /bin/sh, leaves braces alone.
//
// Anything that needs a real shell is refused with an error that names it
// and suggests "path": "sh", "arguments": ["-c", "..."]: pipes, && and ||,
// ;, newlines and & between commands, redirections, and command
// substitution ($(...) and backquotes), which would run code. Check reports
// such strings before the run.
//
// # Process handling
//
// The child inherits the environment, plus the current trace context as
// upper-cased variables (TRACEPARENT, TRACESTATE, BAGGAGE, ...) injected by
// the global OpenTelemetry propagator, replacing inherited ones. Its
// standard input is /dev/null (Python's tool lets it inherit the terminal).
// It runs in its own process group, so a Ctrl-C on the terminal reaches the
// runner only; on timeout or cancellation of the context the whole group is
// killed with SIGKILL. If processes outside the group keep the output pipes
// open after the child exited, output collection stops after a short grace
// delay instead of waiting for them. stdout and stderr are decoded as UTF-8
// (invalid bytes replaced by U+FFFD) and each is capped at
// provider.Call.OutputLimit bytes, keeping the start and appending a
// "... [truncated N bytes]" marker.
//
// Lookups of path on PATH are cached for the life of the process, keyed
// by the path as written.
package process
