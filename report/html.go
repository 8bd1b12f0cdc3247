package report

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"
)

// HTMLOptions shape the HTML report.
type HTMLOptions struct {
	// Title is the page title; the experiment's title when empty.
	Title string
	// Redact is applied to every string the page shows from the run
	// (names, outputs, reasons, attributes, the header), to hide
	// secrets; the identity when nil. SecretsRedactor makes one from an
	// experiment's secrets.
	Redact func(string) string
	// Generated is the time the report says it was made; now when zero.
	Generated time.Time
}

//go:embed assets/report.html.tmpl
var pageTemplate string

//go:embed assets/report.css
var pageCSS string

//go:embed assets/report.js
var pageJS string

//go:embed assets/errors.js
var errorsJS string

var page = template.Must(template.New("report").Parse(pageTemplate))

// HTML writes the timeline as one self-contained HTML page: its style,
// script and data are inline and it loads nothing, so it opens anywhere,
// offline, and can be attached to a ticket. The page has the experiment's
// header and verdict, a zoomable timeline of every phase, activity and
// span (overlaps, such as background activities and continuous hypothesis
// checks, on lanes of their own in the overview), failures in red, a
// panel with the details of the item clicked (status, reason, output,
// definition, attributes), and a table of every activity that needs no
// script.
func HTML(w io.Writer, tl *Timeline, opts HTMLOptions) error {
	red := opts.Redact
	if red == nil {
		red = identity
	}
	if tl == nil {
		tl = &Timeline{}
	}
	data := buildPage(tl, red)
	if opts.Title != "" {
		data.PageTitle = red(opts.Title)
	}
	data.Generated = opts.Generated
	if data.Generated.IsZero() {
		data.Generated = time.Now()
	}
	raw, err := json.Marshal(data.View)
	if err != nil {
		return fmt.Errorf("cannot encode the report's data: %w", err)
	}
	// json.Marshal already escapes <, > and &; escaping "/" too keeps
	// any URL in the run's data from reading as one in the page's text.
	data.Data = template.JS(bytes.ReplaceAll(raw, []byte("/"), []byte(`\/`)))
	data.CSS = template.CSS(pageCSS)
	data.Script = template.JS(pageJS)
	data.ErrorsScript = template.JS(errorsJS)
	var buf bytes.Buffer
	if err := page.Execute(&buf, data); err != nil {
		return fmt.Errorf("cannot render the report: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// pageData is what the template renders.
type pageData struct {
	PageTitle    string
	View         view
	Verdict      Verdict
	Start        string
	Duration     string
	Activities   int
	Failures     int
	Table        []tableRow
	Generated    time.Time
	Data         template.JS
	CSS          template.CSS
	Script       template.JS
	ErrorsScript template.JS
}

// view is the run as the page's script reads it: times in milliseconds
// from the start of the run, every string redacted.
type view struct {
	Title       string     `json:"title"`
	Description string     `json:"description,omitempty"`
	Tags        []string   `json:"tags,omitempty"`
	Verdict     string     `json:"verdict"`
	ExitCode    int        `json:"exitCode"`
	Meaning     string     `json:"meaning"`
	Start       string     `json:"start,omitempty"`
	StartMs     float64    `json:"startMs"`
	DurationMs  float64    `json:"durationMs"`
	Platform    string     `json:"platform,omitempty"`
	Node        string     `json:"node,omitempty"`
	Chaoslib    string     `json:"chaoslib,omitempty"`
	Service     string     `json:"service,omitempty"`
	TraceID     string     `json:"traceId,omitempty"`
	Sources     []string   `json:"sources,omitempty"`
	Rows        []viewRow  `json:"rows"`
	Activities  int        `json:"activities"`
	Failures    int        `json:"failures"`
	Meta        [][]string `json:"meta"`
}

type viewRow struct {
	ID          int         `json:"id"`
	Parent      int         `json:"parent"`
	Depth       int         `json:"depth"`
	Kind        Kind        `json:"kind"`
	Name        string      `json:"name"`
	Title       string      `json:"title,omitempty"`
	Phase       string      `json:"phase,omitempty"`
	Iteration   int         `json:"iteration,omitempty"`
	Type        string      `json:"type,omitempty"`
	Background  bool        `json:"background,omitempty"`
	Start       *float64    `json:"start"`
	End         *float64    `json:"end"`
	StartAt     string      `json:"startAt,omitempty"`
	Duration    string      `json:"duration,omitempty"`
	Status      Status      `json:"status"`
	Reason      string      `json:"reason,omitempty"`
	Met         *bool       `json:"met,omitempty"`
	Tolerance   *bool       `json:"tolerance,omitempty"`
	Output      string      `json:"output,omitempty"`
	Definition  string      `json:"definition,omitempty"`
	Exception   string      `json:"exception,omitempty"`
	Attributes  [][2]string `json:"attributes,omitempty"`
	Events      []viewEvent `json:"events,omitempty"`
	SpanID      string      `json:"spanId,omitempty"`
	HasChildren bool        `json:"hasChildren,omitempty"`
}

type viewEvent struct {
	Name       string      `json:"name"`
	At         float64     `json:"at"`
	Attributes [][2]string `json:"attributes,omitempty"`
}

// tableRow is a line of the table of activities under the chart.
type tableRow struct {
	ID       int
	Depth    int
	Phase    bool
	Name     string
	Type     string
	Where    string
	Offset   string
	Duration string
	Status   Status
	Label    string
	Reason   string
}

// statusLabel words a status for people.
func statusLabel(r *Row) string {
	switch r.Status {
	case StatusOK:
		if r.Kind == KindHypothesis {
			return "met"
		}
		return "succeeded"
	case StatusFailed:
		return "failed"
	case StatusMissed:
		if r.Kind == KindHypothesis {
			return "not met"
		}
		return "out of tolerance"
	case StatusInterrupted:
		return "interrupted"
	case StatusSkipped:
		return "not run"
	}
	return "unknown"
}

const timeLayout = "2006-01-02 15:04:05.000 UTC"

func buildPage(tl *Timeline, red func(string) string) *pageData {
	v := tl.Verdict()
	v.Word, v.Meaning = red(v.Word), red(capitalize(v.Meaning))
	d := &pageData{Verdict: v}
	d.PageTitle = red(tl.Title)
	if d.PageTitle == "" {
		d.PageTitle = "Chaos Toolkit run"
	}
	vw := view{
		Title: red(tl.Title), Description: red(tl.Description),
		Verdict: v.Word, ExitCode: v.ExitCode, Meaning: v.Meaning,
		DurationMs: ms(tl.Duration()),
		Platform:   red(tl.Platform), Node: red(tl.Node), Chaoslib: red(tl.ChaoslibVersion),
		Service: red(tl.Service), TraceID: tl.TraceID, Sources: tl.Sources,
		Rows: []viewRow{},
	}
	for _, t := range tl.Tags {
		vw.Tags = append(vw.Tags, red(t))
	}
	if !tl.Start.IsZero() {
		vw.Start = tl.Start.UTC().Format(timeLayout)
		vw.StartMs = float64(tl.Start.UnixMicro()) / 1000
		d.Start = vw.Start
	}
	d.Duration = formatDuration(tl.Duration())
	var add func(r *Row, parent, depth int, where string)
	add = func(r *Row, parent, depth int, where string) {
		id := len(vw.Rows)
		vr := viewRow{
			ID: id, Parent: parent, Depth: depth, Kind: r.Kind,
			Name: red(r.Name), Title: red(r.Title), Phase: red(r.Phase), Iteration: r.Iteration,
			Type: red(r.Type), Background: r.Background, Status: r.Status, Reason: red(r.Reason),
			Met: r.Met, Tolerance: r.ToleranceMet,
			Output: red(r.Output), Definition: red(r.Definition), Exception: red(r.Exception),
			SpanID: r.SpanID, HasChildren: len(r.Children) > 0,
		}
		if !r.Start.IsZero() && r.Status != StatusSkipped {
			s, e := ms(r.Start.Sub(tl.Start)), ms(r.End.Sub(tl.Start))
			vr.Start, vr.End = &s, &e
			vr.StartAt = r.Start.UTC().Format(timeLayout)
			vr.Duration = formatDuration(r.Duration())
		}
		for _, a := range r.Attributes {
			vr.Attributes = append(vr.Attributes, [2]string{red(a.Key), red(attrDisplay(a))})
		}
		for _, e := range r.Events {
			ve := viewEvent{Name: red(e.Name), At: ms(e.Time.Sub(tl.Start))}
			for _, a := range e.Attributes {
				ve.Attributes = append(ve.Attributes, [2]string{red(a.Key), red(attrDisplay(a))})
			}
			vr.Events = append(vr.Events, ve)
		}
		vw.Rows = append(vw.Rows, vr)
		if r.Kind == KindActivity {
			vw.Activities++
			if r.Failed() {
				vw.Failures++
			}
		}
		tr := tableRow{
			ID: id, Depth: depth, Phase: r.Kind != KindActivity && r.Kind != KindSpan,
			Name: vr.Name, Type: red(rowType(r)), Where: red(where),
			Duration: vr.Duration, Status: r.Status, Label: statusLabel(r), Reason: vr.Reason,
		}
		if vr.Start != nil {
			tr.Offset = "+" + formatDuration(r.Start.Sub(tl.Start))
		}
		d.Table = append(d.Table, tr)
		// The children of a phase are within it; those of an activity or
		// a span, within the activity's phase.
		inner := where
		if tr.Phase && inner == "" {
			inner = r.Name
		} else if tr.Phase {
			inner += " › " + r.Name
		}
		for _, c := range r.Children {
			add(c, id, depth+1, inner)
		}
	}
	for _, r := range tl.Rows {
		add(r, -1, 0, "")
	}
	vw.Meta = meta(tl, vw, red)
	d.Activities, d.Failures = vw.Activities, vw.Failures
	d.View = vw
	return d
}

// meta is the header's list of facts about the run.
func meta(tl *Timeline, vw view, red func(string) string) [][]string {
	var m [][]string
	add := func(k, v string) {
		if v != "" {
			m = append(m, []string{k, v})
		}
	}
	add("Started", vw.Start)
	add("Duration", formatDuration(tl.Duration()))
	add("Activities", fmt.Sprintf("%d, %d failed", vw.Activities, vw.Failures))
	add("Status", red(tl.Status))
	if tl.Status != "" {
		add("Deviated", fmt.Sprint(tl.Deviated))
	}
	add("Platform", vw.Platform)
	add("Node", vw.Node)
	add("chaoslib", vw.Chaoslib)
	add("Service", vw.Service)
	add("Trace", vw.TraceID)
	add("From", strings.Join(tl.Sources, " + "))
	return m
}

// rowType is the type column of the table.
func rowType(r *Row) string {
	switch r.Kind {
	case KindActivity:
		t := r.Type
		if t == "" {
			t = "activity"
		}
		if r.Background {
			t += " (background)"
		}
		return t
	case KindSpan:
		return "span"
	}
	return "phase"
}

// attrDisplay renders an attribute for the page, masking credentials.
func attrDisplay(a Attr) string {
	if IsSensitiveKey(a.Key) {
		return Redacted
	}
	return truncateText(AttrString(mask(a.Value)), MaxOutput)
}

func ms(d time.Duration) float64 {
	return float64(d.Microseconds()) / 1000
}
