package run

import (
	"context"
	"sync"

	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/journal"
)

// method plays the method's activities in order. Background activities
// start and the loop moves on; all are awaited before the method ends.
// The loop stops once the run is failed, aborted or interrupted.
func (st *run) method(ctx context.Context) {
	st.log.Info("Playing your experiment's method now...")
	step := Step{Experiment: st.exp, Scope: st.scope, Level: LevelMethod}
	ctx = st.hooks.BeforeMethod(ctx, step)
	runs := st.sequence(ctx, step, st.exp.Method, "", st.stopped)
	st.mu.Lock()
	st.j.Run = runs
	st.mu.Unlock()
	st.hooks.AfterMethod(ctx, step, runs)
}

// sequence runs activities in order, background ones concurrently, and
// returns their records in start order. prefix is logged before each
// activity ("Rollback" in the rollbacks). The loop ends early when ctx is
// done or stop, if set, says so.
func (st *run) sequence(ctx context.Context, step Step, list []*experiment.Activity, prefix string, stop func() bool) []*journal.Record {
	runs := make([]*journal.Record, 0, len(list))
	var slots []**journal.Record
	var background sync.WaitGroup
	for _, entry := range list {
		if ctx.Err() != nil || (stop != nil && stop()) {
			break
		}
		a := st.exp.Resolve(entry)
		if prefix != "" {
			st.log.Info(prefix + ": " + a.Name)
		}
		slot := new(*journal.Record)
		slots = append(slots, slot)
		if entry.Background {
			background.Add(1)
			go func() {
				defer background.Done()
				*slot = st.activity(ctx, step, a, nil)
			}()
			continue
		}
		*slot = st.activity(ctx, step, a, nil)
	}
	background.Wait()
	for _, slot := range slots {
		runs = append(runs, *slot)
	}
	return runs
}
