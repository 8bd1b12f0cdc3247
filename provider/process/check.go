package process

import (
	"context"
	"fmt"

	"github.com/chaostracing/chaostracing/experiment"
)

// Check reports, for every activity with a process provider, a program
// that cannot be found on PATH or is not executable, and string arguments
// that cannot be split into words without a shell. Messages follow
// chaoslib's validation ("path 'X' cannot be found, in activity 'NAME'").
// A missing path is left to the experiment's own validation.
func (Provider) Check(ctx context.Context, activities []*experiment.Activity) []experiment.Problem {
	var problems []experiment.Problem
	for _, a := range activities {
		if ctx.Err() != nil {
			break
		}
		if a == nil || a.Ref != "" || a.ProviderType() != "process" {
			continue
		}
		problems = append(problems, checkActivity(a)...)
	}
	return problems
}

func checkActivity(a *experiment.Activity) []experiment.Problem {
	var problems []experiment.Problem
	if path := a.Provider.String("path"); path != "" {
		if _, ok := resolve(path); !ok {
			problems = append(problems, experiment.Problem{
				Path: a.Path + ".provider.path",
				Msg:  fmt.Sprintf("path '%s' cannot be found, in activity '%s'", path, a.Name),
			})
		}
	}
	if s := a.Provider.String("arguments"); s != "" && !plain(s) {
		if _, err := parseArgs(s); err != nil {
			problems = append(problems, experiment.Problem{
				Path: a.Path + ".provider.arguments",
				Msg:  fmt.Sprintf("%v (arguments: %q)", err, s),
			})
		}
	}
	return problems
}
