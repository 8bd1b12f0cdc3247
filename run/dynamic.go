package run

import (
	"context"
	"fmt"
	"strings"

	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/value"
)

// resolveDynamic runs the configuration's probes in order, before the
// run starts, as Chaos Toolkit does: each runs with the configuration
// built before it (so later keys can use ${} of earlier ones) and the
// secrets, and its key becomes the probe's result: a python function's
// return value, a process's stripped stdout (exit status 0 only) or an
// HTTP body. A probe that fails leaves its key out, with a warning that
// says why (the Python tool logs the reason at debug level only).
func (st *run) resolveDynamic(ctx context.Context) {
	cfg := st.scope.Configuration
	built := &value.Object{}
	for _, k := range cfg.Keys() {
		v, _ := cfg.Get(k)
		if !experiment.IsDynamic(v) {
			built.Set(k, v)
			continue
		}
		st.scope.Configuration = built
		out, err := st.dynamicValue(ctx, k, v.(*value.Object))
		if err != nil {
			st.log.Warn(fmt.Sprintf("configuration key '%s' is left unset: %v", k, err))
			continue
		}
		built.Set(k, out)
	}
	st.scope.Configuration = built
}

// dynamicValue runs one configuration probe and returns the value its key
// takes.
func (st *run) dynamicValue(ctx context.Context, key string, spec *value.Object) (any, error) {
	a, err := experiment.DecodeDynamic(key, spec, experiment.WithProviderTypes(st.Providers.Types()...))
	if err != nil {
		return nil, err
	}
	st.log.Debug(fmt.Sprintf("Loading configuration key '%s' from probe '%s'", key, a.Name))
	out, err := st.callProvider(ctx, a)
	if err != nil {
		return nil, fmt.Errorf("probe '%s' failed: %w", a.Name, err)
	}
	o, _ := out.(*value.Object)
	switch a.ProviderType() {
	case "process":
		if status, _ := o.Get("status"); !value.Equal(status, int64(0)) {
			return nil, fmt.Errorf("probe '%s' exited with status %v: %v", a.Name, status, o.String("stderr"))
		}
		return strings.TrimSpace(o.String("stdout")), nil
	case "http":
		body, _ := o.Get("body")
		return body, nil
	}
	return out, nil
}
