package run

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/journal"
	"github.com/chaostracing/chaostracing/provider"
)

// activity runs one activity inside its hooks: pause before, provider,
// then check (the tolerance, for hypothesis probes), then pause after.
// The record's start and end cover the provider call only, as in Chaos
// Toolkit; the hooks (and so the activity's span) cover the pauses too.
//
// check gets the provider's output as it came; the record holds it with
// the run's secrets redacted.
func (st *run) activity(ctx context.Context, step Step, a *experiment.Activity, check func(context.Context, *journal.Record, any)) *journal.Record {
	step.Activity = a
	ctx = st.hooks.BeforeActivity(ctx, step)
	st.log.Info(fmt.Sprintf("%s: %s", titleCase(a.Type), a.Name))
	st.pause(ctx, step, a, "before", a.PauseBefore)
	rec := &journal.Record{Activity: a.Doc, Start: st.now()}
	var output any
	if ctx.Err() == nil {
		output = st.execute(ctx, a, rec)
	}
	rec.Finish(st.now())
	if check != nil {
		check(ctx, rec, output)
	}
	if rec.Status != "" {
		st.pause(ctx, step, a, "after", a.PauseAfter)
	}
	st.hooks.AfterActivity(ctx, step, rec)
	return rec
}

// execute calls the provider, unless the activity is dry, fills in the
// record's output (secrets redacted), status and exception, and returns
// the output as the provider gave it. An interrupted call leaves the
// status empty, so the record has no status key, as in Chaos Toolkit.
func (st *run) execute(ctx context.Context, a *experiment.Activity, rec *journal.Record) any {
	if st.skips(a) {
		rec.Status = journal.Succeeded
		return nil
	}
	out, err := st.callProvider(ctx, a)
	switch {
	case err != nil && ctx.Err() != nil:
		return nil
	case err != nil:
		rec.Status = journal.ActivityFailed
		rec.Exception = st.red.Strings(exceptionLines(err))
		st.log.Error("  => failed: " + err.Error())
		return nil
	}
	rec.Status = journal.Succeeded
	rec.Output = st.red.Value(out)
	return out
}

func exceptionLines(err error) []string {
	var tb provider.TracebackError
	if errors.As(err, &tb) {
		return journal.ExceptionLines(err.Error(), tb.TracebackLines()...)
	}
	return journal.ExceptionLines(err.Error())
}

// callProvider runs the activity's provider with its arguments
// substituted, bounded by the activity's own timeout when it has one.
func (st *run) callProvider(ctx context.Context, a *experiment.Activity) (out any, err error) {
	p, ok := st.Providers.Lookup(a.ProviderType())
	if !ok {
		return nil, fmt.Errorf("no provider of type '%s' is available", a.ProviderType())
	}
	call := provider.Call{
		Activity:      a,
		Spec:          st.scope.ProviderSpec(a.Provider),
		Configuration: st.scope.Configuration,
		Secrets:       st.scope.Secrets,
		MaxOutput:     st.MaxOutput,
		Log:           st.log,
	}
	if a.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(a.Timeout*float64(time.Second)))
		defer cancel()
	}
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("provider %s panicked: %v", a.ProviderType(), r)
		}
	}()
	out, err = p.Run(ctx, call)
	if err != nil && a.Timeout > 0 && errors.Is(ctx.Err(), context.DeadlineExceeded) && context.Cause(ctx) == context.DeadlineExceeded {
		err = fmt.Errorf("activity took longer than its timeout of %ss", experiment.PyStr(a.Timeout))
	}
	return out, err
}

// skips reports whether the dry mode in force skips this activity.
func (st *run) skips(a *experiment.Activity) bool {
	switch st.dryFor(a) {
	case DryActivities:
		return true
	case DryProbes:
		return a.Type == experiment.Probe
	case DryActions:
		return a.Type == experiment.Action
	}
	return false
}

// dryFor returns the dry mode for a: its own, else the run's.
func (st *run) dryFor(a *experiment.Activity) string {
	if a.Dry != "" {
		return a.Dry
	}
	return st.opts.Dry
}

// pause sleeps for an activity's pause, unless a dry mode skips it or the
// run is interrupted.
func (st *run) pause(ctx context.Context, step Step, a *experiment.Activity, which string, raw any) {
	if raw == nil || st.dryFor(a) == DryPause || st.skips(a) {
		return
	}
	v := st.scope.Substitute(raw)
	seconds, ok := toSeconds(v)
	if !ok {
		st.log.Warn(fmt.Sprintf("Ignoring the %s pause of activity '%s': %s is not a number", which, a.Name, experiment.PyStr(v)))
		return
	}
	if seconds <= 0 {
		return
	}
	if which == "before" {
		st.log.Info(fmt.Sprintf("Pausing before next activity for %ss...", experiment.PyStr(v)))
	} else {
		st.log.Info(fmt.Sprintf("Pausing after activity for %ss...", experiment.PyStr(v)))
	}
	st.hooks.Pause(ctx, step, which, seconds)
	sleep(ctx, time.Duration(seconds*float64(time.Second)))
}

func toSeconds(v any) (float64, bool) {
	switch t := v.(type) {
	case int64:
		return float64(t), true
	case float64:
		return t, true
	case string:
		var f float64
		_, err := fmt.Sscanf(strings.TrimSpace(t), "%g", &f)
		return f, err == nil
	}
	return 0, false
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

func titleCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
