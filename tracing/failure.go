package tracing

import (
	"strings"
	"unicode"

	"go.opentelemetry.io/otel/attribute"
)

// activityFailed is the exception class that closes every failure in a
// Chaos Toolkit journal.
const activityFailed = "chaoslib.exceptions.ActivityFailed"

// failure is an activity failure as OpenTelemetry describes exceptions.
type failure struct {
	typ   string // the Python exception class, else ActivityFailed
	msg   string // the message, without the class
	stack string // the traceback lines before the last one
}

// failureOf reads a journal's exception lines, whose last line is
// "chaoslib.exceptions.ActivityFailed: <msg>\n", where msg starts with
// the original exception's class when Python raised it
// ("FileNotFoundError: [Errno 2] ...").
func failureOf(lines []string) failure {
	if len(lines) == 0 {
		return failure{typ: activityFailed, msg: "activity failed"}
	}
	last := strings.TrimRight(lines[len(lines)-1], "\n")
	msg := strings.TrimPrefix(last, activityFailed+": ")
	f := failure{typ: activityFailed, msg: msg, stack: strings.Join(lines[:len(lines)-1], "")}
	if class, _, ok := strings.Cut(msg, ": "); ok && isClassName(class) {
		f.typ = class
	}
	return f
}

// isClassName reports whether s looks like a Python exception class,
// possibly dotted: identifiers without spaces, the last one capitalised
// (FileNotFoundError, subprocess.TimeoutExpired).
func isClassName(s string) bool {
	if s == "" || strings.ContainsAny(s, " \t") {
		return false
	}
	parts := strings.Split(s, ".")
	for _, p := range parts {
		if p == "" || unicode.IsDigit(rune(p[0])) {
			return false
		}
		for _, r := range p {
			if r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				return false
			}
		}
	}
	last := parts[len(parts)-1]
	return unicode.IsUpper(rune(last[0])) && strings.IndexFunc(last, unicode.IsLower) >= 0
}

// attributes are the "exception" event's attributes.
func (f failure) attributes() []attribute.KeyValue {
	attrs := []attribute.KeyValue{keyExceptionType.String(f.typ), keyExceptionMessage.String(f.msg)}
	if f.stack != "" {
		attrs = append(attrs, keyExceptionStacktrace.String(f.stack))
	}
	return attrs
}
