// Package atomicfile replaces files so that no reader, crash or full disk
// ever leaves half of one behind.
package atomicfile

import (
	"io"
	"os"
	"path/filepath"
)

// Write replaces path with what write writes: into a temporary file in the
// same directory, synced, given mode perm, then renamed over path. On any
// error path is left as it was and the temporary file is removed.
func Write(path string, perm os.FileMode, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), perm); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
