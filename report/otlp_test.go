package report

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chaostracing/chaostracing/journal"
)

// refSpan is a span of a reference run's spans.json: the spans the
// Python extension exported, decoded.
type refSpan struct {
	Source       string                `json:"source"`
	Resource     map[string]any        `json:"resource"`
	Scope        struct{ Name string } `json:"scope"`
	TraceID      string                `json:"trace_id"`
	SpanID       string                `json:"span_id"`
	ParentSpanID string                `json:"parent_span_id"`
	Name         string                `json:"name"`
	Kind         string                `json:"kind"`
	Start        uint64                `json:"start_time_unix_nano"`
	End          uint64                `json:"end_time_unix_nano"`
	Attributes   json.RawMessage       `json:"attributes"`
	Status       struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"status"`
	Events []struct {
		Name       string          `json:"name"`
		Time       uint64          `json:"time_unix_nano"`
		Attributes json.RawMessage `json:"attributes"`
	} `json:"events"`
}

// toOTLP converts a reference run's spans.json into OTLP JSON lines, one
// export request per exported batch (its "source"), as the Collector's
// file exporter writes them; with protobuf set, ids are base64 and enums
// names, as a generic protobuf JSON encoder writes them.
func toOTLP(t *testing.T, path string, protobuf bool) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var spans []refSpan
	if err := json.Unmarshal(data, &spans); err != nil {
		t.Fatal(err)
	}
	id := func(h string) string {
		if h == "" || !protobuf {
			return h
		}
		b, err := hex.DecodeString(h)
		if err != nil {
			t.Fatal(err)
		}
		return base64.StdEncoding.EncodeToString(b)
	}
	kinds := map[string]int{"INTERNAL": 1, "SERVER": 2, "CLIENT": 3, "PRODUCER": 4, "CONSUMER": 5}
	codes := map[string]int{"UNSET": 0, "OK": 1, "ERROR": 2}
	var out bytes.Buffer
	var batches []string
	bySource := map[string][]refSpan{}
	for _, s := range spans {
		if _, ok := bySource[s.Source]; !ok {
			batches = append(batches, s.Source)
		}
		bySource[s.Source] = append(bySource[s.Source], s)
	}
	for _, src := range batches {
		var otlpSpans []any
		var res, scope any
		for _, s := range bySource[src] {
			res, scope = kvs(t, mustMarshal(t, s.Resource)), s.Scope.Name
			sp := map[string]any{
				"traceId": id(s.TraceID), "spanId": id(s.SpanID), "parentSpanId": id(s.ParentSpanID),
				"name": s.Name, "startTimeUnixNano": fmt.Sprint(s.Start), "endTimeUnixNano": fmt.Sprint(s.End),
				"attributes": kvs(t, s.Attributes),
			}
			if protobuf {
				sp["kind"] = "SPAN_KIND_" + s.Kind
				sp["status"] = map[string]any{"code": "STATUS_CODE_" + s.Status.Code, "message": s.Status.Message}
			} else {
				sp["kind"] = kinds[s.Kind]
				sp["status"] = map[string]any{"code": codes[s.Status.Code], "message": s.Status.Message}
			}
			var events []any
			for _, e := range s.Events {
				events = append(events, map[string]any{"name": e.Name, "timeUnixNano": fmt.Sprint(e.Time), "attributes": kvs(t, e.Attributes)})
			}
			sp["events"] = events
			otlpSpans = append(otlpSpans, sp)
		}
		line := map[string]any{"resourceSpans": []any{map[string]any{
			"resource":   map[string]any{"attributes": res},
			"scopeSpans": []any{map[string]any{"scope": map[string]any{"name": scope}, "spans": otlpSpans}},
		}}}
		out.Write(mustMarshal(t, line))
		out.WriteByte('\n')
	}
	return out.Bytes()
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// kvs converts a JSON object of attributes, in its order, to OTLP
// key-values.
func kvs(t *testing.T, raw json.RawMessage) []any {
	t.Helper()
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("attributes %s", raw)
	}
	var out []any
	for dec.More() {
		key, _ := dec.Token()
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, map[string]any{"key": key, "value": anyValue(v)})
	}
	return out
}

func anyValue(v any) map[string]any {
	switch t := v.(type) {
	case string:
		return map[string]any{"stringValue": t}
	case bool:
		return map[string]any{"boolValue": t}
	case json.Number:
		if strings.ContainsAny(t.String(), ".eE") {
			f, _ := t.Float64()
			return map[string]any{"doubleValue": f}
		}
		return map[string]any{"intValue": t.String()}
	case []any:
		vals := make([]any, len(t))
		for i, x := range t {
			vals[i] = anyValue(x)
		}
		return map[string]any{"arrayValue": map[string]any{"values": vals}}
	}
	return map[string]any{}
}

func writeTemp(t *testing.T, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "trace.jsonl")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReportReadOTLPEveryReferenceTrace(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(refRuns, "*", "spans.json"))
	if len(files) == 0 {
		t.Fatalf("no reference spans in %s", refRuns)
	}
	for _, f := range files {
		run := filepath.Base(filepath.Dir(f))
		for _, protobuf := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/protobuf=%v", run, protobuf), func(t *testing.T) {
				traces, err := ReadOTLPFile(writeTemp(t, toOTLP(t, f, protobuf)))
				if err != nil {
					t.Fatal(err)
				}
				if len(traces) != 1 {
					t.Fatalf("%d traces", len(traces))
				}
				var ref []refSpan
				data, _ := os.ReadFile(f)
				_ = json.Unmarshal(data, &ref)
				ids := map[string]bool{}
				activities := 0
				for _, s := range ref {
					if !ids[s.SpanID] && strings.HasPrefix(s.Name, "activity: ") {
						activities++
					}
					ids[s.SpanID] = true
				}
				tr := traces[0]
				if len(tr.Spans) != len(ids) || tr.ID != ref[0].TraceID {
					t.Fatalf("%d spans in trace %s, want %d in %s (each once)", len(tr.Spans), tr.ID, len(ids), ref[0].TraceID)
				}
				for _, s := range tr.Spans {
					if s.Start.IsZero() || s.End.Before(s.Start) || s.Kind != "internal" || s.StatusCode != "unset" {
						t.Errorf("span %s: %v %v %q %q", s.Name, s.Start, s.End, s.Kind, s.StatusCode)
					}
				}
				tl := tr.Timeline()
				acts := tl.Activities()
				if len(acts) != activities {
					t.Errorf("%d activity rows, want %d", len(acts), activities)
				}
				j := readJournal(t, filepath.Join(filepath.Dir(f), "journal.json"))
				if tl.Title != j.Experiment.String("title") || tl.Status != j.Status || tl.Deviated != j.Deviated {
					t.Errorf("header %q %q %v", tl.Title, tl.Status, tl.Deviated)
				}
				checkAgainstJournal(t, tl, j, false)
				tl.MergeJournal(j)
				checkAgainstJournal(t, tl, j, true)
			})
		}
	}
}

// checkAgainstJournal compares a timeline built from spans with the
// journal of the same run: the same activities, in the same phases,
// with the same verdicts (the reference spans hold everything the
// journal does but the tolerance verdicts, which the timeline infers).
func checkAgainstJournal(t *testing.T, tl *Timeline, j *journal.Journal, merged bool) {
	t.Helper()
	section := func(r *Row) []*journal.Record {
		switch {
		case r.Kind == KindMethod:
			return j.Run
		case r.Kind == KindRollbacks:
			return j.Rollbacks
		case r.Kind == KindHypothesis && r.Phase == PhaseBefore && j.SteadyStates.Before != nil:
			return j.SteadyStates.Before.Probes
		case r.Kind == KindHypothesis && r.Phase == PhaseAfter && j.SteadyStates.After != nil:
			return j.SteadyStates.After.Probes
		}
		return nil
	}
	for _, phase := range tl.Rows {
		if phase.Kind == KindRollbacks && len(phase.Children) == 0 && len(j.Rollbacks) == 0 {
			continue // the Python extension exports a span for rollbacks with none to run
		}
		if phase.Status == StatusSkipped {
			if !merged {
				t.Errorf("skipped phase %s from spans alone", phase.Name)
			}
			continue
		}
		recs := section(phase)
		var want []string
		for _, r := range recs {
			want = append(want, r.Activity.String("name"))
		}
		got := names(phase.Children)
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s: activities %v, journal %v", phase.Name, got, want)
			continue
		}
		used := make([]bool, len(recs))
		for _, a := range phase.Children {
			for i, rec := range recs {
				if used[i] || rec.Activity.String("name") != a.Name {
					continue
				}
				used[i] = true
				if merged {
					checkActivity(t, a, rec)
					if a.Output != prettyValue(rec.Output) {
						t.Errorf("%s: output %q, journal %q", a.Name, a.Output, prettyValue(rec.Output))
					}
				} else if rec.Failed() != (a.Status == StatusFailed) {
					t.Errorf("%s: status %q, journal %q", a.Name, a.Status, rec.Status)
				}
				if !merged && rec.Failed() && !strings.HasSuffix(strings.TrimSpace(rec.Exception[len(rec.Exception)-1]), a.Reason) {
					t.Errorf("%s: reason %q", a.Name, a.Reason)
				}
				if !merged && rec.ToleranceMet != nil && !*rec.ToleranceMet && !rec.Failed() && a.Status != StatusMissed {
					t.Errorf("%s: the probe that missed is %q", a.Name, a.Status)
				}
				break
			}
		}
	}
	v := tl.Verdict()
	want := FromJournal(j).Verdict()
	if v.Word != want.Word || v.ExitCode != want.ExitCode {
		t.Errorf("verdict %+v, from the journal %+v", v, want)
	}
	if merged {
		var got, fromJournal []string
		for _, r := range tl.Rows {
			if r.Kind != KindRollbacks || len(r.Children) > 0 || len(j.Rollbacks) > 0 || r.Status == StatusSkipped {
				got = append(got, r.Name+":"+string(r.Status))
			}
		}
		for _, r := range FromJournal(j).Rows {
			fromJournal = append(fromJournal, r.Name+":"+string(r.Status))
		}
		if !slices.Equal(got, fromJournal) {
			t.Errorf("phases %v, from the journal %v", got, fromJournal)
		}
	}
}

func TestReportReadOTLPCollectorFileExporter(t *testing.T) {
	traces, err := ReadOTLPFile("testdata/collector-file-exporter.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if len(traces) != 1 || len(traces[0].Spans) != 10 {
		t.Fatalf("%d traces", len(traces))
	}
	tl := traces[0].Timeline()
	if tl.Title != "Search keeps answering when a cache node dies" || tl.Service != "chaostracing" || tl.Status != "completed" || !tl.Deviated {
		t.Errorf("header %+v", tl)
	}
	if v := tl.Verdict(); v.Word != VerdictDeviated || v.ExitCode != 1 {
		t.Errorf("verdict %+v", v)
	}
	var probe, get, kill, load, after *Row
	tl.Walk(func(r *Row, depth int) bool {
		switch {
		case r.Name == "search-answers" && r.Phase == PhaseBefore:
			probe = r
		case r.Name == "search-answers" && r.Phase == PhaseAfter:
			after = r
		case r.Name == "GET":
			get = r
			if depth != 2 {
				t.Errorf("GET at depth %d", depth)
			}
		case r.Name == "kill-cache-node":
			kill = r
		case r.Name == "query-load":
			load = r
		}
		return true
	})
	if probe == nil || len(probe.Children) != 1 || probe.Children[0] != get || get.Kind != KindSpan {
		t.Fatalf("the client span is not under its activity: %+v", probe)
	}
	if probe.Type != "probe" || probe.Status != StatusOK || probe.ToleranceMet == nil || !*probe.ToleranceMet || !strings.Contains(probe.Output, `"hits": 12`) {
		t.Errorf("probe %+v", probe)
	}
	if len(probe.Events) != 1 || probe.Events[0].Name != "tolerance" {
		t.Errorf("events %+v", probe.Events)
	}
	if kill.Status != StatusFailed || kill.Reason != `kubectl: pods "cache-2" not found` {
		t.Errorf("kill %q %q", kill.Status, kill.Reason)
	}
	if !load.Background || load.Type != "action" || load.Status != StatusOK {
		t.Errorf("background %+v", load)
	}
	if after.Status != StatusMissed || after.Reason != "tolerance not met" {
		t.Errorf("after %q %q", after.Status, after.Reason)
	}
	if v, ok := attrValue(get.Attributes, "http.response.status_code"); !ok || v != int64(200) {
		t.Errorf("attributes %+v", get.Attributes)
	}
}

func TestReportParseOTLPForms(t *testing.T) {
	span := func(trace, id, parent, name string) string {
		return fmt.Sprintf(`{"traceId":%q,"spanId":%q,"parentSpanId":%q,"name":%q,"kind":"SPAN_KIND_CLIENT","startTimeUnixNano":1000000000,"endTimeUnixNano":"2000000000","status":{"code":"STATUS_CODE_ERROR","message":"boom"},"attributes":[{"key":"n","value":{"intValue":"-3"}},{"key":"l","value":{"kvlistValue":{"values":[{"key":"a","value":{"doubleValue":1.5}}]}}},{"key":"b","value":{"bytesValue":"AAE="}}]}`, trace, id, parent, name)
	}
	hexTrace, hexSpan := "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331"
	b64Trace, b64Span := "CvdlGRbNQ92ESOshHIAxnA==", "t61rcWkgMzE="
	doc := func(spans ...string) string {
		return `{"resourceSpans":[{"resource":{},"instrumentationLibrarySpans":[{"instrumentationLibrary":{"name":"old"},"spans":[` + strings.Join(spans, ",") + `]}]}]}`
	}
	for name, input := range map[string]string{
		"lines":    doc(span(hexTrace, hexSpan, "", "a")) + "\n" + doc(span(hexTrace, hexSpan, "", "a")) + "\n",
		"indented": "{\n  \"resourceSpans\": " + strings.TrimPrefix(strings.TrimSuffix(doc(span(b64Trace, b64Span, "AAAAAAAAAAA=", "a")), "}"), `{"resourceSpans":`) + "\n}\n",
		"array":    "[" + doc(span(strings.ToUpper(hexTrace), hexSpan, "", "a")) + "]",
	} {
		t.Run(name, func(t *testing.T) {
			traces, err := ParseOTLP(strings.NewReader(input))
			if err != nil {
				t.Fatal(err)
			}
			if len(traces) != 1 || traces[0].ID != hexTrace || len(traces[0].Spans) != 1 {
				t.Fatalf("traces %+v", traces)
			}
			s := traces[0].Spans[0]
			if s.SpanID != hexSpan || s.ParentID != "" || s.Kind != "client" || s.StatusCode != "error" || s.StatusMessage != "boom" || s.Scope != "old" {
				t.Errorf("span %+v", s)
			}
			if !s.Start.Equal(time.Unix(1, 0)) || !s.End.Equal(time.Unix(2, 0)) {
				t.Errorf("times %v %v", s.Start, s.End)
			}
			if v, _ := s.Attr("n"); v != int64(-3) {
				t.Errorf("intValue %v", v)
			}
			if v, _ := s.Attr("l"); AttrString(v) != `{"a":1.5}` {
				t.Errorf("kvlist %s", AttrString(v))
			}
			if v, _ := s.Attr("b"); AttrString(v) != "AAE=" {
				t.Errorf("bytes %s", AttrString(v))
			}
			tl := FromSpans(traces[0].Spans)
			if len(tl.Rows) != 1 || tl.Rows[0].Kind != KindSpan || tl.Rows[0].Status != StatusFailed || tl.Rows[0].Reason != "boom" {
				t.Errorf("rows %+v", tl.Rows)
			}
		})
	}
}

func TestReportParseOTLPErrors(t *testing.T) {
	for input, want := range map[string]string{
		"":                              "no spans found",
		`{"resourceSpans":[]}`:          "no spans found",
		"{\"resourceSpans\":[]}\n{nope": "line 2",
		`{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"xyz","spanId":"b7ad6b7169203331"}]}]}]}`:                  "bad traceId",
		`{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad"}]}]}]}`: "bad spanId",
		`{"resourceSpans":"x"}`: "not an OTLP JSON trace export",
	} {
		_, err := ParseOTLP(strings.NewReader(input))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", input, err, want)
		}
	}
	if _, err := ReadOTLPFile("testdata/nonexistent.jsonl"); err == nil || !strings.Contains(err.Error(), "cannot read trace file") {
		t.Errorf("missing file: %v", err)
	}
}

func TestReportDecodeID(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		size     int
		bad      bool
	}{
		{"", "", 8, false},
		{"0000000000000000", "", 8, false},
		{"B7AD6B7169203331", "b7ad6b7169203331", 8, false},
		{"t61rcWkgMzE=", "b7ad6b7169203331", 8, false},
		{"t61rcWkgMzE", "b7ad6b7169203331", 8, false},
		{"CvdlGRbNQ92ESOshHIAxnA==", "0af7651916cd43dd8448eb211c80319c", 16, false},
		{"zz", "", 8, true},
		{"t61rcWkgMzE=", "", 16, true},
	} {
		got, err := decodeID(tc.in, tc.size)
		if (err != nil) != tc.bad || got != tc.want {
			t.Errorf("decodeID(%q, %d) = %q, %v", tc.in, tc.size, got, err)
		}
	}
}

func TestReportMergeJournalTakesOutputsAndVerdict(t *testing.T) {
	traces, err := ReadOTLPFile(writeTemp(t, toOTLP(t, filepath.Join(refRuns, "deviated-traced", "spans.json"), false)))
	if err != nil {
		t.Fatal(err)
	}
	j := readJournal(t, filepath.Join(refRuns, "deviated-traced", "journal.json"))
	tl := traces[0].Timeline()
	start := tl.Start
	tl.MergeJournal(j)
	if !slices.Equal(tl.Sources, []string{"trace", "journal"}) || !tl.Start.Equal(start) {
		t.Errorf("sources %v, start %v (spans said %v)", tl.Sources, tl.Start, start)
	}
	after := tl.phase(KindHypothesis, PhaseAfter)
	if after.Status != StatusMissed || after.Children[0].ToleranceMet == nil || *after.Children[0].ToleranceMet {
		t.Errorf("after %+v", after)
	}
	if tl.Description != j.Experiment.String("description") || !strings.Contains(after.Children[0].Definition, `"tolerance"`) {
		t.Errorf("the journal's header and definitions are missing")
	}
	if after.Title == "" {
		t.Error("the hypothesis title is missing")
	}
}

// The trace fixture the functional tests use is the errors-traced
// reference run's spans, converted by toOTLP.
func TestReportErrorsTracedFixture(t *testing.T) {
	want := toOTLP(t, filepath.Join(refRuns, "errors-traced", "spans.json"), false)
	got, err := os.ReadFile("testdata/errors-traced.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("testdata/errors-traced.jsonl is not toOTLP of the reference spans")
	}
}
