// Package value holds the JSON-like values that experiments, provider outputs
// and journals are made of: nil, bool, int64, float64, string, []any and
// *Object, an object that remembers the order of its keys.
//
// Key order matters because Chaos Toolkit journals copy the experiment as it
// was written, and tools that diff journals expect the same order. The
// package also parses JSON and YAML while recording where each value sits, so
// validation errors can point at a line and column, and compares values the
// way Python does (1 == 1.0 == True), since tolerances are defined by the
// Python tool's semantics.
package value
