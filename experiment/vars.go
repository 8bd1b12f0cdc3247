package experiment

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/chaostracing/chaostracing/value"
)

// Vars are the --var and --var-file overrides of a run.
type Vars struct {
	Configuration *value.Object
	// Secrets maps scope names to objects that replace whole scopes.
	Secrets *value.Object
}

// ParseVar parses a --var flag: key=value or key:type=value, with the
// env_var_type names.
func ParseVar(s string) (string, any, error) {
	key, raw, ok := strings.Cut(s, "=")
	if !ok || key == "" {
		return "", nil, fmt.Errorf("invalid variable %q: expected key=value or key:type=value", s)
	}
	key, typ, _ := strings.Cut(key, ":")
	v, err := ConvertEnv(typ, raw)
	if err != nil {
		return "", nil, fmt.Errorf("invalid variable %q: %v", s, err)
	}
	return key, v, nil
}

// Set records a configuration override.
func (v *Vars) Set(key string, val any) {
	if v.Configuration == nil {
		v.Configuration = &value.Object{}
	}
	v.Configuration.Set(key, val)
}

// LoadVarFile reads a --var-file. A .json, .yaml or .yml file holds
// {"configuration": {...}, "secrets": {...}} and is merged into v. Any other
// file is a .env file: its KEY=VALUE lines are exported to the process
// environment at once, as Chaos Toolkit does, so env entries see them.
func (v *Vars) LoadVarFile(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("cannot read var file: %w", err)
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".json", ".yaml", ".yml":
		return v.mergeStructured(path, data)
	}
	return loadDotEnv(path, data)
}

func (v *Vars) mergeStructured(path string, data []byte) error {
	doc, _, err := Parse(path, data)
	if err != nil {
		return err
	}
	o, ok := doc.(*value.Object)
	if !ok {
		return fmt.Errorf("%s: a var file must be an object with configuration and secrets", path)
	}
	for _, section := range []string{"configuration", "secrets"} {
		src := o.Object(section)
		for _, k := range src.Keys() {
			val, _ := src.Get(k)
			if section == "configuration" {
				v.Set(k, val)
				continue
			}
			if v.Secrets == nil {
				v.Secrets = &value.Object{}
			}
			v.Secrets.Set(k, val)
		}
	}
	return nil
}

func loadDotEnv(path string, data []byte) error {
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		key, val, ok := strings.Cut(line, "=")
		if !ok {
			return fmt.Errorf("%s:%d: expected KEY=VALUE", path, i+1)
		}
		val = strings.TrimSpace(val)
		if len(val) >= 2 && (val[0] == '"' || val[0] == '\'') && val[len(val)-1] == val[0] {
			val = val[1 : len(val)-1]
		}
		if err := os.Setenv(strings.TrimSpace(key), val); err != nil {
			return fmt.Errorf("%s:%d: %w", path, i+1, err)
		}
	}
	return nil
}
