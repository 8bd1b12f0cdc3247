package experiment

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/chaostracing/chaostracing/value"
)

// MaxSize bounds how large an experiment document may be, by default; no
// person writes a 64 MiB experiment, and a bound keeps hostile input from
// eating memory.
const MaxSize = 64 << 20

// Document formats.
const (
	formatJSON = "json"
	formatYAML = "yaml"
)

// document is an experiment's text and what is known of its format.
type document struct {
	// name is the source in messages: a path, "-", or a URL without
	// credentials or query.
	name string
	data []byte
	// format is formatJSON or formatYAML when the source says which, ""
	// when the text must tell.
	format string
}

// readOptions are the Options of reading a source.
type readOptions struct {
	maxSize int64
	fetch   fetchOptions
}

// WithMaxSize bounds the size of the document LoadSource reads, MaxSize
// by default.
func WithMaxSize(n int64) Option { return func(o *options) { o.read.maxSize = n } }

func (o readOptions) limit() int64 {
	if o.maxSize > 0 {
		return o.maxSize
	}
	return MaxSize
}

// readFile reads an experiment from a file path, or from stdin when path
// is "-".
func (o readOptions) readFile(path string, stdin io.Reader) (*document, error) {
	var r io.Reader = stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("cannot read experiment: %w", err)
		}
		defer f.Close()
		r = f
	}
	data, err := o.readCapped(r, path)
	if err != nil {
		return nil, err
	}
	return &document{name: path, data: data, format: formatOfName(path, data)}, nil
}

// readCapped reads r whole, refusing more than the size limit.
func (o readOptions) readCapped(r io.Reader, name string) ([]byte, error) {
	limit := o.limit()
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read experiment %s: %w", name, err)
	}
	if int64(len(data)) > limit {
		return nil, tooLarge(name, limit)
	}
	return data, nil
}

func tooLarge(name string, limit int64) error {
	if limit%(1<<20) == 0 {
		return fmt.Errorf("experiment %s is larger than %d MiB", name, limit>>20)
	}
	return fmt.Errorf("experiment %s is larger than %d bytes", name, limit)
}

// formatOfName returns the format a file name's extension names; any
// other name is JSON when its first non-blank character is "{", else YAML.
func formatOfName(name string, data []byte) string {
	if f := formatOfExt(name); f != "" {
		return f
	}
	return sniff(data)
}

// formatOfExt returns the format of a .json, .yaml or .yml name, else "".
func formatOfExt(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".json":
		return formatJSON
	case ".yaml", ".yml":
		return formatYAML
	}
	return ""
}

// sniff returns JSON when the text starts with "{", else YAML.
func sniff(data []byte) string {
	if bytes.HasPrefix(bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n"), []byte("{")) {
		return formatJSON
	}
	return formatYAML
}

// Parse parses an experiment document as JSON or YAML: by the source's
// extension when it has one, else JSON when the text starts with "{".
func Parse(source string, data []byte) (any, value.Positions, error) {
	return parse(&document{name: source, data: data, format: formatOfName(source, data)})
}

// parse parses a document in its format; one of unknown format is read
// as JSON, then as YAML, and when both fail the error is the one of the
// format the text looks like.
func parse(d *document) (any, value.Positions, error) {
	if len(bytes.TrimSpace(d.data)) == 0 {
		return nil, nil, fmt.Errorf("%s: an empty experiment is not an experiment", d.name)
	}
	var doc any
	var pos value.Positions
	var err error
	switch d.format {
	case formatJSON:
		doc, pos, err = value.ParseJSON(d.data)
	case formatYAML:
		doc, pos, err = value.ParseYAML(d.data)
	default:
		doc, pos, err = parseEither(d.data)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%s:%w", d.name, prefixSpace(err))
	}
	return doc, pos, nil
}

// parseEither reads JSON, then YAML, as the Python tool reads a remote
// document of no known type.
func parseEither(data []byte) (any, value.Positions, error) {
	doc, pos, jsonErr := value.ParseJSON(data)
	if jsonErr == nil {
		return doc, pos, nil
	}
	doc, pos, yamlErr := value.ParseYAML(data)
	switch {
	case yamlErr == nil:
		return doc, pos, nil
	case sniff(data) == formatJSON:
		return nil, nil, jsonErr
	}
	return nil, nil, yamlErr
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

// LoadSource reads, parses and decodes the experiment at source: a file
// path, "-" for stdin, or an http:// or https:// URL, fetched as
// WithAuthorization, WithTLSVerify and WithFetchTimeout say. Like Decode,
// it may return a partial experiment with an error.
func LoadSource(ctx context.Context, source string, stdin io.Reader, opts ...Option) (*Experiment, error) {
	o := newOptions(opts)
	var d *document
	var err error
	if IsURL(source) {
		d, err = o.read.download(ctx, source)
	} else {
		d, err = o.read.readFile(source, stdin)
	}
	if err != nil {
		return nil, err
	}
	doc, pos, err := parse(d)
	if err != nil {
		return nil, err
	}
	return Decode(doc, d.name, pos, opts...)
}
