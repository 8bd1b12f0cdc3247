package logging

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// Progress keeps one status line at the bottom of a terminal while a run
// plays: the phase, the activity running, its elapsed time and what is
// left of a pause, e.g. "⏵ method › fill-disk  00:12  pause 3s left". It
// redraws the line every interval with \r and an ANSI erase, and clears it
// before each log line written through Writer, so log lines scroll above
// it. A disabled Progress (not a terminal) writes nothing of its own: its
// Writer passes lines through and its setters do nothing visible.
type Progress struct {
	out      io.Writer
	enabled  bool
	interval time.Duration
	now      func() time.Time

	mu       sync.Mutex
	shown    bool // the status line is on screen
	phase    string
	running  []running // activities running, in start order
	seq      int
	pauseEnd time.Time
	stop     chan struct{}
	done     chan struct{}
}

type running struct {
	id    int
	name  string
	start time.Time
}

// eraseLine returns the cursor to the start of the line and erases it.
const eraseLine = "\r\x1b[2K"

// IsTerminal reports whether f is a terminal able to redraw a line: a
// character device, TERM not "dumb". NO_COLOR does not matter here: it
// turns colours off, not the status line.
func IsTerminal(f *os.File) bool {
	if f == nil {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0 && !strings.EqualFold(os.Getenv("TERM"), "dumb")
}

// NewProgress returns a Progress drawing on out when enabled, redrawn
// every 200 ms once started.
func NewProgress(out io.Writer, enabled bool) *Progress {
	return &Progress{out: out, enabled: enabled, interval: 200 * time.Millisecond, now: time.Now}
}

// Enabled reports whether the status line is drawn.
func (p *Progress) Enabled() bool { return p.enabled }

// Writer returns the writer log lines go through: it clears the status
// line, writes, and draws the line again. Give it to the Handler that
// writes to the terminal.
func (p *Progress) Writer() io.Writer { return progressWriter{p} }

type progressWriter struct{ p *Progress }

func (w progressWriter) Write(b []byte) (int, error) {
	p := w.p
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.enabled {
		return p.out.Write(b)
	}
	p.clearLocked()
	n, err := p.out.Write(b)
	if err == nil && p.stop != nil {
		p.drawLocked()
	}
	return n, err
}

// Start starts redrawing the line every interval, until Stop.
func (p *Progress) Start() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.enabled || p.stop != nil {
		return
	}
	p.stop, p.done = make(chan struct{}), make(chan struct{})
	go p.loop(p.stop, p.done)
}

func (p *Progress) loop(stop, done chan struct{}) {
	defer close(done)
	t := time.NewTicker(p.interval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			p.mu.Lock()
			p.drawLocked()
			p.mu.Unlock()
		}
	}
}

// Stop stops redrawing and clears the line. It may be called more than
// once.
func (p *Progress) Stop() {
	p.mu.Lock()
	stop, done := p.stop, p.done
	p.stop = nil
	p.mu.Unlock()
	if stop == nil {
		return
	}
	close(stop)
	<-done
	p.mu.Lock()
	p.clearLocked()
	p.mu.Unlock()
}

// SetPhase sets the part of the run playing: "hypothesis before",
// "method", "rollbacks"; "" when between parts.
func (p *Progress) SetPhase(phase string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.phase = phase
}

// StartActivity records that an activity started and returns the
// function to call when it ends. Background activities run together; the
// line shows the latest one and how many others run.
func (p *Progress) StartActivity(name string) (end func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.seq++
	id := p.seq
	p.running = append(p.running, running{id: id, name: name, start: p.now()})
	return func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		for i, r := range p.running {
			if r.id == id {
				p.running = append(p.running[:i], p.running[i+1:]...)
				break
			}
		}
		if len(p.running) == 0 {
			p.pauseEnd = time.Time{}
		}
	}
}

// Pause records a pause of seconds starting now; the line counts it down.
func (p *Progress) Pause(seconds float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pauseEnd = p.now().Add(time.Duration(seconds * float64(time.Second)))
}

// Line returns the status line as it would be drawn now, "" when there is
// nothing to show.
func (p *Progress) Line() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lineLocked()
}

func (p *Progress) lineLocked() string {
	if p.phase == "" && len(p.running) == 0 {
		return ""
	}
	now := p.now()
	var b strings.Builder
	b.WriteString("⏵ ")
	b.WriteString(p.phase)
	if n := len(p.running); n > 0 {
		r := p.running[n-1]
		if p.phase != "" {
			b.WriteString(" › ")
		}
		b.WriteString(r.name)
		if n > 1 {
			fmt.Fprintf(&b, " (+%d)", n-1)
		}
		elapsed := now.Sub(r.start)
		if elapsed < 0 {
			elapsed = 0
		}
		s := int(elapsed / time.Second)
		fmt.Fprintf(&b, "  %02d:%02d", s/60, s%60)
	}
	if left := p.pauseEnd.Sub(now); left > 0 {
		fmt.Fprintf(&b, "  pause %ds left", int((left+time.Second-1)/time.Second))
	}
	return b.String()
}

func (p *Progress) drawLocked() {
	line := p.lineLocked()
	if line == "" {
		p.clearLocked()
		return
	}
	_, _ = io.WriteString(p.out, eraseLine+line)
	p.shown = true
}

func (p *Progress) clearLocked() {
	if p.shown {
		_, _ = io.WriteString(p.out, eraseLine)
		p.shown = false
	}
}
