package run

import (
	"log/slog"
	"time"

	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/provider"
)

// Hypothesis strategies.
const (
	StrategyDefault          = "default"
	StrategyBeforeMethodOnly = "before-method-only"
	StrategyAfterMethodOnly  = "after-method-only"
	StrategyDuringMethodOnly = "during-method-only"
	StrategyContinuously     = "continuously"
	StrategySkip             = "skip"
)

// Rollback strategies.
const (
	RollbacksDefault  = "default"
	RollbacksAlways   = "always"
	RollbacksNever    = "never"
	RollbacksDeviated = "deviated"
)

// Dry modes.
const (
	DryProbes     = "probes"
	DryActions    = "actions"
	DryActivities = "activities"
	DryPause      = "pause"
)

// Options are the settings of one run.
type Options struct {
	// HypothesisStrategy is one of the Strategy constants; "" is default.
	HypothesisStrategy string
	// HypothesisFrequency is the gap between continuous hypothesis
	// iterations; 0 means one second.
	HypothesisFrequency time.Duration
	// FailFast stops the run at the first deviation of a continuous
	// hypothesis.
	FailFast bool
	// RollbackStrategy is one of the Rollbacks constants; "" is default.
	RollbackStrategy string
	// Dry is a dry mode, or "" to run everything.
	Dry string
	// Vars are the --var and --var-file overrides.
	Vars experiment.Vars
	// Getenv reads environment variables for env entries; nil means the
	// process environment.
	Getenv experiment.Getenv
}

// Runner runs experiments. Its zero value is not usable: set Providers.
type Runner struct {
	// Providers runs activities by provider type.
	Providers *provider.Registry
	// Vault reads {"type": "vault"} secrets (the CLI sets a vault.Client's
	// Read); nil makes them a problem.
	Vault experiment.VaultReader
	// Hooks are called around each step; nil means none.
	Hooks Hooks
	// Log receives the run's log lines; nil discards them.
	Log *slog.Logger
	// MaxOutput caps captured process and HTTP output; 0 is the provider
	// default.
	MaxOutput int
	// Version is written as the journal's chaoslib-version.
	Version string
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// sources are where configuration and secrets are read from.
func (r *Runner) sources(opts Options) experiment.Sources {
	return experiment.Sources{Getenv: opts.Getenv, Vault: r.Vault}
}

func (o Options) frequency() time.Duration {
	if o.HypothesisFrequency > 0 {
		return o.HypothesisFrequency
	}
	return time.Second
}

func (o Options) strategy() string {
	switch o.HypothesisStrategy {
	case "":
		return StrategyDefault
	case "continously": // Chaos Toolkit's legacy spelling
		return StrategyContinuously
	}
	return o.HypothesisStrategy
}

func (o Options) rollbackStrategy() string {
	if o.RollbackStrategy == "" {
		return RollbacksDefault
	}
	return o.RollbackStrategy
}
