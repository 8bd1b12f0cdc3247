package control

import (
	"context"
	"errors"
	"fmt"

	"github.com/chaostracing/chaostracing/run"
	"github.com/chaostracing/chaostracing/value"
)

// ensure configures the controls on the first hook of the run.
func (d *Dispatcher) ensure(ctx context.Context, s *run.Step) {
	if d.ready.Load() {
		return
	}
	d.once.Do(func() {
		d.configure(ctx, *s)
		d.ready.Store(true)
	})
}

// configure sets up each control once, in order (globals first). A control
// whose configuration fails is logged and left out of the run.
func (d *Dispatcher) configure(ctx context.Context, s run.Step) {
	d.inspectPython(ctx)
	for _, in := range d.plan.instances {
		if err := d.configureOne(ctx, in, s); err != nil {
			d.opts.log.Warn(fmt.Sprintf("Control '%s' (module '%s') could not be configured and is left out of this run: %v",
				in.decl.Name, in.decl.Module(), err))
			continue
		}
		in.active = true
		d.configured = append(d.configured, in)
	}
}

// inspectPython finds the hooks of every python control's module with one
// python3 process, so that no process starts for hooks a module lacks.
func (d *Dispatcher) inspectPython(ctx context.Context) {
	py, modules, index := d.pythonInstances()
	if len(py) == 0 {
		return
	}
	ictx, cancel := context.WithTimeout(ctx, d.opts.timeout)
	defer cancel()
	found, err := d.opts.python.InspectControls(ictx, modules)
	if err != nil && errors.Is(ictx.Err(), context.DeadlineExceeded) {
		err = fmt.Errorf("importing python control modules took longer than %s: %w", d.opts.timeout, err)
	}
	for _, in := range py {
		if err != nil {
			in.py.setInspected(nil, err)
			continue
		}
		m := found[index[in.decl.Module()]]
		in.py.setInspected(m.Hooks, moduleError(m.Err, m.Missing, m.Module))
	}
}

// moduleError words a control module that python cannot import.
func moduleError(err error, missing bool, module string) error {
	if err == nil || !missing {
		return err
	}
	return fmt.Errorf("no Go control is registered for module '%s' and python cannot find a module of that name", module)
}

// configureOne makes and configures one control, turning a panic into an
// error.
func (d *Dispatcher) configureOne(ctx context.Context, in *instance, s run.Step) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	in.ctl = in.factory.make(in.py)
	if in.ctl == nil {
		return errors.New("its factory returned no control")
	}
	c, ok := in.ctl.(Configurer)
	if !ok {
		return nil
	}
	args := in.decl.Provider.Object("arguments")
	if args == nil {
		args = &value.Object{}
	}
	return c.Configure(ctx, Settings{
		Declaration: in.decl,
		Arguments:   args,
		Experiment:  d.exp,
		Scope:       s.Scope,
		Log:         d.opts.log.With("control", in.decl.Name),
	})
}

// make returns a new control from f, or py when f is nil.
func (f Factory) make(py *pythonControl) Control {
	if f == nil {
		return py
	}
	return f()
}

// Close cleans up every configured control once, in reverse order of
// configuration (the experiment's, then the global ones), returning when
// they are done or ctx is, whichever comes first. Call it after the
// journal is written: cleanup (flushing spans) then never delays the
// journal. Hooks called after Close do nothing.
func (d *Dispatcher) Close(ctx context.Context) {
	d.closeOnce.Do(func() {
		d.once.Do(func() {}) // a run that never started configures nothing
		done := make(chan struct{})
		go func() {
			defer close(done)
			d.cleanup(ctx)
		}()
		select {
		case <-done:
		case <-ctx.Done():
			d.opts.log.Warn("Controls did not finish cleaning up in time: " + context.Cause(ctx).Error())
		}
	})
}

// cleanup runs each control's Cleanup, latest configured first, recovering
// panics.
func (d *Dispatcher) cleanup(ctx context.Context) {
	for i := len(d.configured) - 1; i >= 0; i-- {
		in := d.configured[i]
		if c, ok := in.ctl.(Cleaner); ok {
			d.cleanOne(ctx, in, c)
		}
	}
}

func (d *Dispatcher) cleanOne(ctx context.Context, in *instance, c Cleaner) {
	defer func() {
		if r := recover(); r != nil {
			d.panicked(in, hookCleanup, r)
		}
	}()
	c.Cleanup(ctx)
}
