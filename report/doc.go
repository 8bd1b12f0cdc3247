// Package report shows what a run did: a terminal summary printed at the
// end of a run, and a self-contained HTML report with a zoomable timeline.
//
// Both are drawn from a Timeline, the run as a tree of rows: the
// steady-state hypothesis checks (before, after and each continuous
// iteration), the method, the rollbacks, their activities and, from a
// trace, any other span (a client call an extension traced, say) under its
// parent. A Timeline comes from a journal (FromJournal, ours or the Python
// Chaos Toolkit's), from the spans of a trace (ReadOTLPFile and FromSpans,
// for OTLP JSON files as the OpenTelemetry Collector's file exporter writes
// them), or from both (Timeline.MergeJournal: the spans give the timing,
// the journal the outputs and the verdict).
//
//	j, _ := journal.ReadFile("journal.json")
//	report.Summary(os.Stderr, j, report.SummaryOptions{Color: true})
//	report.HTML(f, report.FromJournal(j), report.HTMLOptions{Redact: report.SecretsRedactor(j.Experiment, os.LookupEnv)})
//
// The HTML file needs nothing but a browser: its CSS, script and data are
// inline, and it refers to no URL. Every string it shows from the run goes
// through HTMLOptions.Redact, and the experiment's configuration and
// secrets blocks are never shown.
package report
