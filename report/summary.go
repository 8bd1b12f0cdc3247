package report

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/chaostracing/chaostracing/journal"
)

// SummaryOptions shape the terminal summary.
type SummaryOptions struct {
	// Width is the number of columns no line exceeds; 80 when 0, 40 at
	// least.
	Width int
	// Color colours the verdict, the bars and the marks (green, red,
	// yellow) with ANSI escapes; set it only for a terminal, and not when
	// NO_COLOR is set.
	Color bool
}

// Marks ending each line of the summary; none is double width.
const (
	markOK      = "✓"
	markFailed  = "✗"
	markSkipped = "•"
)

// Bar cells: activities are solid, background activities shaded, phases
// a line.
const (
	cellActivity   = "█"
	cellBackground = "▒"
	cellPhase      = "━"
)

const (
	ansiGreen  = "\x1b[32m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiBold   = "\x1b[1m"
	ansiReset  = "\x1b[0m"
)

// maxIterationsShown bounds the continuous iterations the summary lists:
// only those that missed, and at most this many.
const maxIterationsShown = 3

// Summary writes the end-of-run summary of a journal: the verdict with
// what the exit code means, then a waterfall of the hypothesis checks,
// the method, the rollbacks and their activities, each with a bar placed
// on the run's duration, its duration and a mark (✓ succeeded, ✗ failed
// or out of tolerance, • skipped or interrupted), and under each failure
// its reason. No line is wider than opts.Width columns.
func Summary(w io.Writer, j *journal.Journal, opts SummaryOptions) error {
	return FromJournal(j).WriteSummary(w, opts)
}

// WriteSummary writes the timeline's summary as Summary does.
func (tl *Timeline) WriteSummary(w io.Writer, opts SummaryOptions) error {
	s := &summary{tl: tl, opts: opts, width: opts.Width}
	if s.width == 0 {
		s.width = 80
	}
	s.width = max(s.width, 40)
	s.nameW = min(max(s.width*3/10, 16), 36)
	s.barW = s.width - s.nameW - 11
	s.write()
	_, err := io.WriteString(w, s.b.String())
	return err
}

type summary struct {
	tl          *Timeline
	opts        SummaryOptions
	width       int
	nameW, barW int
	b           strings.Builder
	total       time.Duration
}

func (s *summary) paint(color, text string) string {
	if !s.opts.Color || color == "" || text == "" {
		return text
	}
	return color + text + ansiReset
}

func (s *summary) line(text string) {
	s.b.WriteString(text)
	s.b.WriteByte('\n')
}

func (s *summary) write() {
	tl := s.tl
	v := tl.Verdict()
	mark, color := markFailed, ansiRed
	switch {
	case v.Good():
		mark, color = markOK, ansiGreen
	case v.Word == VerdictInterrupted || v.Word == VerdictAborted || v.Word == VerdictUnknown:
		mark, color = markSkipped, ansiYellow
	}
	exit := ""
	if v.ExitCode >= 0 {
		exit = fmt.Sprintf(" (exit code %d)", v.ExitCode)
	}
	head := fmt.Sprintf("%s Experiment %s%s", mark, v.Word, exit)
	s.line(s.paint(ansiBold+color, head))
	for _, l := range wrap(capitalize(v.Meaning)+".", s.width-2) {
		s.line("  " + l)
	}
	if tl.Title != "" {
		s.line("  " + truncate(oneLine(tl.Title), s.width-2))
	}
	var info []string
	if !tl.Start.IsZero() {
		info = append(info, "started "+tl.Start.UTC().Format("2006-01-02 15:04:05")+" UTC")
	}
	info = append(info, "took "+formatDuration(tl.Duration()))
	acts := tl.Activities()
	failed := 0
	for _, a := range acts {
		if a.Failed() {
			failed++
		}
	}
	info = append(info, fmt.Sprintf("%d %s, %d failed", len(acts), plural(len(acts), "activity", "activities"), failed))
	for _, l := range wrap(strings.Join(info, " · "), s.width-2) {
		s.line("  " + l)
	}
	s.line("")
	s.total = tl.Duration()
	for _, r := range tl.Rows {
		s.row(r, 0)
	}
}

// row writes a row, the reason it failed, and its children.
func (s *summary) row(r *Row, depth int) {
	indent := strings.Repeat("  ", depth)
	name := truncate(indent+oneLine(r.Name), s.nameW)
	name += strings.Repeat(" ", s.nameW-utf8.RuneCountInString(name))
	bar, dur := strings.Repeat(" ", s.barW), "-"
	if r.Status != StatusSkipped && !r.Start.IsZero() {
		bar = s.bar(r)
		dur = formatDuration(r.Duration())
	}
	mark, color := s.mark(r)
	s.line(name + " " + bar + " " + fmt.Sprintf("%7s", dur) + " " + s.paint(color, mark))
	reason := r.Reason
	if reason == "" && r.Status == StatusSkipped {
		reason = "not run"
	}
	if reason != "" && (r.Failed() || r.Status == StatusSkipped || r.Status == StatusInterrupted) && !childShows(r) {
		pad := indent + "    "
		for _, l := range wrapLines(reason, s.width-utf8.RuneCountInString(pad), 3) {
			s.line(pad + s.paint(color, l))
		}
	}
	children := r.Children
	if r.Kind == KindHypothesis && r.Phase == PhaseContinuous && r.Iteration == 0 {
		children = s.iterations(r, depth)
	}
	for _, c := range children {
		s.row(c, depth+1)
	}
}

// childShows reports whether a child of the row shows why it failed,
// which then says it better than the row would: the probe that missed
// under its hypothesis, the interrupted activity under its phase.
func childShows(r *Row) bool {
	if r.Kind == KindHypothesis && r.Phase == PhaseContinuous && r.Iteration == 0 {
		return true // the line counting the iterations says it
	}
	for _, c := range r.Children {
		if c.Failed() || c.Status == StatusInterrupted {
			return true
		}
	}
	return false
}

// iterations picks the iterations of a continuous hypothesis worth a
// line (those that missed, a few) and says how many are left out.
func (s *summary) iterations(r *Row, depth int) []*Row {
	var shown []*Row
	missed := 0
	for _, it := range r.Children {
		if it.Failed() || it.Status == StatusInterrupted {
			missed++
			if len(shown) < maxIterationsShown {
				shown = append(shown, it)
			}
		}
	}
	pad := strings.Repeat("  ", depth+1) + "  "
	note := fmt.Sprintf("%d %s", len(r.Children), plural(len(r.Children), "iteration", "iterations"))
	switch {
	case missed == 0:
		note += ", all met the steady state"
	case missed > len(shown):
		note += fmt.Sprintf(", %d not met; the first %d:", missed, len(shown))
	default:
		note += fmt.Sprintf(", %d not met:", missed)
	}
	s.line(truncate(pad+note, s.width))
	return shown
}

// bar draws the row's time span on the run's duration.
func (s *summary) bar(r *Row) string {
	cells := make([]string, s.barW)
	for i := range cells {
		cells[i] = " "
	}
	from, to := 0, 1
	if s.total > 0 {
		scale := float64(s.barW) / float64(s.total)
		from = int(float64(r.Start.Sub(s.tl.Start)) * scale)
		to = int(float64(r.End.Sub(s.tl.Start))*scale + 0.999)
	}
	from = min(max(from, 0), s.barW-1)
	to = min(max(to, from+1), s.barW)
	cell := cellActivity
	switch {
	case r.Kind != KindActivity && r.Kind != KindSpan:
		cell = cellPhase
	case r.Background:
		cell = cellBackground
	}
	for i := from; i < to; i++ {
		cells[i] = cell
	}
	_, color := s.mark(r)
	if r.Kind != KindActivity && r.Kind != KindSpan {
		color = ""
	}
	return strings.Join(cells[:from], "") + s.paint(color, strings.Join(cells[from:to], "")) + strings.Join(cells[to:], "")
}

// mark is the row's status mark and its colour.
func (s *summary) mark(r *Row) (string, string) {
	switch r.Status {
	case StatusFailed, StatusMissed:
		return markFailed, ansiRed
	case StatusInterrupted, StatusSkipped:
		return markSkipped, ansiYellow
	case StatusOK:
		return markOK, ansiGreen
	}
	return " ", ""
}

// formatDuration writes a duration in at most 7 columns.
func formatDuration(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case d < 100*time.Microsecond:
		return "<0.1 ms"
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.1f ms", ms)
	case d < time.Second:
		return fmt.Sprintf("%.0f ms", ms)
	case d < 10*time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	case d < time.Minute:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}

// oneLine turns line breaks and tabs into spaces, and trims.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// truncate cuts s to at most n runes, ending with "…" when cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n <= 1 {
		return string([]rune(s)[:max(n, 0)])
	}
	return string([]rune(s)[:n-1]) + "…"
}

// wrap breaks text into lines of at most n runes at spaces; words longer
// than n are cut.
func wrap(text string, n int) []string {
	var lines []string
	cur := ""
	for _, word := range strings.Fields(text) {
		for utf8.RuneCountInString(word) > n {
			if cur != "" {
				lines = append(lines, cur)
				cur = ""
			}
			r := []rune(word)
			lines = append(lines, string(r[:n]))
			word = string(r[n:])
		}
		switch {
		case cur == "":
			cur = word
		case utf8.RuneCountInString(cur)+1+utf8.RuneCountInString(word) <= n:
			cur += " " + word
		default:
			lines = append(lines, cur)
			cur = word
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// wrapLines wraps text into at most maxLines lines, the last one ending
// with "…" when text was left out.
func wrapLines(text string, n, maxLines int) []string {
	lines := wrap(oneLine(text), n)
	if len(lines) > maxLines {
		lines = lines[:maxLines]
		lines[maxLines-1] = truncate(lines[maxLines-1]+" …", n)
		if !strings.HasSuffix(lines[maxLines-1], "…") {
			lines[maxLines-1] = truncate(lines[maxLines-1], n-1) + "…"
		}
	}
	return lines
}

func capitalize(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return strings.ToUpper(string(r)) + s[size:]
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
