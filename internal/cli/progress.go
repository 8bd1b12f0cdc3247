package cli

import (
	"context"
	"sync"

	"github.com/chaostracing/chaostracing/internal/logging"
	"github.com/chaostracing/chaostracing/journal"
	"github.com/chaostracing/chaostracing/run"
)

// progressHooks feed a logging.Progress from the run: the phase playing,
// the activities running and their pauses.
type progressHooks struct {
	run.NopHooks
	p *logging.Progress

	mu sync.Mutex
	// byActivity maps an activity's name and level to the end functions
	// of its running instances, oldest first.
	byActivity map[string][]func()
}

func newProgressHooks(p *logging.Progress) *progressHooks {
	return &progressHooks{p: p, byActivity: map[string][]func(){}}
}

func activityKey(s run.Step) string {
	if s.Activity == nil {
		return s.Level
	}
	return s.Level + "\x00" + s.Phase + "\x00" + s.Activity.Name
}

// BeforeHypothesis implements run.Hooks.
func (h *progressHooks) BeforeHypothesis(ctx context.Context, s run.Step) context.Context {
	if s.Phase != run.PhaseContinuous {
		h.p.SetPhase("hypothesis " + s.Phase)
	}
	return ctx
}

// AfterHypothesis implements run.Hooks.
func (h *progressHooks) AfterHypothesis(_ context.Context, s run.Step, _ *journal.Hypothesis) {
	if s.Phase != run.PhaseContinuous {
		h.p.SetPhase("")
	}
}

// BeforeMethod implements run.Hooks.
func (h *progressHooks) BeforeMethod(ctx context.Context, _ run.Step) context.Context {
	h.p.SetPhase("method")
	return ctx
}

// AfterMethod implements run.Hooks.
func (h *progressHooks) AfterMethod(context.Context, run.Step, []*journal.Record) { h.p.SetPhase("") }

// BeforeRollbacks implements run.Hooks.
func (h *progressHooks) BeforeRollbacks(ctx context.Context, _ run.Step) context.Context {
	h.p.SetPhase("rollbacks")
	return ctx
}

// AfterRollbacks implements run.Hooks.
func (h *progressHooks) AfterRollbacks(context.Context, run.Step, []*journal.Record) {
	h.p.SetPhase("")
}

// BeforeActivity implements run.Hooks.
func (h *progressHooks) BeforeActivity(ctx context.Context, s run.Step) context.Context {
	name := "?"
	if s.Activity != nil {
		name = s.Activity.Name
	}
	end := h.p.StartActivity(name)
	k := activityKey(s)
	h.mu.Lock()
	h.byActivity[k] = append(h.byActivity[k], end)
	h.mu.Unlock()
	return ctx
}

// AfterActivity implements run.Hooks.
func (h *progressHooks) AfterActivity(_ context.Context, s run.Step, _ *journal.Record) {
	k := activityKey(s)
	h.mu.Lock()
	var end func()
	if list := h.byActivity[k]; len(list) > 0 {
		end = list[0]
		if len(list) == 1 {
			delete(h.byActivity, k)
		} else {
			h.byActivity[k] = list[1:]
		}
	}
	h.mu.Unlock()
	if end != nil {
		end()
	}
}

// Pause implements run.Hooks.
func (h *progressHooks) Pause(_ context.Context, _ run.Step, _ string, seconds float64) {
	h.p.Pause(seconds)
}
