#!/usr/bin/env bash
# Build the OpenTelemetry Collector that the tests use as a real trace
# backend, from builder-config.yaml beside this script, with the
# OpenTelemetry Collector Builder pinned as a tool in this directory's go.mod.
#
# The binary is cached by the hash of the manifest and of go.mod (the builder's
# version) at
#   ${CHAOSTRACING_OTELCOL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/chaostracing}/otelcol-<hash>/otelcol
# and the build is skipped when that file exists. Concurrent runs for the
# same hash wait for each other (flock) instead of building twice.
#
# Prints the absolute path of the binary on stdout, and nothing else; the
# builder's output goes to stderr. Needs Go and the Go module proxy only.
# A cold build takes several minutes on a 2-core machine.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
manifest="$here/builder-config.yaml"

hash=$(cat "$manifest" "$here/go.mod" | sha256sum | cut -c1-16)
cache_root="${CHAOSTRACING_OTELCOL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/chaostracing}"
. "$here/../cache.sh"
cached "otelcol-$hash" otelcol

# The manifest's output_path points into the cache, in a copy of it.
sed -E "s|^([[:space:]]+output_path:).*|\1 $work/src|" "$manifest" >"$work/manifest.yaml"
grep -q "output_path: $work/src\$" "$work/manifest.yaml" || {
  echo "build.sh: no dist.output_path line to rewrite in $manifest" >&2
  exit 1
}

echo "build.sh: building the collector from $manifest into $dir (takes minutes)" >&2
start=$(date +%s)
# GOFLAGS=-e reaches the builder's `go mod tidy`: tidy also resolves the
# imports of the components' own tests, and some of those modules (e.g.
# contrib's otlpencodingextension, imported by fileexporter's tests) are not
# on every Go module proxy. The collector itself does not need them, and a
# module that the build does need still fails `go build` loudly.
(
  cd "$here"
  GOWORK=off GOFLAGS="${GOFLAGS:-} -e" go tool builder --config "$work/manifest.yaml"
) >&2
echo "build.sh: built in $(($(date +%s) - start))s" >&2

store "$work/src/otelcol"
