package settings

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/chaostracing/chaostracing/internal/atomicfile"
	"github.com/chaostracing/chaostracing/value"
)

// Save writes the settings back to their file: as JSON when its name ends
// in .json, else as YAML (what the Python tool writes), keys in the
// document's order. Comments of a YAML file are not kept.
//
// The file is replaced atomically (a temporary file in the same directory,
// synced, then renamed over it), so a crash never leaves half a file; it
// gets mode 0600, since settings hold authorization tokens. When the path
// is a symbolic link, the file it points to is replaced.
func (s *Settings) Save() error {
	if s.Path == "" {
		return errors.New("cannot save settings: no settings file was read")
	}
	var buf bytes.Buffer
	if err := encode(&buf, s.Path, s.Doc); err != nil {
		return fmt.Errorf("cannot save settings %s: %w", s.Path, err)
	}
	if err := writeAtomic(s.Path, buf.Bytes()); err != nil {
		return fmt.Errorf("cannot save settings %s: %w", s.Path, err)
	}
	return nil
}

func encode(buf *bytes.Buffer, path string, doc *value.Object) error {
	if doc == nil {
		doc = value.NewObject()
	}
	if strings.EqualFold(filepath.Ext(path), ".json") {
		return value.Encode(buf, doc, "  ")
	}
	return value.EncodeYAML(buf, doc)
}

// writeAtomic replaces path (or the file it links to) with data, mode 0600.
func writeAtomic(path string, data []byte) error {
	if target, err := filepath.EvalSymlinks(path); err == nil {
		path = target
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	return atomicfile.Write(path, 0o600, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}
