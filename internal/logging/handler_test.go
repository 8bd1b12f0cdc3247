package logging

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"
)

func TestLinesLookLikeChaosToolkit(t *testing.T) {
	var b bytes.Buffer
	h := NewHandler(&b, slog.LevelInfo, false)
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.Local)
	for _, r := range []struct {
		level slog.Level
		msg   string
	}{
		{slog.LevelDebug, "hidden"},
		{slog.LevelInfo, "Running experiment: x"},
		{slog.LevelWarn, "careful"},
		{slog.LevelError, "  => failed: boom"},
		{LevelCritical, "Steady state probe 'p' is not in the given tolerance"},
	} {
		if h.Enabled(context.Background(), r.level) {
			_ = h.Handle(context.Background(), slog.NewRecord(at, r.level, r.msg, 0))
		}
	}
	want := "[2026-01-02 03:04:05 INFO] Running experiment: x\n" +
		"[2026-01-02 03:04:05 WARNING] careful\n" +
		"[2026-01-02 03:04:05 ERROR]   => failed: boom\n" +
		"[2026-01-02 03:04:05 CRITICAL] Steady state probe 'p' is not in the given tolerance\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestColourOnlyWhenAsked(t *testing.T) {
	var b bytes.Buffer
	slog.New(NewHandler(&b, slog.LevelInfo, true)).Info("x")
	if !strings.HasPrefix(b.String(), "\x1b[32m") || !strings.HasSuffix(b.String(), "\x1b[0m\n") {
		t.Errorf("coloured line %q", b.String())
	}
	t.Setenv("NO_COLOR", "1")
	if UseColor(os.Stderr) {
		t.Error("NO_COLOR ignored")
	}
	f, _ := os.CreateTemp(t.TempDir(), "log")
	defer f.Close()
	t.Setenv("NO_COLOR", "")
	os.Unsetenv("NO_COLOR")
	if UseColor(f) {
		t.Error("a regular file counts as a terminal")
	}
}

func TestFanoutSendsByLevel(t *testing.T) {
	var console, file bytes.Buffer
	log := slog.New(Fanout{NewHandler(&console, slog.LevelInfo, false), NewHandler(&file, slog.LevelDebug, false)})
	log.Debug("debug line")
	log.Info("info line")
	if strings.Contains(console.String(), "debug line") || !strings.Contains(file.String(), "debug line") || !strings.Contains(console.String(), "info line") {
		t.Errorf("console %q file %q", console.String(), file.String())
	}
}

func TestRecordAttributesFollowTheMessage(t *testing.T) {
	var b bytes.Buffer
	slog.New(NewHandler(&b, slog.LevelDebug, false)).Debug("python stderr", "line", "hello", "activity", "a")
	if !strings.HasSuffix(b.String(), "DEBUG] python stderr line=hello activity=a\n") {
		t.Errorf("got %q", b.String())
	}
}

func TestParseLevel(t *testing.T) {
	for name, want := range map[string]slog.Level{"debug": slog.LevelDebug, "INFO": slog.LevelInfo, "warning": slog.LevelWarn, "Error": slog.LevelError} {
		if got, ok := ParseLevel(name); !ok || got != want {
			t.Errorf("%s: %v %v", name, got, ok)
		}
	}
	if _, ok := ParseLevel("critical"); ok {
		t.Error("critical is not a --log-file-level")
	}
}

func TestJSONLines(t *testing.T) {
	var b bytes.Buffer
	log := slog.New(NewJSONHandler(&b, slog.LevelInfo))
	log.Debug("hidden")
	log.Log(context.Background(), LevelCritical, "Steady state probe 'p' is not in the given tolerance", "probe", "p")
	var got map[string]any
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatalf("%v: %s", err, b.String())
	}
	if got["level"] != "CRITICAL" || got["message"] != "Steady state probe 'p' is not in the given tolerance" || got["probe"] != "p" || got["time"] == nil {
		t.Errorf("got %v", got)
	}
	if strings.Count(b.String(), "\n") != 1 {
		t.Errorf("want one line, got %q", b.String())
	}
}
