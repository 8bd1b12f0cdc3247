package run

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/chaostracing/chaostracing/internal/redact"

	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/journal"
	"github.com/chaostracing/chaostracing/value"
)

// ErrInterrupted is the cause of a context cancelled by a signal or by
// the user; the run then ends with status interrupted.
var ErrInterrupted = errors.New("interrupted")

// ErrNoRollbacks is the cause of an interruption after which rollbacks
// must not run (Chaos Toolkit's SIGUSR2, an ungraceful exit).
var ErrNoRollbacks = fmt.Errorf("%w without rollbacks", ErrInterrupted)

// run is the state of one experiment run.
type run struct {
	*Runner
	opts  Options
	exp   *experiment.Experiment
	scope experiment.Scope
	log   *slog.Logger // redacts the run's secrets
	red   *redact.Redactor
	hooks Hooks

	// rollbackCtx is what rollbacks run with: not cancelled by the
	// interruption that stopped the method, only by a harder stop.
	rollbackCtx context.Context

	mu sync.Mutex // guards j's status, run list and during list
	j  *journal.Journal
}

// Run plays exp and returns its journal. Cancelling ctx interrupts the
// run: the current activity is stopped, rollbacks run per strategy with
// hardStop as their context (nil means they cannot be cancelled), and the
// journal ends with status interrupted. An error is returned only when the
// run cannot start (configuration or secrets cannot be resolved); once it
// has started, Run always returns a journal.
func (r *Runner) Run(ctx, hardStop context.Context, exp *experiment.Experiment, opts Options) (*journal.Journal, error) {
	if len(exp.Problems) > 0 {
		return nil, &experiment.InvalidError{Source: exp.Source, Problems: exp.Problems}
	}
	scope, warnings, err := experiment.Resolve(ctx, exp, opts.Vars, r.sources(opts))
	if err != nil {
		return nil, err
	}
	st := r.newRun(exp, opts, scope)
	for _, w := range warnings {
		st.log.Warn(w)
	}
	if hardStop == nil {
		hardStop = context.WithoutCancel(ctx)
	}
	st.rollbackCtx = hardStop
	ctx, stop := withInterrupt(ctx)
	defer stop()
	st.resolveDynamic(ctx)
	// After the configuration probes: the title may use a key they set.
	st.j.Experiment = st.journalExperiment()
	st.play(ctx)
	return st.j, nil
}

func (r *Runner) newRun(exp *experiment.Experiment, opts Options, scope experiment.Scope) *run {
	st := &run{Runner: r, opts: opts, exp: exp, scope: scope, log: r.Log, hooks: r.Hooks}
	st.red = redact.New(redact.Scope(scope.Configuration, scope.Secrets)...)
	if st.log == nil {
		st.log = slog.New(slog.DiscardHandler)
	}
	st.log = st.red.Logger(st.log)
	if st.hooks == nil {
		st.hooks = NopHooks{}
	}
	st.j = &journal.Journal{
		ChaoslibVersion: r.Version,
		Platform:        platform(),
		Node:            node(),
		Start:           st.now(),
		Status:          journal.Completed,
		Run:             []*journal.Record{},
		Rollbacks:       []*journal.Record{},
	}
	return st
}

// journalExperiment is the experiment as the journal shows it: the title
// substituted and "dry" set, as Chaos Toolkit writes it; unlike Chaos
// Toolkit, secrets written inline and secret values substituted into the
// title are masked.
func (st *run) journalExperiment() *value.Object {
	doc := redact.Document(st.exp.Doc)
	if title, ok := st.scope.Substitute(st.exp.Title).(string); ok && doc.Has("title") {
		doc.Set("title", st.red.String(title))
	}
	var dry any
	if st.opts.Dry != "" {
		dry = st.opts.Dry
	}
	doc.Set("dry", dry)
	return doc
}

func (st *run) now() time.Time {
	if st.Now != nil {
		return st.Now()
	}
	return time.Now()
}

func (st *run) status() string {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.j.Status
}

func (st *run) setStatus(s string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.j.Status = s
}

// stopped reports whether the run reached a status that ends the method.
func (st *run) stopped() bool {
	switch st.status() {
	case journal.Failed, journal.Aborted, journal.Interrupted:
		return true
	}
	return false
}

func platform() string {
	return fmt.Sprintf("%s-%s", runtime.GOOS, runtime.GOARCH)
}

func node() string {
	h, _ := os.Hostname()
	return h
}
