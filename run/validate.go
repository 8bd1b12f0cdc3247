package run

import (
	"context"
	"errors"

	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/provider"
)

// Validate checks what Decode cannot see in the document alone: that the
// configuration and secrets resolve (env variables are set), and that each
// provider can run its activities here (binaries on PATH, python modules
// importable). Format problems Decode found are included, and activities
// they concern are not checked further. It returns an
// *experiment.InvalidError listing every problem, or nil.
func (r *Runner) Validate(ctx context.Context, exp *experiment.Experiment, opts Options) error {
	problems := append([]experiment.Problem(nil), exp.Problems...)
	if _, _, err := experiment.Resolve(ctx, exp, opts.Vars, r.sources(opts)); err != nil {
		var invalid *experiment.InvalidError
		if !errors.As(err, &invalid) {
			return err
		}
		problems = append(problems, invalid.Problems...)
	}
	for typ, activities := range byProviderType(exp, exp.Problems) {
		p, ok := r.Providers.Lookup(typ)
		if !ok {
			for _, a := range activities {
				problems = append(problems, experiment.Problem{Path: a.Path + ".provider.type", Pos: exp.Positions.Of(a.Path + ".provider.type"),
					Msg: "no provider of type '" + typ + "' is available in this binary"})
			}
			continue
		}
		if c, ok := p.(provider.Checker); ok {
			for _, pr := range c.Check(ctx, activities) {
				pr.Pos = exp.Positions.Of(pr.Path)
				problems = append(problems, pr)
			}
		}
	}
	if len(problems) == 0 {
		return nil
	}
	experiment.SortProblems(problems)
	return &experiment.InvalidError{Source: exp.Source, Problems: problems}
}

// byProviderType groups every activity that can run (hypothesis probes,
// method, rollbacks, probes used as tolerances) by provider type, leaving
// out those with format problems.
func byProviderType(exp *experiment.Experiment, skip []experiment.Problem) map[string][]*experiment.Activity {
	groups := map[string][]*experiment.Activity{}
	exp.EachActivity(func(a *experiment.Activity) {
		if a.Ref == "" && !experiment.Covers(skip, a.Path) {
			groups[a.ProviderType()] = append(groups[a.ProviderType()], a)
		}
	})
	return groups
}
