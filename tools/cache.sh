# Shared by the tool builds under tools/ (sourced, not run): a binary
# cached as $cache_root/KEY/NAME, built once; concurrent runs wait for each
# other (flock) instead of building twice.

# cached KEY NAME prints the cached binary's path and exits when it exists.
# Otherwise it holds the lock for KEY and sets dir, bin and work (a scratch
# directory beside the cache, removed on exit) for the build.
cached() {
  dir="$cache_root/$1"
  bin="$dir/$2"
  if [ -x "$bin" ]; then
    echo "$bin"
    exit 0
  fi
  mkdir -p "$cache_root"
  if command -v flock >/dev/null; then
    exec 9>"$dir.lock"
    flock 9
    # Another run may have finished the build while this one waited.
    if [ -x "$bin" ]; then
      echo "$bin"
      exit 0
    fi
  fi
  work=$(mktemp -d "$cache_root/$1.build.XXXXXX")
  trap 'rm -rf "$work"' EXIT
}

# store FILE moves the built FILE into the cache, atomically, and prints
# its path.
store() {
  mkdir -p "$dir"
  mv "$1" "$bin.tmp"
  mv -f "$bin.tmp" "$bin"
  echo "$bin"
}
