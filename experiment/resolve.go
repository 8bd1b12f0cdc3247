package experiment

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/chaostracing/chaostracing/value"
)

// Getenv looks up an environment variable; os.LookupEnv in production.
type Getenv func(key string) (string, bool)

// VaultReader reads the secret a {"type": "vault", "path": P, "key": K}
// entry names: the value under K of the secret at P, or the whole secret
// (an object) when K is "". configuration is the resolved configuration,
// where the reader finds its vault_* settings.
type VaultReader func(ctx context.Context, configuration *value.Object, path, key string) (any, error)

// Sources are where Resolve reads the values an experiment only points at.
type Sources struct {
	// Getenv reads env entries; nil means the process environment.
	Getenv Getenv
	// Vault reads vault entries; nil makes each one a problem.
	Vault VaultReader
}

// Resolve computes the configuration and secrets an experiment runs with:
// env entries read and converted, vault entries read, --var overrides
// applied (to declared configuration keys only, and to whole secret
// scopes, as Chaos Toolkit does). Warnings name overrides that were
// ignored.
func Resolve(ctx context.Context, exp *Experiment, vars Vars, src Sources) (Scope, []string, error) {
	if src.Getenv == nil {
		src.Getenv = os.LookupEnv
	}
	ps := &Problems{Positions: exp.Positions}
	cfg, warnings := overrideConfiguration(exp.Configuration, vars.Configuration)
	scope := Scope{Configuration: resolveConfiguration(cfg, src.Getenv, ps)}
	sr := secretResolver{ctx: ctx, src: src, configuration: scope.Configuration, ps: ps}
	scope.Secrets = sr.scopes(overrideSecrets(exp.Secrets, vars.Secrets))
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

// secretResolver reads the secrets block: literals kept, env and vault
// entries read, nested objects walked.
type secretResolver struct {
	ctx           context.Context
	src           Sources
	configuration *value.Object
	ps            *Problems
}

// scopes resolves each scope; a scope that is itself a vault entry is
// the whole secret, as in Chaos Toolkit.
func (sr secretResolver) scopes(sec *value.Object) *value.Object {
	out := &value.Object{}
	for _, scope := range sec.Keys() {
		v, _ := sec.Get(scope)
		o, ok := v.(*value.Object)
		if !ok {
			continue
		}
		at := value.Key("$.secrets", scope)
		switch {
		case o.String("type") != "vault":
			out.Set(scope, sr.values(o, at))
		case o.Has("key"):
			sr.ps.Addf(at, "a secrets scope read from Vault is the whole secret: remove key, or move the entry into the scope under a name")
		default:
			if s, ok := sr.vault(o, at); ok {
				out.Set(scope, s)
			}
		}
	}
	return out
}

func (sr secretResolver) values(o *value.Object, at string) *value.Object {
	out := &value.Object{}
	for _, k := range o.Keys() {
		v, _ := o.Get(k)
		spec, ok := v.(*value.Object)
		switch {
		case !ok:
			out.Set(k, v)
		case spec.String("type") == "env":
			s, found := sr.src.Getenv(spec.String("key"))
			if !found {
				sr.ps.Addf(value.Key(at, k), "secret '%s' reads environment variable '%s', which is not set", k, spec.String("key"))
				continue
			}
			out.Set(k, s)
		case spec.String("type") == "vault":
			if s, ok := sr.vault(spec, value.Key(at, k)); ok {
				out.Set(k, s)
			}
		default:
			out.Set(k, sr.values(spec, value.Key(at, k)))
		}
	}
	return out
}

func (sr secretResolver) vault(spec *value.Object, at string) (any, bool) {
	if sr.src.Vault == nil {
		sr.ps.Addf(at, "vault secrets cannot be read: this program has no Vault reader (run.Runner.Vault)")
		return nil, false
	}
	s, err := sr.src.Vault(sr.ctx, sr.configuration, spec.String("path"), spec.String("key"))
	if err != nil {
		sr.ps.Addf(at, "%v", err)
		return nil, false
	}
	return s, true
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
