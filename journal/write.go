package journal

import (
	"fmt"
	"io"

	"github.com/chaostracing/chaostracing/internal/atomicfile"
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
	if err := atomicfile.Write(path, 0o644, j.Encode); err != nil {
		return fmt.Errorf("cannot write journal %s: %w", path, err)
	}
	return nil
}
