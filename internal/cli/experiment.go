package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/provider/builtin"
	"github.com/chaostracing/chaostracing/run"
)

// loadAndValidate loads the experiment at source and, unless skipped,
// validates it fully (document, configuration, providers), logging each
// problem. It returns a reported exitError on failure.
func (app *App) loadAndValidate(ctx context.Context, runner *run.Runner, source string, opts run.Options, validate bool) (*experiment.Experiment, error) {
	if validate {
		app.log.Info("Validating the experiment's syntax")
	}
	exp, err := experiment.LoadFile(source, app.Stdin, experiment.WithProviderTypes(runner.Providers.Types()...))
	if exp != nil && validate {
		err = runner.Validate(ctx, exp, opts)
	}
	if err != nil {
		app.reportInvalid(err)
		return nil, &exitError{Code: ExitFailed}
	}
	if validate {
		app.log.Info("Experiment looks valid")
	}
	return exp, nil
}

func (app *App) reportInvalid(err error) {
	var invalid *experiment.InvalidError
	if !errors.As(err, &invalid) {
		app.log.Error(err.Error())
		return
	}
	for _, p := range invalid.Problems {
		app.log.Error(invalid.Source + ": " + p.String())
	}
	app.log.Error(fmt.Sprintf("%s is not a valid experiment: %d problem(s)", invalid.Source, len(invalid.Problems)))
}

func (app *App) newRunner() *run.Runner {
	return &run.Runner{
		Providers: builtin.Registry(app.Funcs),
		Log:       app.log,
		Version:   Version(),
	}
}
