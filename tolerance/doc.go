// Package tolerance decides whether a probe's output is within its
// tolerance, for every form Chaos Toolkit accepts: booleans, integers
// (an exit code or HTTP status for process and HTTP outputs), strings,
// lists (a 2-element list is a range for a plain value but membership for
// a status), and the typed forms regex, jsonpath, range and probe.
//
// Check follows chaoslib's within_tolerance, Python's comparison rules
// included (True == 1, exact Decimal ranges). Where the Python tool
// crashes (a regex on a number, a target on a string, a range of
// incomparable values), Check returns an error instead, which the runner
// reports as a tolerance not met. Validate checks a tolerance's shape when
// the experiment is loaded.
//
// Regex patterns are Python re patterns. They run on Go's RE2 engine after
// a translation of what differs ($ before a final newline, \Z, {,n},
// \uXXXX, octal escapes, inline comments); what RE2 cannot do (lookarounds,
// backreferences, atomic groups, possessive quantifiers, verbose mode) is
// reported by name. \d, \w, \s and \b stay ASCII-only.
//
// JSONPath follows RFC 9535 (evaluated with github.com/theory/jsonpath),
// and existing experiments keep their meaning: a path the Python tool
// accepts, written in its jsonpath2 dialect, is read as jsonpath2 reads it
// and translated. In jsonpath2 a filter [?(...)] tests the node it follows,
// so jsonpath2's $.items[*][?(@.name = "b")] is RFC 9535's
// $.items[?@.name == "b"]; "and", "or" (which binds tighter) and "not"
// become &&, || and !; and comparisons with a missing member are false, as
// in jsonpath2. A filter on a node itself, which RFC 9535 cannot express,
// runs with its jsonpath2 meaning when the path can only be jsonpath2, and
// is rejected, with the RFC 9535 form to use, when the path is also valid
// RFC 9535 and would mean something else there. Results come in document
// order, so "expect" lists compare as they do in Python.
package tolerance
