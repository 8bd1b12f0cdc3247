package journal

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/chaostracing/chaostracing/value"
)

// Encode writes the journal as Chaos Toolkit does: JSON, 2-space indent,
// non-ASCII characters as they are.
func (j *Journal) Encode(w io.Writer) error {
	return value.Encode(w, j.Value(), "  ")
}

// Write stores the journal at path atomically: it writes a temporary file
// in the same directory, syncs it and renames it over path, so a crash or
// a full disk never leaves a truncated journal behind.
//
// The journal is encoded straight into the file (value.Encode buffers its
// writes), so a large journal is not held in memory twice.
func (j *Journal) Write(path string) error {
	return writeAtomic(path, j.Encode)
}

func writeAtomic(path string, encode func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("cannot write journal %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // no-op once renamed
	if err := encode(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("cannot write journal %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("cannot write journal %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("cannot write journal %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("cannot write journal %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("cannot write journal %s: %w", path, err)
	}
	return nil
}
