package control

import (
	"context"
	"fmt"
	"strings"

	"github.com/chaostracing/chaostracing/experiment"
)

// Check reports the controls of the run that cannot run here: a module
// that is neither registered as a Go control nor importable by python3
// (or python3 itself missing). All python modules are checked by one
// python3 process; Go controls need no check. Problems are located at the
// declaration: its provider.module in the experiment, or the settings or
// control file (file:line:col) for a global control. Like Chaos Toolkit's
// validation, nothing is configured or called.
func (d *Dispatcher) Check(ctx context.Context) []experiment.Problem {
	py, modules, index := d.pythonInstances()
	if len(py) == 0 {
		return nil
	}
	found, err := d.opts.python.InspectControls(ctx, modules)
	var problems []experiment.Problem
	for _, in := range py {
		var msg string
		if err != nil {
			msg = fmt.Sprintf("control '%s': module '%s' is not a Go control, so it needs Python: %v", in.decl.Name, in.decl.Module(), err)
		} else if m := found[index[in.decl.Module()]]; m.Err != nil {
			msg = d.importProblem(in, m.Err, m.Missing)
		}
		if msg != "" {
			problems = append(problems, d.problem(in, msg))
		}
	}
	experiment.SortProblems(problems)
	return problems
}

// pythonInstances returns the python controls of the run, their distinct
// modules, and each module's index in that list.
func (d *Dispatcher) pythonInstances() (py []*instance, modules []string, index map[string]int) {
	index = map[string]int{}
	for _, in := range d.plan.instances {
		if in.py == nil {
			continue
		}
		py = append(py, in)
		if _, ok := index[in.decl.Module()]; !ok {
			index[in.decl.Module()] = len(modules)
			modules = append(modules, in.decl.Module())
		}
	}
	return py, modules, index
}

// importProblem words a control module python cannot import.
func (d *Dispatcher) importProblem(in *instance, err error, missing bool) string {
	if !missing {
		return fmt.Sprintf("control '%s': %v", in.decl.Name, err)
	}
	msg := fmt.Sprintf("control '%s': could not find Python module '%s', and no Go control is registered under that name", in.decl.Name, in.decl.Module())
	if mods := d.reg.Modules(); len(mods) > 0 {
		msg += " (Go controls: " + strings.Join(mods, ", ") + ")"
	}
	return msg
}

// problem locates msg at a control's declaration.
func (d *Dispatcher) problem(in *instance, msg string) experiment.Problem {
	if in.global {
		return experiment.Problem{Path: in.decl.Path, Msg: msg}
	}
	path := in.decl.Path + ".provider.module"
	return experiment.Problem{Path: path, Pos: d.exp.Positions.Of(path), Msg: msg}
}
