package process

import (
	"errors"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"sync"
)

// lookups caches resolved executables, keyed by the path with ~ expanded
// and, for a bare name, by PATH too, so that changing either is seen.
// Only absolute results are kept, so a later change of working directory
// cannot make an entry wrong; an entry whose file has gone is dropped when
// starting it fails.
var lookups sync.Map // string -> string

// resolve expands a leading ~ in path and finds the executable as
// shutil.which does: on PATH for a bare name, else the file itself, which
// must be executable.
func resolve(path string) (string, bool) {
	path = expandHome(path)
	key := cacheKey(path)
	if bin, ok := lookups.Load(key); ok {
		return bin.(string), true
	}
	bin, err := exec.LookPath(path)
	if errors.Is(err, exec.ErrDot) {
		// A relative PATH entry such as "."; which() accepts it too.
		bin, err = filepath.Abs(bin)
	}
	if err != nil {
		return "", false
	}
	if filepath.IsAbs(bin) {
		lookups.Store(key, bin)
	}
	return bin, true
}

func cacheKey(path string) string {
	if strings.Contains(path, "/") {
		return path
	}
	return path + "\x00" + os.Getenv("PATH")
}

// forget drops the cached lookup of path.
func forget(path string) { lookups.Delete(cacheKey(expandHome(path))) }

// expandHome expands a leading ~ or ~user as os.path.expanduser does; the
// path is returned unchanged when the home directory is unknown.
func expandHome(path string) string {
	if !strings.HasPrefix(path, "~") {
		return path
	}
	name, rest, _ := strings.Cut(path[1:], "/")
	home := homeOf(name)
	if home == "" {
		return path
	}
	return filepath.Join(home, rest)
}

// homeOf returns the home directory of the named user, or of the current
// user when name is empty ($HOME first, as Python does).
func homeOf(name string) string {
	if name == "" {
		if home := os.Getenv("HOME"); home != "" {
			return home
		}
		u, err := user.Current()
		if err != nil {
			return ""
		}
		return u.HomeDir
	}
	u, err := user.Lookup(name)
	if err != nil {
		return ""
	}
	return u.HomeDir
}
