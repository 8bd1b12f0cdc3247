// Package python is the "python" provider type: activities that name a
// module and a func, as Chaos Toolkit's python provider does.
//
// A function registered in a [provider.Funcs] under the activity's module and
// func runs natively, in the runner's process. Any other runs in the local
// Python 3 interpreter, one child process per call: the interpreter named by
// [Provider.Python], else by the PYTHON environment variable, else "python3"
// on PATH. So experiments written for the Python tool keep working, and
// embedders can replace hot or dependency-heavy functions with Go ones
// without touching the experiment.
//
// # Semantics
//
// As in chaoslib, arguments are passed as keyword arguments; a parameter
// named configuration receives the whole configuration, and one named
// secrets receives the scopes listed in the provider's "secrets" key merged
// into one object (only when that key is present). The return value is the
// activity's output, dict key order kept; what JSON cannot hold (bytes, a
// set, an object) becomes its str(), dates their isoformat(), NaN null. Any
// exception raised by the function fails the activity with a *[Failure]
// whose message is chaoslib's "ExcType: message" and whose traceback is
// Python's, shaped by TracebackLines for the journal's "exception". A
// module that cannot be imported, or lacks the function, gives a
// *[LoadError] instead, which chaoslib would not count as a failed
// activity.
//
// Differences from chaoslib, which runs functions in its own process:
//   - The current directory is not put on sys.path (as under `chaos run`);
//     use PYTHONPATH or [Provider.Path].
//   - SystemExit and KeyboardInterrupt raised by a function fail the
//     activity instead of ending the run.
//   - Cancelling the context kills the child's whole process group, so an
//     activity timeout or Ctrl-C interrupts a python activity promptly.
//   - A function that leaves threads running delays the end of its activity
//     until they end, since the child exits only then.
//
// # Protocol
//
// The child runs an embedded driver (driver.py) as `python3 -c BOOTSTRAP
// DRIVER`. It reads one JSON request on stdin and writes one JSON response
// on its original stdout, having first pointed fd 1 and sys.stdout at
// stderr, so the function's prints cannot corrupt the response. Stderr is
// forwarded line by line to the call's logger at debug level.
//
//	call request:   {"op":"call","path":[...],"module":M,"func":F,
//	                 "arguments":{...},"configuration":{...},"secrets":{...}|null}
//	call response:  {"ok":output}
//	            or  {"error":"ExcType: msg","type":T,"stage":"import"|"lookup"|"call",
//	                 "traceback":[lines]}
//	check request:  {"op":"check","path":[...],"activities":[{"module":M,"func":F,"arguments":[names]}]}
//	check response: {"problems":[[{"kind":"module"|"func"|"missing"|"extra"|"positional",...}],...]}
//	controls request:  {"op":"controls","path":[...],"modules":[M,...],"hooks":[names]}
//	controls response: {"modules":[{"hooks":[names defined]} or {"error":"ExcType: msg","missing":bool},...]}
//	control request:   {"op":"control","path":[...],"module":M,"hook":H,"arguments":{...},"inject":{...}}
//	control response:  as call's, or {"ok":null,"absent":true} when M has no function H
//
// The trace context of the call's context is injected into the child's
// environment (TRACEPARENT, TRACESTATE, ... as the global propagator
// writes them, upper-cased), where Python code, or an OpenTelemetry SDK in
// it, can pick it up from os.environ.
//
// # Controls
//
// [Provider.InspectControls] and [Provider.CallControl] serve Chaos
// Toolkit control modules (package control): the first imports modules in
// one child and lists the [ControlHooks] each defines, the second calls one
// hook function in a child of its own, passing the provider arguments as
// keyword arguments and each injected value (state, experiment, ...) only
// when the function's signature names it, as chaoslib does.
//
// # Checking
//
// [Provider.Check] validates python activities before a run like chaoslib
// does, importing each module, requiring the function and binding the
// arguments to its signature, all in one child process. For Go-native
// functions it checks argument names against [provider.FuncInfo].Arguments
// when that list is not empty: each listed name is required unless marked
// optional ("name?"), and names not listed are rejected.
package python
