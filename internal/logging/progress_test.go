package logging

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeTerminal records what a Progress writes, safe for concurrent use.
type fakeTerminal struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (f *fakeTerminal) Write(b []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.buf.Write(b)
}

func (f *fakeTerminal) String() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.buf.String()
}

// fakeClock is a settable clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newTestProgress(enabled bool) (*Progress, *fakeTerminal, *fakeClock) {
	term := &fakeTerminal{}
	clock := &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	p := NewProgress(term, enabled)
	p.now = clock.now
	p.interval = 5 * time.Millisecond
	return p, term, clock
}

func TestProgressLine(t *testing.T) {
	p, _, clock := newTestProgress(true)
	if got := p.Line(); got != "" {
		t.Errorf("idle line %q, want empty", got)
	}
	p.SetPhase("method")
	end := p.StartActivity("fill-disk")
	clock.add(12 * time.Second)
	if got, want := p.Line(), "⏵ method › fill-disk  00:12"; got != want {
		t.Errorf("line %q, want %q", got, want)
	}
	p.Pause(3)
	if got, want := p.Line(), "⏵ method › fill-disk  00:12  pause 3s left"; got != want {
		t.Errorf("line %q, want %q", got, want)
	}
	clock.add(1500 * time.Millisecond)
	if got, want := p.Line(), "⏵ method › fill-disk  00:13  pause 2s left"; got != want {
		t.Errorf("countdown: line %q, want %q", got, want)
	}
	clock.add(2 * time.Second)
	if got := p.Line(); strings.Contains(got, "pause") {
		t.Errorf("the pause is over but the line says %q", got)
	}
	bg := p.StartActivity("background-load")
	clock.add(65 * time.Second)
	if got, want := p.Line(), "⏵ method › background-load (+1)  01:05"; got != want {
		t.Errorf("two running: line %q, want %q", got, want)
	}
	bg()
	end()
	p.SetPhase("")
	if got := p.Line(); got != "" {
		t.Errorf("line %q after everything ended", got)
	}
}

func TestProgressRedrawsAndClearsBeforeLogLines(t *testing.T) {
	p, term, _ := newTestProgress(true)
	p.SetPhase("method")
	end := p.StartActivity("fill-disk")
	p.Pause(3)
	p.Start()
	deadline := time.Now().Add(5 * time.Second)
	for strings.Count(term.String(), eraseLine+"⏵") < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("fewer than 3 redraws in 5s: %q", term.String())
		}
		time.Sleep(time.Millisecond)
	}
	if !strings.Contains(term.String(), eraseLine+"⏵ method › fill-disk  00:00  pause 3s left") {
		t.Errorf("no status line with the countdown in %q", term.String())
	}

	h := NewHandler(p.Writer(), slog.LevelInfo, false)
	logger := slog.New(h)
	logger.Info("Action: fill-disk")
	end()
	p.Stop()
	out := term.String()
	i := strings.Index(out, "INFO] Action") - len("[2006-01-02 15:04:05 ")
	if i < 0 {
		t.Fatalf("no log line in %q", out)
	}
	// The status line was erased just before the log line, and the log
	// line is whole, at the start of its own line.
	if before := out[:i]; !strings.HasSuffix(before, "pause 3s left"+eraseLine) {
		t.Errorf("the status line was not cleared before the log line: %q", out)
	}
	if !strings.Contains(out[i:], "INFO] Action: fill-disk\n") {
		t.Errorf("log line %q", out[i:])
	}
	// Stop leaves the screen clean: the last thing written is an erase.
	if !strings.HasSuffix(out, eraseLine) {
		t.Errorf("the line was not cleared at the end: %q", out[max(0, len(out)-80):])
	}
	n := len(out)
	time.Sleep(30 * time.Millisecond)
	if len(term.String()) != n {
		t.Errorf("redrawn after Stop")
	}
	p.Stop() // a second Stop does nothing
}

func TestProgressOffWritesOnlyLogLines(t *testing.T) {
	p, term, _ := newTestProgress(false)
	p.SetPhase("method")
	end := p.StartActivity("fill-disk")
	p.Pause(3)
	p.Start()
	time.Sleep(30 * time.Millisecond)
	slog.New(NewHandler(p.Writer(), slog.LevelInfo, false)).Info("Action: fill-disk")
	end()
	p.Stop()
	out := term.String()
	if strings.Contains(out, "\x1b") || strings.Contains(out, "\r") || strings.Contains(out, "⏵") {
		t.Errorf("a disabled progress wrote %q", out)
	}
	if !strings.HasSuffix(out, "INFO] Action: fill-disk\n") || strings.Count(out, "\n") != 1 {
		t.Errorf("log output %q, want the one plain log line", out)
	}
}

func TestIsTerminalFalseForFilesAndPipes(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "log"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	for _, f := range []*os.File{f, w, nil} {
		if IsTerminal(f) {
			t.Errorf("IsTerminal(%v) = true", f)
		}
	}
	if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
		defer tty.Close()
		t.Setenv("TERM", "dumb")
		if IsTerminal(tty) {
			t.Error("IsTerminal with TERM=dumb = true")
		}
	}
}
