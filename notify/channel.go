package notify

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/internal/redact"
	"github.com/chaostracing/chaostracing/settings"
	"github.com/chaostracing/chaostracing/value"
)

// Events of the run and validate flows, which chaostracing sends.
const (
	RunStarted        = "run-started"
	RunCompleted      = "run-completed"
	RunFailed         = "run-failed"
	RunDeviated       = "run-deviated"
	ValidateStarted   = "validate-started"
	ValidateCompleted = "validate-completed"
	ValidateFailed    = "validate-failed"
)

// Events are the event names a notification may list: those chaostracing
// sends, and the Python tool's discovery and init events, which a
// settings file shared with it may name.
var Events = []string{
	RunStarted, RunCompleted, RunFailed, RunDeviated,
	ValidateStarted, ValidateCompleted, ValidateFailed,
	"discovery-started", "discovery-completed", "discovery-failed",
	"init-started", "init-completed", "init-failed",
}

// TraceIDPlaceholder is replaced by the run's trace id in a trace link
// template.
const TraceIDPlaceholder = "{trace_id}"

// Channel is one notification endpoint.
type Channel struct {
	// URL is the endpoint, http or https.
	URL string
	// Header is sent with every request.
	Header http.Header
	// VerifyTLS checks the endpoint's certificate.
	VerifyTLS bool
	// ForwardPayload POSTs the event as JSON; without it the endpoint
	// gets a GET without a body, as in the Python tool.
	ForwardPayload bool
	// Events are the names of the events the endpoint wants; none means
	// every event.
	Events []string
	// TraceURL is the template of the link to the run's trace, with
	// TraceIDPlaceholder where the trace id goes; "" sends no link.
	TraceURL string
}

// wants reports whether the endpoint wants the event.
func (c *Channel) wants(name string) bool {
	return len(c.Events) == 0 || slices.Contains(c.Events, name)
}

// traceLink returns the link to a trace, "" without a template or trace.
func (c *Channel) traceLink(traceID string) string {
	if c.TraceURL == "" || traceID == "" {
		return ""
	}
	return strings.ReplaceAll(c.TraceURL, TraceIDPlaceholder, traceID)
}

// FromSettings returns the endpoints of the settings' notifications:
// entries {type: http, url, headers, verify_tls, forward_event_payload,
// events, trace_url}, whose trace_url defaults to the settings'
// chaostracing.trace_url. An entry it cannot use (not http, no valid URL,
// a key of the wrong type) is left out with a warning; an unknown event
// name, or a trace link template without TraceIDPlaceholder, only warns.
// Each warning is located as file:line:col and never shows a header's
// value or the URL's credentials.
func FromSettings(s *settings.Settings) ([]Channel, []string) {
	if s == nil || s.Doc == nil {
		return nil, nil
	}
	d := &decoder{ps: &experiment.Problems{Positions: s.Positions}}
	defaultLink := d.traceURL(s.Doc.Object("chaostracing"), "$.chaostracing", "", d.ps.Addf)
	raw, _ := s.Doc.Get("notifications")
	list, ok := raw.([]any)
	if raw != nil && !ok {
		d.ps.Addf("$.notifications", "notifications must be a list, not %s; no notification is sent", value.TypeName(raw))
	}
	var channels []Channel
	for i, entry := range list {
		if c, ok := d.channel(entry, value.Index("$.notifications", i), defaultLink); ok {
			channels = append(channels, c)
		}
	}
	return channels, d.warnings(s.Path)
}

// decoder reads notification entries, collecting their problems.
type decoder struct {
	ps      *experiment.Problems
	skipped bool // the current entry is left out
}

// skip records a problem that leaves the current entry out.
func (d *decoder) skip(path, format string, args ...any) {
	d.skipped = true
	d.ps.Addf(path, format+"; this notification is skipped", args...)
}

// warnings returns the problems as messages located in file, nil when
// there are none.
func (d *decoder) warnings(file string) []string {
	experiment.SortProblems(d.ps.List)
	var out []string
	for _, p := range d.ps.List {
		loc := file
		if p.Pos.Line > 0 {
			loc += ":" + p.Pos.String()
		}
		out = append(out, loc+": "+p.Path+": "+p.Msg)
	}
	return out
}

// channel decodes one entry.
func (d *decoder) channel(entry any, at, defaultLink string) (Channel, bool) {
	d.skipped = false
	o, ok := entry.(*value.Object)
	if !ok {
		d.skip(at, "a notification must be an object, not %s", value.TypeName(entry))
		return Channel{}, false
	}
	if !d.httpType(o, at) {
		return Channel{}, false
	}
	c := Channel{
		URL:            d.url(o, at),
		Header:         d.header(o, value.Key(at, "headers")),
		VerifyTLS:      d.boolean(o, at, "verify_tls"),
		ForwardPayload: d.boolean(o, at, "forward_event_payload"),
		Events:         d.events(o, value.Key(at, "events")),
		TraceURL:       d.traceURL(o, at, defaultLink, d.skip),
	}
	return c, !d.skipped
}

// httpType checks the entry's type: http; plugin is not supported.
func (d *decoder) httpType(o *value.Object, at string) bool {
	t, _ := o.Get("type")
	switch t {
	case "http":
		return true
	case "plugin":
		d.skip(value.Key(at, "type"), "notification plugins (python functions) are not supported yet")
	case nil:
		d.skip(at, "a notification requires a type: http")
	default:
		d.skip(value.Key(at, "type"), "unknown notification type %s: use http", describe(t))
	}
	return false
}

// url checks the endpoint: an http or https URL with a host.
func (d *decoder) url(o *value.Object, at string) string {
	raw, _ := o.Get("url")
	s, _ := raw.(string)
	path := value.Key(at, "url")
	if s == "" {
		d.skip(at, "an http notification requires a url (a non-empty string)")
		return ""
	}
	u, err := url.Parse(s)
	if err != nil {
		d.skip(path, "invalid url: %s", redact.Cause(err))
		return ""
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		d.skip(path, "invalid url %s: an http or https URL with a host is required", redact.URL(u))
	}
	return s
}

// header reads the headers, an object of strings.
func (d *decoder) header(o *value.Object, at string) http.Header {
	raw, _ := o.Get("headers")
	if raw == nil {
		return http.Header{}
	}
	obj, ok := raw.(*value.Object)
	if !ok {
		d.skip(at, "headers must be an object, not %s", value.TypeName(raw))
		return nil
	}
	h := http.Header{}
	for _, k := range obj.Keys() {
		v, _ := obj.Get(k)
		s, ok := v.(string)
		if !ok {
			d.skip(value.Key(at, k), "the value of header '%s' must be a string, not %s", k, value.TypeName(v))
			continue
		}
		h.Set(k, s)
	}
	return h
}

// boolean reads a flag that defaults to true.
func (d *decoder) boolean(o *value.Object, at, key string) bool {
	raw, ok := o.Get(key)
	if !ok {
		return true
	}
	b, ok := raw.(bool)
	if !ok {
		d.skip(value.Key(at, key), "%s must be true or false, not %s", key, value.TypeName(raw))
	}
	return b
}

// events reads the event names, warning about names no tool sends.
func (d *decoder) events(o *value.Object, at string) []string {
	raw, _ := o.Get("events")
	if raw == nil {
		return nil
	}
	list, ok := raw.([]any)
	if !ok {
		d.skip(at, "events must be a list of event names, not %s", value.TypeName(raw))
		return nil
	}
	names := make([]string, 0, len(list))
	for i, x := range list {
		name, ok := x.(string)
		switch {
		case !ok:
			d.skip(value.Index(at, i), "an event name must be a string, not %s", value.TypeName(x))
		case !slices.Contains(Events, name):
			d.ps.Addf(value.Index(at, i), "unknown event '%s', which is never sent; events are %s", name, strings.Join(Events, ", "))
		}
		names = append(names, name)
	}
	return names
}

// traceURL reads a trace link template, at o's trace_url, else def;
// bad records a value of the wrong type.
func (d *decoder) traceURL(o *value.Object, at, def string, bad func(path, format string, args ...any)) string {
	raw, ok := o.Get("trace_url")
	if !ok || raw == nil {
		return def
	}
	path := value.Key(at, "trace_url")
	s, ok := raw.(string)
	if !ok {
		bad(path, "trace_url must be a string, not %s", value.TypeName(raw))
		return def
	}
	if !strings.Contains(s, TraceIDPlaceholder) {
		d.ps.Addf(path, "trace_url has no %s: every notification links to the same page", TraceIDPlaceholder)
	}
	return s
}

// describe names a value for messages: a string quoted, else its type.
func describe(v any) string {
	if s, ok := v.(string); ok {
		return "'" + s + "'"
	}
	return value.TypeName(v)
}
