package experiment

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/chaostracing/chaostracing/value"
)

// Getenv looks up an environment variable; os.LookupEnv in production.
type Getenv func(key string) (string, bool)

// Resolve computes the configuration and secrets an experiment runs with:
// env entries read and converted, --var overrides applied (to declared
// configuration keys only, and to whole secret scopes, as Chaos Toolkit
// does). Warnings name overrides that were ignored.
func Resolve(exp *Experiment, vars Vars, getenv Getenv) (Scope, []string, error) {
	if getenv == nil {
		getenv = os.LookupEnv
	}
	ps := &Problems{Positions: exp.Positions}
	cfg, warnings := overrideConfiguration(exp.Configuration, vars.Configuration)
	scope := Scope{Configuration: resolveConfiguration(cfg, getenv, ps)}
	scope.Secrets = resolveSecrets(overrideSecrets(exp.Secrets, vars.Secrets), getenv, ps)
	return scope, warnings, ps.Err(exp.Source)
}

func overrideConfiguration(declared, vars *value.Object) (*value.Object, []string) {
	cfg := declared.Clone()
	if cfg == nil {
		cfg = &value.Object{}
	}
	var warnings []string
	for _, k := range vars.Keys() {
		v, _ := vars.Get(k)
		if !cfg.Has(k) {
			warnings = append(warnings, fmt.Sprintf("ignoring variable '%s': the experiment's configuration does not declare it", k))
			continue
		}
		cfg.Set(k, v)
	}
	return cfg, warnings
}

func overrideSecrets(declared, vars *value.Object) *value.Object {
	sec := declared.Clone()
	if sec == nil {
		sec = &value.Object{}
	}
	for _, scope := range vars.Keys() {
		v, _ := vars.Get(scope)
		sec.Set(scope, v)
	}
	return sec
}

func resolveConfiguration(cfg *value.Object, getenv Getenv, ps *Problems) *value.Object {
	out := &value.Object{}
	for _, k := range cfg.Keys() {
		v, _ := cfg.Get(k)
		spec, ok := v.(*value.Object)
		if !ok || spec.String("type") != "env" {
			out.Set(k, v)
			continue
		}
		at := value.Key("$.configuration", k)
		raw, found := envValue(spec, getenv)
		if !found {
			ps.Addf(at, "configuration key '%s' reads environment variable '%s', which is not set and has no default", k, spec.String("key"))
			continue
		}
		converted, err := ConvertEnv(spec.String("env_var_type"), raw)
		if err != nil {
			ps.Addf(at, "configuration key '%s': %v", k, err)
			continue
		}
		out.Set(k, converted)
	}
	return out
}

// envValue returns the variable's value, else the spec's default. An empty
// but set variable wins over the default, as in Chaos Toolkit.
func envValue(spec *value.Object, getenv Getenv) (any, bool) {
	if s, ok := getenv(spec.String("key")); ok {
		return s, true
	}
	return spec.Get("default")
}

func resolveSecrets(sec *value.Object, getenv Getenv, ps *Problems) *value.Object {
	out := &value.Object{}
	for _, scope := range sec.Keys() {
		v, _ := sec.Get(scope)
		if o, ok := v.(*value.Object); ok {
			out.Set(scope, resolveSecretValues(o, value.Key("$.secrets", scope), getenv, ps))
		}
	}
	return out
}

func resolveSecretValues(o *value.Object, at string, getenv Getenv, ps *Problems) *value.Object {
	out := &value.Object{}
	for _, k := range o.Keys() {
		v, _ := o.Get(k)
		spec, ok := v.(*value.Object)
		switch {
		case !ok:
			out.Set(k, v)
		case spec.String("type") == "env":
			s, found := getenv(spec.String("key"))
			if !found {
				ps.Addf(value.Key(at, k), "secret '%s' reads environment variable '%s', which is not set", k, spec.String("key"))
				continue
			}
			out.Set(k, s)
		default:
			out.Set(k, resolveSecretValues(spec, value.Key(at, k), getenv, ps))
		}
	}
	return out
}

// ConvertEnv converts an environment value to an env_var_type, as Chaos
// Toolkit's convert_to_type does. Non-string defaults pass through
// untyped conversions unchanged.
func ConvertEnv(typ string, raw any) (any, error) {
	s, isStr := raw.(string)
	if !isStr {
		s = PyStr(raw)
	}
	switch typ {
	case "", "str", "string":
		return raw, nil
	case "bytes":
		return s, nil
	case "int", "integer":
		if f, ok := raw.(float64); ok && !isStr {
			return int64(f), nil
		}
		i, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("'%s' is not an integer", s)
		}
		return i, nil
	case "float", "number":
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return nil, fmt.Errorf("'%s' is not a number", s)
		}
		return f, nil
	case "bool":
		switch strings.ToLower(s) {
		case "false", "0", "no":
			return false, nil
		}
		return true, nil
	case "json":
		if s == "" || raw == nil {
			return raw, nil
		}
		v, _, err := value.ParseJSON([]byte(s))
		if err != nil {
			return nil, fmt.Errorf("value is not valid JSON: %v", err)
		}
		return v, nil
	}
	return nil, fmt.Errorf("env_var_type '%s' is not one of %s", typ, strings.Join(EnvVarTypes, ", "))
}
