package testutil

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/chaostracing/chaostracing/provider"
	"github.com/chaostracing/chaostracing/value"
)

// Scripted is a provider for tests, registered as "python": its func
// names say what a call does.
//
//   - value: returns arguments.value
//   - fail: fails with arguments.message, else "boom"
//   - sleep: sleeps arguments.seconds, or until the context ends
//   - count: returns how many calls were made so far, this one included
//   - set / get: stores arguments.value / returns it (false before a set)
//   - inspect: calls Inspect with the call's context and activity name
//
// It records the names of the activities it ran, in order.
type Scripted struct {
	// Inspect is called by the inspect func; nil does nothing.
	Inspect func(ctx context.Context, activity string)

	mu    sync.Mutex
	calls []string
	flag  any
}

var _ provider.Provider = (*Scripted)(nil)

// Run implements provider.Provider.
func (s *Scripted) Run(ctx context.Context, call provider.Call) (any, error) {
	n := s.record(call.Activity.Name)
	args := call.Spec.Object("arguments")
	switch call.Spec.String("func") {
	case "value":
		v, _ := args.Get("value")
		return v, nil
	case "fail":
		if msg := args.String("message"); msg != "" {
			return nil, errors.New(msg)
		}
		return nil, errors.New("boom")
	case "sleep":
		return sleep(ctx, args)
	case "count":
		return int64(n), nil
	case "set", "get":
		return s.store(call.Spec.String("func") == "set", args), nil
	case "inspect":
		if s.Inspect != nil {
			s.Inspect(ctx, call.Activity.Name)
		}
		return true, nil
	}
	return nil, fmt.Errorf("unknown func %s", call.Spec.String("func"))
}

func (s *Scripted) record(name string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, name)
	return len(s.calls)
}

func (s *Scripted) store(set bool, args *value.Object) any {
	s.mu.Lock()
	defer s.mu.Unlock()
	if set {
		s.flag, _ = args.Get("value")
	}
	if s.flag == nil {
		return false
	}
	return s.flag
}

func sleep(ctx context.Context, args *value.Object) (any, error) {
	secs, _ := args.Get("seconds")
	f, _ := value.Float(secs)
	select {
	case <-time.After(time.Duration(f * float64(time.Second))):
		return "slept", nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Order returns the names of the activities run so far, comma-separated.
func (s *Scripted) Order() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.calls, ",")
}
