package python

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/provider"
	"github.com/chaostracing/chaostracing/value"
)

// Check validates python activities before a run, as chaoslib does: the
// module must import, expose the function, and the activity's arguments
// must bind to the function's signature (configuration and secrets
// parameters aside; functions whose signature cannot be read pass). All
// python activities are checked by one python3 process. Activities of
// other provider types, refs, and those missing a module or func (which
// experiment validation reports) are skipped. Problems are located at the
// activity's provider.
func (p *Provider) Check(ctx context.Context, activities []*experiment.Activity) []experiment.Problem {
	found := make([][]experiment.Problem, len(activities))
	var py []*experiment.Activity
	var at []int
	for i, a := range activities {
		if a == nil || a.Ref != "" || a.ProviderType() != "python" {
			continue
		}
		module, fn := a.Provider.String("module"), a.Provider.String("func")
		if module == "" || fn == "" {
			continue
		}
		if info, ok := p.nativeInfo(module, fn); ok {
			found[i] = checkNative(a, info)
			continue
		}
		py, at = append(py, a), append(at, i)
	}
	for j, problems := range p.checkPython(ctx, py) {
		found[at[j]] = problems
	}
	var all []experiment.Problem
	for _, problems := range found {
		all = append(all, problems...)
	}
	return all
}

// checkPython checks activities in one child process and returns their
// problems, one slice per activity.
func (p *Provider) checkPython(ctx context.Context, activities []*experiment.Activity) [][]experiment.Problem {
	if len(activities) == 0 {
		return nil
	}
	items := make([]any, len(activities))
	for i, a := range activities {
		keys := a.Provider.Object("arguments").Keys()
		if a.IsToleranceProbe() && !a.Provider.Object("arguments").Has("value") {
			keys = append(append([]string(nil), keys...), "value") // the runner passes it
		}
		names := stringsValue(keys)
		items[i] = value.NewObject("module", a.Provider.String("module"), "func", a.Provider.String("func"), "arguments", names)
	}
	req := value.NewObject("op", "check", "path", stringsValue(p.Path), "activities", items)
	resp, err := p.exchange(ctx, req, provider.DefaultMaxOutput, newStderrLog(nil))
	var lists []any
	if err == nil {
		v, _ := resp.Get("problems")
		lists, _ = v.([]any)
		if len(lists) != len(activities) {
			err = errors.New("unexpected answer from the python driver")
		}
	}
	out := make([][]experiment.Problem, len(activities))
	for i, a := range activities {
		if err != nil {
			out[i] = []experiment.Problem{problem(a, p.checkError(ctx, err, a))}
			continue
		}
		list, _ := lists[i].([]any)
		out[i] = p.problems(a, list)
	}
	return out
}

// checkError words a failure to run the check for one activity.
func (p *Provider) checkError(ctx context.Context, err error, a *experiment.Activity) string {
	switch {
	case errors.Is(err, errNotInstalled):
		return notInstalled(p.interpreter(), a.Name, a.Provider.String("module"))
	case ctx.Err() != nil:
		return fmt.Sprintf("could not check python activity '%s': %v", a.Name, ctx.Err())
	}
	return fmt.Sprintf("could not check python activity '%s': %v", a.Name, err)
}

// problems turns the driver's findings for an activity into Problems.
func (p *Provider) problems(a *experiment.Activity, found []any) []experiment.Problem {
	module, fn := a.Provider.String("module"), a.Provider.String("func")
	var out []experiment.Problem
	for _, f := range found {
		x, _ := f.(*value.Object)
		arg := x.String("arg")
		var msg string
		switch x.String("kind") {
		case "module":
			msg = p.importProblem(module, fn, a.Name, x)
		case "func":
			msg = fmt.Sprintf("The python module '%s' does not expose a function called '%s' in activity '%s'", module, fn, a.Name)
		case "missing":
			msg = missingArgument(arg, a.Name)
		case "extra":
			msg = extraArgument(arg, a.Name)
		case "positional":
			msg = fmt.Sprintf("argument '%s' is positional-only and cannot be passed by name in activity '%s'", arg, a.Name)
		default:
			msg = fmt.Sprintf("could not check python activity '%s': unexpected answer from the python driver", a.Name)
		}
		out = append(out, problem(a, msg))
	}
	return out
}

// importProblem words a module that could not be imported: missing, or
// failing itself (a missing dependency, an error in its code).
func (p *Provider) importProblem(module, fn, name string, x *value.Object) string {
	missing, _ := x.Get("missing")
	if missing != true {
		return fmt.Sprintf("could not import Python module '%s' in activity '%s': %s", module, name, x.String("detail"))
	}
	msg := fmt.Sprintf("could not find Python module '%s' in activity '%s'", module, name)
	if p.Funcs.HasModule(module) {
		msg += fmt.Sprintf(" (its Go-native functions are %s, not '%s')", p.nativeNames(module), fn)
	}
	return msg
}

// nativeNames lists the Go-native functions of module, quoted.
func (p *Provider) nativeNames(module string) string {
	var names []string
	for _, info := range p.Funcs.List() {
		if info.Module == module {
			names = append(names, "'"+info.Func+"'")
		}
	}
	return strings.Join(names, ", ")
}

func problem(a *experiment.Activity, msg string) experiment.Problem {
	return experiment.Problem{Path: a.Path + ".provider", Msg: msg}
}

func missingArgument(arg, name string) string {
	return fmt.Sprintf("required argument '%s' is missing from activity '%s'", arg, name)
}

func extraArgument(arg, name string) string {
	return fmt.Sprintf("argument '%s' is not part of the function signature in activity '%s'", arg, name)
}
