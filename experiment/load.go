package experiment

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/chaostracing/chaostracing/value"
)

// MaxSize bounds how large an experiment file may be; no person writes a
// 64 MiB experiment, and a bound keeps hostile input from eating memory.
const MaxSize = 64 << 20

// ReadSource reads an experiment from a file path, or from stdin when path
// is "-".
func ReadSource(path string, stdin io.Reader) ([]byte, error) {
	var r io.Reader = stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("cannot read experiment: %w", err)
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read experiment %s: %w", path, err)
	}
	if len(data) > MaxSize {
		return nil, fmt.Errorf("experiment %s is larger than %d MiB", path, MaxSize>>20)
	}
	return data, nil
}

// Parse parses an experiment document as JSON or YAML: by the source's
// extension when it has one, else JSON when the text starts with "{".
func Parse(source string, data []byte) (any, value.Positions, error) {
	parse := value.ParseYAML
	switch strings.ToLower(filepath.Ext(source)) {
	case ".json":
		parse = value.ParseJSON
	case ".yaml", ".yml":
	default:
		if bytes.HasPrefix(bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n"), []byte("{")) {
			parse = value.ParseJSON
		}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil, fmt.Errorf("%s: an empty experiment is not an experiment", source)
	}
	doc, pos, err := parse(data)
	if err != nil {
		return nil, nil, fmt.Errorf("%s:%w", source, prefixSpace(err))
	}
	return doc, pos, nil
}

// prefixSpace renders "file:3:4: msg" for located errors and "file: msg"
// for others.
func prefixSpace(err error) error {
	if se, ok := err.(*value.SyntaxError); ok && se.Pos.Line > 0 {
		return se
	}
	return fmt.Errorf(" %w", err)
}

// Load parses and decodes an experiment: the one call most callers need.
// Like Decode, it may return a partial experiment with an error.
func Load(source string, data []byte, opts ...Option) (*Experiment, error) {
	doc, pos, err := Parse(source, data)
	if err != nil {
		return nil, err
	}
	return Decode(doc, source, pos, opts...)
}

// LoadFile reads, parses and decodes the experiment at path ("-" for stdin).
func LoadFile(path string, stdin io.Reader, opts ...Option) (*Experiment, error) {
	data, err := ReadSource(path, stdin)
	if err != nil {
		return nil, err
	}
	return Load(path, data, opts...)
}
