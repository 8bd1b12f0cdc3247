// Package http runs Chaos Toolkit "http" activities: one HTTP request whose
// response becomes the activity's output,
// {"status": int, "headers": {name: value}, "body": ...}.
//
// # Provider fields
//
//   - url (required, already ${}-substituted).
//   - method: default GET, upper-cased.
//   - headers: an object of strings (numbers are formatted; null values
//     are dropped, as requests drops them).
//   - arguments: for GET, query-string parameters appended to the URL
//     (a list value repeats its key; a string is appended as is); for any
//     other method the request body: JSON when the request's Content-Type
//     header (name matched case-insensitively) is exactly
//     application/json, else form-encoded, or sent as is when a string.
//     Values are formatted as Python's str() would (True, 0.5), JSON is
//     laid out as Python's json.dumps writes it ({"k": "v"}, ASCII-only).
//   - timeout: seconds for the whole request, response body included; or a
//     [connect, read] pair: connect bounds establishing the connection,
//     read bounds each wait for data once the request is sent (either may
//     be null for no bound).
//   - verify_tls: default true; false accepts any server certificate.
//   - max_retries: default 0. Like requests' HTTPAdapter, a request is
//     retried when no connection could be made, or, for idempotent methods,
//     when the connection broke before a response came; never after a
//     response. Retries wait a short, growing delay.
//
// # Output
//
// status is the final status code after redirects (up to 30, as requests
// follows). 4xx and 5xx responses are outputs, not errors; a warning is
// logged when the activity has no tolerance, as chaoslib does. headers
// maps each header name to its values joined with ", ". Python's tool keeps
// the server's spelling and order of header names; Go's HTTP client
// canonicalises names (content-type becomes Content-Type) and does not
// keep their order, so names are sorted. When the server compressed the
// body with gzip in answer to the Accept-Encoding Go adds, the body is
// decompressed and Content-Encoding and Content-Length are not reported.
//
// body is parsed as JSON only when the response's Content-Type is exactly
// application/json, as chaoslib does ("application/json; charset=utf-8"
// stays text); an empty JSON body is null, and a body that is not valid
// JSON fails the activity. Text is decoded as UTF-8 with invalid bytes
// replaced, or as Latin-1 when the Content-Type says charset=iso-8859-1.
// Bodies are capped at provider.Call.OutputLimit bytes, keeping the start
// and appending a "... [truncated N bytes]" marker; a capped JSON body is
// kept as that text.
//
// # Errors
//
// Connection failures, TLS failures and timeouts fail the activity with a
// message naming the method and the URL, e.g. "failed to connect to GET
// http://127.0.0.1:1/: connection refused" or "HTTP request GET
// http://host/ timed out after 3s". Messages never show the URL's user
// information or its query string, which may hold credentials.
//
// The current trace context is injected into the request headers with the
// global OpenTelemetry propagator. Connections are pooled and reused across
// calls: a Provider keeps one client per (verify_tls, connect timeout).
package http
