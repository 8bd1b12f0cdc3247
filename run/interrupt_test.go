package run

import (
	"context"
	"strings"
	"testing"

	"github.com/chaostracing/chaostracing/internal/testutil"
	"github.com/chaostracing/chaostracing/journal"
	"github.com/chaostracing/chaostracing/provider"
)

// safeguard is a control that stops the run before a named activity, as
// Chaos Toolkit's safeguards do by raising InterruptExecution.
type safeguard struct {
	NopHooks
	before string
	found  bool
}

func (g *safeguard) BeforeActivity(ctx context.Context, s Step) context.Context {
	if s.Activity.Name == g.before {
		g.found = Interrupt(ctx, "safeguard tripped before "+g.before)
	}
	return ctx
}

func TestControlInterruptsTheRun(t *testing.T) {
	for _, tt := range []struct {
		strategy  string
		rollbacks int
	}{{RollbacksDefault, 0}, {RollbacksAlways, 1}} {
		t.Run(tt.strategy, func(t *testing.T) {
			g := &safeguard{before: "a2"}
			reg := provider.NewRegistry()
			reg.Register("python", &scripted{})
			log := &testutil.LogBuffer{}
			r := &Runner{Providers: reg, Hooks: g, Log: log.Logger()}
			j, err := r.Run(context.Background(), nil, exp(t, []string{okProbe}, []string{action1, action2, action1}, []string{rollback}, ""),
				Options{RollbackStrategy: tt.strategy})
			if err != nil {
				t.Fatal(err)
			}
			if !g.found {
				t.Fatal("Interrupt did not find the run in the hook's context")
			}
			if j.Status != journal.Interrupted || ExitCode(j) != 1 {
				t.Errorf("status %s", j.Status)
			}
			if len(j.Run) != 2 || j.Run[0].Status != journal.Succeeded || j.SteadyStates.After != nil {
				t.Errorf("records %d, first %s, after %v: want a1 done, a2 stopped, no after check", len(j.Run), j.Run[0].Status, j.SteadyStates.After)
			}
			if len(j.Rollbacks) != tt.rollbacks {
				t.Errorf("%d rollbacks, want %d", len(j.Rollbacks), tt.rollbacks)
			}
			if !strings.Contains(log.String(), "level=ERROR+4 msg=\"safeguard tripped before a2\"") {
				t.Errorf("the reason is not logged as CRITICAL:\n%s", log.String())
			}
		})
	}
}

func TestInterruptOutsideARun(t *testing.T) {
	if Interrupt(context.Background(), "nothing to stop") {
		t.Error("Interrupt found a run in a bare context")
	}
}
