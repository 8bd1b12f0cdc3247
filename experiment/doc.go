// Package experiment loads, validates and resolves Chaos Toolkit
// experiments.
//
// An experiment is kept twice: as the document it was written as (a
// *value.Object, whose key order the journal reproduces) and as typed
// structs the runner works from. LoadSource reads a file, stdin or an
// http(s) URL (authorization, TLS verification, time and size bounds as
// its Options say), Load parses JSON or YAML, Decode checks every rule of
// the format at once (the hand-written rules, then the published JSON
// Schema of package schema for what they leave out) and reports each
// problem with its JSONPath and source position, and Resolve turns
// configuration, secrets and --var overrides into the values that ${name}
// substitution uses.
package experiment
