package experiment

import (
	"github.com/chaostracing/chaostracing/value"
)

// EnvVarTypes are the env_var_type names Chaos Toolkit converts to.
var EnvVarTypes = []string{"str", "string", "int", "integer", "float", "number", "bytes", "bool", "json"}

func (d *decoder) configuration(cfg *value.Object, at string) {
	for _, k := range cfg.Keys() {
		v, _ := cfg.Get(k)
		spec, ok := v.(*value.Object)
		switch {
		case !ok:
		case spec.String("type") == "env":
			d.envSpec(spec, value.Key(at, k), true)
		case IsDynamic(spec):
			d.activity(named(spec, k), value.Key(at, k), nil)
		}
	}
}

// IsDynamic reports whether a configuration value is dynamic: a probe
// ({"type": "probe", "provider": ...}) whose result becomes the value
// before the run starts.
func IsDynamic(v any) bool {
	spec, ok := v.(*value.Object)
	return ok && spec.String("type") == Probe
}

// DecodeDynamic decodes the probe of dynamic configuration key.
func DecodeDynamic(key string, spec *value.Object, opts ...Option) (*Activity, error) {
	return DecodeActivity(named(spec, key), value.Key("$.configuration", key), opts...)
}

// named gives a configuration probe without a name its key as name: Chaos
// Toolkit does not require one there.
func named(spec *value.Object, key string) *value.Object {
	if spec.Has("name") {
		return spec
	}
	c := spec.Clone()
	c.Set("name", key)
	return c
}

func (d *decoder) secrets(sec *value.Object, at string) {
	for _, scope := range sec.Keys() {
		v, _ := sec.Get(scope)
		o, ok := v.(*value.Object)
		if !ok {
			d.ps.Addf(value.Key(at, scope), "a secrets scope must be an object of name: value, not %s", article(v))
			continue
		}
		if o.String("type") == "vault" {
			d.vaultSpec(o, value.Key(at, scope))
			continue
		}
		d.secretValues(o, value.Key(at, scope))
	}
}

func (d *decoder) secretValues(o *value.Object, at string) {
	for _, k := range o.Keys() {
		v, _ := o.Get(k)
		spec, ok := v.(*value.Object)
		if !ok {
			continue
		}
		switch spec.String("type") {
		case "env":
			d.envSpec(spec, value.Key(at, k), false)
		case "vault":
			d.vaultSpec(spec, value.Key(at, k))
		default:
			d.secretValues(spec, value.Key(at, k))
		}
	}
}

// vaultSpec checks a {"type": "vault", "path": P, "key": K} entry; key is
// optional (without it the entry is the whole secret).
func (d *decoder) vaultSpec(spec *value.Object, at string) {
	f := fields{ps: d.ps, obj: spec, path: at}
	f.str("path", true, "a vault entry")
	f.str("key", false, "a vault entry")
}

func (d *decoder) envSpec(spec *value.Object, at string, typed bool) {
	f := fields{ps: d.ps, obj: spec, path: at}
	f.str("key", true, "an env entry")
	if typed {
		f.oneOf("env_var_type", EnvVarTypes...)
	}
}
