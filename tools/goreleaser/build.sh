#!/usr/bin/env bash
# Build GoReleaser, which checks .goreleaser.yaml (test/functional/release_test.go)
# and makes the release archives, from the Go module proxy.
#
# The binary is cached by version at
#   ${CHAOSTRACING_GORELEASER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/chaostracing}/goreleaser-<version>/goreleaser
# and the build is skipped when that file exists. Concurrent runs wait for
# each other (flock) instead of building twice.
#
# Prints the absolute path of the binary on stdout, and nothing else; the
# go command's output goes to stderr. Needs Go and the Go module proxy only.
# A cold build takes several minutes on a 2-core machine.
set -euo pipefail

version=v2.15.1   # v2.18 and later need a newer Go than go.mod's
cache_root="${CHAOSTRACING_GORELEASER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/chaostracing}"
. "$(dirname "$0")/../cache.sh"
cached "goreleaser-$version" goreleaser

echo "build.sh: building goreleaser $version into $dir (takes minutes)" >&2
start=$(date +%s)
# Outside any module: go install NAME@VERSION uses GoReleaser's own go.mod.
(cd "$work" && GOWORK=off GOFLAGS= CGO_ENABLED=0 GOBIN="$work" go install "github.com/goreleaser/goreleaser/v2@$version") >&2
echo "build.sh: built in $(($(date +%s) - start))s" >&2

store "$work/goreleaser"
