package journal

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chaostracing/chaostracing/value"
)

func TestReadWriteRoundTripOfPythonJournals(t *testing.T) {
	files, _ := filepath.Glob("../../shared/ctk/reference/runs/*/journal.json")
	if len(files) == 0 {
		t.Fatal("no reference journals")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		j, err := Parse(data)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		var out bytes.Buffer
		if err := j.Encode(&out); err != nil {
			t.Fatal(err)
		}
		// Timestamps, durations and every record field survive: the
		// re-encoded journal is the same document.
		orig, _, _ := value.ParseJSON(data)
		again, _, err := value.ParseJSON(out.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if !value.Equal(orig, again) {
			t.Errorf("%s: journal changed through Parse and Encode:\n%s", f, out.String())
		}
	}
}

func TestRecordKeysAndOrder(t *testing.T) {
	start := time.Date(2026, 1, 2, 3, 4, 5, 123456000, time.UTC)
	met := false
	r := &Record{Activity: value.NewObject("name", "a"), Start: start, Status: ActivityFailed,
		Exception: ExceptionLines("boom", "detail"), ToleranceMet: &met}
	r.Finish(start.Add(1500 * time.Microsecond))
	got := r.Value().Keys()
	want := "activity,output,start,status,exception,end,duration,tolerance_met"
	if strings.Join(got, ",") != want {
		t.Errorf("keys %v, want %s", got, want)
	}
	if r.Duration != 0.0015 {
		t.Errorf("duration %v", r.Duration)
	}
	exc, _ := r.Value().Get("exception")
	if lines := exc.([]any); lines[len(lines)-1] != "chaoslib.exceptions.ActivityFailed: boom\n" || lines[0] != "detail\n" {
		t.Errorf("exception %v", lines)
	}
	interrupted := (&Record{Activity: value.NewObject(), Start: start}).Value()
	if interrupted.Has("status") || interrupted.Has("end") || interrupted.Has("tolerance_met") {
		t.Errorf("interrupted record keys %v", interrupted.Keys())
	}
}

func TestTimeFormatLikePythonIsoformat(t *testing.T) {
	tests := map[time.Time]string{
		time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC):             "2026-01-02T03:04:05.123456+00:00",
		time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC):                     "2026-01-02T03:04:05+00:00",
		time.Date(2026, 1, 2, 4, 4, 5, 1000, time.FixedZone("x", 3600)): "2026-01-02T03:04:05.000001+00:00",
	}
	for in, want := range tests {
		if got := TimeFormat(in); got != want {
			t.Errorf("TimeFormat(%v) = %s, want %s", in, got, want)
		}
		back, err := ParseTime(want)
		if err != nil || !back.Equal(in.Truncate(time.Microsecond)) {
			t.Errorf("ParseTime(%s) = %v, %v", want, back, err)
		}
	}
	if _, err := ParseTime("2026-01-02T03:04:05.1"); err != nil {
		t.Errorf("naive time (older Chaos Toolkit) rejected: %v", err)
	}
	if _, err := ParseTime("yesterday"); err == nil {
		t.Error("bad time accepted")
	}
}

func TestWriteIsAtomicAndReportsFailures(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "journal.json")
	j := &Journal{Experiment: value.NewObject("title", "t"), Status: Completed, Start: time.Now(), End: time.Now(),
		Extra: value.NewObject("control-key", int64(1))}
	if err := j.Write(path); err != nil {
		t.Fatal(err)
	}
	back, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if back.Status != Completed || back.Experiment.String("title") != "t" || back.Extra == nil || !back.Extra.Has("control-key") {
		t.Errorf("read back %+v", back)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
	if err := j.Write(filepath.Join(dir, "missing", "journal.json")); err == nil || !strings.Contains(err.Error(), "cannot write journal") {
		t.Errorf("err = %v", err)
	}
}

func TestParseRejectsNonJournals(t *testing.T) {
	for _, doc := range []string{`[1]`, `{"start": "not a time"}`, `{`} {
		if _, err := Parse([]byte(doc)); err == nil {
			t.Errorf("Parse(%s) accepted", doc)
		}
	}
	if _, err := ReadFile("/nonexistent/journal.json"); err == nil {
		t.Error("missing file accepted")
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"status": "completed", "run": [{"activity": {}, "start": "2026-01-02T03:04:05+00:00"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		j, err := Parse(data)
		if err != nil {
			return
		}
		var b bytes.Buffer
		if err := j.Encode(&b); err != nil {
			t.Fatal(err)
		}
	})
}
