// Package schema holds the JSON Schema (draft 2020-12) of the Chaos Toolkit
// experiment format, as published in this directory for editors, and checks
// documents against it.
//
// The schema is embedded in the binary and compiled once, on first use. It
// describes the format as the Python Chaos Toolkit reads it: every object
// accepts keys it does not list, and the rules chaostracing adds on top
// (blank strings, ref resolution, regex and JSONPath syntax...) stay in the
// experiment package's decoder, which the schema complements.
package schema

import (
	"bytes"
	"cmp"
	_ "embed" // the schema document
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/chaostracing/chaostracing/value"
)

// ID is the schema's $id, the URL editors can fetch it from.
const ID = "https://raw.githubusercontent.com/chaostracing/chaostracing/main/schema/experiment.schema.json"

//go:embed experiment.schema.json
var document []byte

// JSON returns the schema document, as published.
func JSON() []byte { return bytes.Clone(document) }

// Violation is one place where a document breaks the schema.
type Violation struct {
	// Path is the JSONPath of the offending value, in the form
	// value.Key and value.Index build (e.g. $.method[0].provider.url).
	Path string
	// Msg names what the schema calls the value and what is wrong with it.
	Msg string
}

// compiled is the schema ready to validate, with its raw document, where
// messages find titles.
type compiled struct {
	schema *jsonschema.Schema
	raw    any
}

// load compiles the embedded schema on first use.
var load = sync.OnceValue(func() *compiled {
	c, err := compile(document)
	if err != nil {
		panic("schema: the embedded schema does not compile: " + err.Error())
	}
	return c
})

// compile compiles a schema document, checking it against the draft
// 2020-12 metaschema. The embedded document is fixed at build time and
// tested, so load treats a failure as a bug.
func compile(doc []byte) (*compiled, error) {
	raw, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(ID, raw); err != nil {
		return nil, err
	}
	s, err := c.Compile(ID)
	if err != nil {
		return nil, err
	}
	return &compiled{schema: s, raw: raw}, nil
}

// Validate checks doc, a document of value types (*value.Object, []any,
// int64...), against the schema and returns its violations sorted by path,
// one per path: one message for one mistake.
func Validate(doc any) []Violation {
	c := load()
	err := c.schema.Validate(value.Plain(doc))
	verr, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return nil
	}
	var all []Violation
	c.leaves(verr, "", false, func(e *jsonschema.ValidationError, title string) {
		all = append(all, Violation{Path: jsonPath(doc, e.InstanceLocation), Msg: c.message(e, title)})
	})
	slices.SortFunc(all, func(a, b Violation) int {
		return cmp.Or(strings.Compare(a.Path, b.Path), strings.Compare(a.Msg, b.Msg))
	})
	return slices.CompactFunc(all, func(a, b Violation) bool { return a.Path == b.Path })
}

// leaves calls emit for each error without causes, with the title that
// names the failing value: the innermost titled schema that failed at that
// value, unless a titled $ref site above it names it ("Pause before"
// rather than the "Seconds" it refers to).
func (c *compiled) leaves(e *jsonschema.ValidationError, title string, pinned bool, emit func(*jsonschema.ValidationError, string)) {
	t, own := c.title(e.SchemaURL)
	if t != "" && !pinned {
		title = t
	}
	_, isRef := e.ErrorKind.(*kind.Reference)
	pinned = pinned || (isRef && own)
	if len(e.Causes) == 0 {
		emit(e, title)
		return
	}
	for _, cause := range e.Causes {
		if slices.Equal(cause.InstanceLocation, e.InstanceLocation) {
			c.leaves(cause, title, pinned, emit)
		} else {
			c.leaves(cause, "", false, emit)
		}
	}
}

// node returns the raw schema at a location such as ID#/$defs/provider
// (the schema nests schemas in objects only), or nil.
func (c *compiled) node(location string) map[string]any {
	_, frag, _ := strings.Cut(location, "#")
	m, _ := c.raw.(map[string]any)
	for _, tok := range strings.Split(frag, "/")[1:] {
		tok, _ = url.PathUnescape(tok)
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		m, _ = m[tok].(map[string]any)
	}
	return m
}

// inPlace matches the end of a location whose schema applies to the same
// value as the schema it is part of.
var inPlace = regexp.MustCompile(`/(then|else)$`)

// title returns the title of the schema at location, with own true, or
// else the title of the schema whose then or else it is, or "".
func (c *compiled) title(location string) (title string, own bool) {
	for own = true; ; own = false {
		if t, ok := c.node(location)["title"].(string); ok {
			return t, own
		}
		parent := inPlace.ReplaceAllString(location, "")
		if parent == location {
			return "", false
		}
		location = parent
	}
}

var printer = message.NewPrinter(language.English)

// message words a failed keyword for people: "HTTP header value: must be
// a string, a number or null, not a list".
func (c *compiled) message(e *jsonschema.ValidationError, title string) string {
	var detail string
	switch k := e.ErrorKind.(type) {
	case *kind.Type:
		want := make([]string, len(k.Want))
		for i, w := range k.Want {
			want[i] = typeNames[w]
		}
		detail = "must be " + orList(want) + ", not " + typeNames[k.Got]
	case *kind.Pattern:
		detail, _ = c.node(e.SchemaURL)["patternErrorMessage"].(string)
	}
	if detail == "" {
		detail = e.ErrorKind.LocalizedString(printer)
	}
	if title == "" {
		return detail
	}
	return title + ": " + detail
}

// typeNames words JSON Schema's types as the decoder's messages do.
var typeNames = map[string]string{
	"array": "a list", "object": "an object", "string": "a string", "number": "a number",
	"integer": "an integer", "boolean": "a boolean", "null": "null",
}

// orList joins "a", "b", "c" as "a, b or c".
func orList(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

// jsonPath turns an instance location into the JSONPath the decoder and
// value.Positions use, telling keys from indexes by walking doc.
func jsonPath(doc any, location []string) string {
	path, v := "$", doc
	for _, tok := range location {
		switch t := v.(type) {
		case *value.Object:
			v, _ = t.Get(tok)
			path = value.Key(path, tok)
		case []any:
			i, _ := strconv.Atoi(tok)
			v = t[i]
			path = value.Index(path, i)
		}
	}
	return path
}
