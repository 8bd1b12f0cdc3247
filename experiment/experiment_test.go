package experiment

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chaostracing/chaostracing/value"
)

const validJSON = `{
  "title": "t",
  "description": "d",
  "tags": ["a"],
  "configuration": {"port": {"type": "env", "key": "PORT", "default": "8080", "env_var_type": "int"}},
  "steady-state-hypothesis": {
    "title": "h",
    "probes": [{"type": "probe", "name": "p", "tolerance": 0, "provider": {"type": "process", "path": "true"}}]
  },
  "method": [
    {"type": "action", "name": "a", "provider": {"type": "process", "path": "true"}, "pauses": {"after": "${pause}"}},
    {"ref": "p"}
  ],
  "rollbacks": [{"ref": "a"}]
}`

func TestLoadValidExperiment(t *testing.T) {
	exp, err := Load("x.json", []byte(validJSON))
	if err != nil {
		t.Fatal(err)
	}
	if exp.Title != "t" || len(exp.Method) != 2 || exp.Hypothesis.Title != "h" || len(exp.Rollbacks) != 1 {
		t.Fatalf("decoded %+v", exp)
	}
	if got := exp.Resolve(exp.Method[1]); got.Name != "p" {
		t.Errorf("ref resolved to %q", got.Name)
	}
	if exp.Method[0].PauseAfter != "${pause}" {
		t.Errorf("pause after = %#v", exp.Method[0].PauseAfter)
	}
}

func TestLoadYAMLAndStdinDetection(t *testing.T) {
	yamlDoc := "title: t\ndescription: d\nmethod:\n  - type: action\n    name: a\n    provider: {type: process, path: \"true\"}\n"
	for _, source := range []string{"x.yaml", "x.yml", "-"} {
		exp, err := Load(source, []byte(yamlDoc))
		if err != nil {
			t.Fatalf("%s: %v", source, err)
		}
		if exp.Method[0].Name != "a" {
			t.Errorf("%s: method %v", source, exp.Method[0].Name)
		}
	}
	if _, err := Load("-", []byte(validJSON)); err != nil {
		t.Errorf("JSON on stdin: %v", err)
	}
}

// Every rule violated at once is reported at once, each with its path and
// line.
func TestDecodeReportsEveryProblemWithLocation(t *testing.T) {
	tests := []struct {
		name, doc string
		want      []string // substrings of problems, in any order
	}{
		{"empty object", `{}`, []string{"an empty experiment"}},
		{"not an object", `[1]`, []string{"an empty experiment"}},
		{"missing everything", `{"tags": "x"}`, []string{"requires a title", "requires a description", "tags must be a list", "requires a method"}},
		{"bad tag", `{"title": "t", "description": "d", "tags": [""], "method": []}`, []string{"$.tags[0]", "non-empty string"}},
		{"extension without name", `{"title": "t", "description": "d", "extensions": [{}], "method": []}`, []string{"$.extensions[0]", "requires a name"}},
		{"method not a list", `{"title": "t", "description": "d", "method": {}}`, []string{"method must be a list"}},
		{"activity not an object", `{"title": "t", "description": "d", "method": [3]}`, []string{"$.method[0]", "must be an object"}},
		{"activity without type", `{"title": "t", "description": "d", "method": [{"name": "a", "provider": {"type": "process", "path": "x"}}]}`, []string{"must have a type"}},
		{"bad activity type", `{"title": "t", "description": "d", "method": [{"type": "check", "name": "a", "provider": {"type": "process", "path": "x"}}]}`, []string{"'check' is not a supported activity type"}},
		{"no name", `{"title": "t", "description": "d", "method": [{"type": "action", "provider": {"type": "process", "path": "x"}}]}`, []string{"requires a name"}},
		{"no provider", `{"title": "t", "description": "d", "method": [{"type": "action", "name": "a"}]}`, []string{"requires a provider"}},
		{"unknown provider", `{"title": "t", "description": "d", "method": [{"type": "action", "name": "a", "provider": {"type": "ssh"}}]}`, []string{"unknown provider type 'ssh'"}},
		{"python without func", `{"title": "t", "description": "d", "method": [{"type": "action", "name": "a", "provider": {"type": "python", "module": "os"}}]}`, []string{"requires a func"}},
		{"process path type", `{"title": "t", "description": "d", "method": [{"type": "action", "name": "a", "provider": {"type": "process", "path": 3}}]}`, []string{"$.method[0].provider.path", "must be a string"}},
		{"process args type", `{"title": "t", "description": "d", "method": [{"type": "action", "name": "a", "provider": {"type": "process", "path": "x", "arguments": 3}}]}`, []string{"must be a list or a string"}},
		{"http without url", `{"title": "t", "description": "d", "method": [{"type": "action", "name": "a", "provider": {"type": "http"}}]}`, []string{"requires a url"}},
		{"http timeout pair", `{"title": "t", "description": "d", "method": [{"type": "action", "name": "a", "provider": {"type": "http", "url": "http://x", "timeout": [1, 2, 3]}}]}`, []string{"[connect, read]"}},
		{"http verify_tls", `{"title": "t", "description": "d", "method": [{"type": "action", "name": "a", "provider": {"type": "http", "url": "http://x", "verify_tls": "no"}}]}`, []string{"verify_tls must be true or false"}},
		{"pause string", `{"title": "t", "description": "d", "method": [{"type": "action", "name": "a", "provider": {"type": "process", "path": "x"}, "pauses": {"after": "ten"}}]}`, []string{"after must be a number or a ${name}"}},
		{"activity timeout", `{"title": "t", "description": "d", "method": [{"type": "action", "name": "a", "provider": {"type": "process", "path": "x"}, "timeout": "1"}]}`, []string{"timeout must be a number"}},
		{"background type", `{"title": "t", "description": "d", "method": [{"type": "action", "name": "a", "provider": {"type": "process", "path": "x"}, "background": 1}]}`, []string{"background must be true or false"}},
		{"missing ref", `{"title": "t", "description": "d", "method": [{"ref": "nope"}]}`, []string{"'nope' could not be found"}},
		{"missing rollback ref", `{"title": "t", "description": "d", "method": [], "rollbacks": [{"ref": "nope"}]}`, []string{"$.rollbacks[0].ref"}},
		{"hypothesis without title", `{"title": "t", "description": "d", "steady-state-hypothesis": {"probes": []}, "method": []}`, []string{"requires a title"}},
		{"probe without tolerance", `{"title": "t", "description": "d", "steady-state-hypothesis": {"title": "h", "probes": [{"type": "probe", "name": "p", "provider": {"type": "process", "path": "x"}}]}, "method": []}`, []string{"must have a tolerance"}},
		{"float tolerance", `{"title": "t", "description": "d", "steady-state-hypothesis": {"title": "h", "probes": [{"type": "probe", "name": "p", "tolerance": 1.5, "provider": {"type": "process", "path": "x"}}]}, "method": []}`, []string{"tolerance"}},
		{"bad runtime strategy", `{"title": "t", "description": "d", "method": [], "runtime": {"rollbacks": {"strategy": "sometimes"}}}`, []string{"'sometimes' is not one of"}},
		{"bad env type", `{"title": "t", "description": "d", "method": [], "configuration": {"x": {"type": "env", "key": "X", "env_var_type": "complex"}}}`, []string{"env_var_type 'complex'"}},
		{"env without key", `{"title": "t", "description": "d", "method": [], "configuration": {"x": {"type": "env"}}}`, []string{"requires a key"}},
		{"secret scope type", `{"title": "t", "description": "d", "method": [], "secrets": {"k": "v"}}`, []string{"a secrets scope must be an object"}},
		{"vault without path", `{"title": "t", "description": "d", "method": [], "secrets": {"s": {"k": {"type": "vault", "key": "secret/db"}}}}`, []string{"$.secrets.s.k", "a vault entry requires a path"}},
		{"vault key type", `{"title": "t", "description": "d", "method": [], "secrets": {"s": {"n": {"k": {"type": "vault", "path": "db", "key": 1}}}}}`, []string{"$.secrets.s.n.k.key", "key must be a string"}},
		{"control without provider", `{"title": "t", "description": "d", "method": [], "controls": [{"name": "c"}]}`, []string{"requires a provider"}},
		{"control bad scope", `{"title": "t", "description": "d", "method": [], "controls": [{"name": "c", "scope": "during", "provider": {"type": "python", "module": "m"}}]}`, []string{"scope 'during'"}},
		{"control bad ref", `{"title": "t", "description": "d", "method": [{"type": "action", "name": "a", "provider": {"type": "process", "path": "x"}, "controls": [{"ref": "nope"}]}]}`, []string{"control reference 'nope'"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load("x.json", []byte(tt.doc))
			var invalid *InvalidError
			if !errors.As(err, &invalid) {
				t.Fatalf("err = %v, want *InvalidError", err)
			}
			msg := err.Error()
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error does not mention %q:\n%s", w, msg)
				}
			}
			for _, p := range invalid.Problems {
				if p.Path == "" || p.Pos.Line == 0 {
					t.Errorf("problem without location: %+v", p)
				}
			}
		})
	}
}

func TestSyntaxErrorsNameFileLineAndColumn(t *testing.T) {
	_, err := Load("exp.json", []byte("{\n  \"title\": \"t\",,\n}"))
	if err == nil || !strings.HasPrefix(err.Error(), "exp.json:2:") {
		t.Errorf("err = %v, want exp.json:2:…", err)
	}
	_, err = Load("exp.yaml", []byte("title: t\n  bad: indent\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "exp.yaml:") {
		t.Errorf("err = %v", err)
	}
	_, err = Load("exp.json", []byte("   "))
	if err == nil || !strings.Contains(err.Error(), "empty experiment") {
		t.Errorf("err = %v", err)
	}
}

func TestSubstitute(t *testing.T) {
	scope := Scope{
		Configuration: value.NewObject("n", int64(5), "s", "x", "l", []any{int64(1), "a"}, "b", true, "o", value.NewObject("k", nil)),
		Secrets:       value.NewObject("sc", value.NewObject("token", "sekret")),
	}
	tests := []struct {
		in   any
		want any
	}{
		{"${n}", int64(5)},
		{"${l}", []any{int64(1), "a"}},
		{"n=${n}", "n=5"},
		{"$n and $s", "5 and x"},
		{"${b}!", "True!"},
		{"${o}", value.NewObject("k", nil)},
		{"o=${o}", "o={'k': None}"},
		{"l=${l}", "l=[1, 'a']"},
		{"${token}", "sekret"},
		{"${unknown}", "${unknown}"},
		{"a $unknown b", "a $unknown b"},
		{"cost: $$5", "cost: $5"},
		{"${not-valid}", "${not-valid}"},
		{[]any{"${n}", value.NewObject("x", "${s}")}, []any{int64(5), value.NewObject("x", "x")}},
	}
	for _, tt := range tests {
		got := scope.Substitute(tt.in)
		if !value.Equal(got, tt.want) || value.TypeName(got) != value.TypeName(tt.want) {
			t.Errorf("Substitute(%#v) = %#v, want %#v", tt.in, got, tt.want)
		}
	}
}

func TestProviderSpecSubstitutesOnlyWhereChaosToolkitDoes(t *testing.T) {
	scope := Scope{Configuration: value.NewObject("u", "http://h", "m", "mod")}
	http := value.NewObject("type", "http", "url", "${u}/x", "headers", value.NewObject("H", "${m}"), "arguments", value.NewObject("a", "${m}"))
	got := scope.ProviderSpec(http)
	if got.String("url") != "http://h/x" || got.Object("headers").String("H") != "mod" || got.Object("arguments").String("a") != "mod" {
		t.Errorf("http spec %v", got)
	}
	proc := value.NewObject("type", "process", "path", "${m}", "arguments", []any{"${u}"})
	got = scope.ProviderSpec(proc)
	if got.String("path") != "${m}" {
		t.Errorf("process path was substituted: %v", got.String("path"))
	}
	if http.String("url") != "${u}/x" {
		t.Error("ProviderSpec modified its input")
	}
}

func TestResolveConfigurationAndSecrets(t *testing.T) {
	doc := `{"title": "t", "description": "d", "method": [],
	  "configuration": {
	    "plain": 1,
	    "port": {"type": "env", "key": "PORT", "default": "80", "env_var_type": "int"},
	    "flag": {"type": "env", "key": "FLAG", "env_var_type": "bool"},
	    "empty": {"type": "env", "key": "EMPTY", "default": "d"},
	    "js": {"type": "env", "key": "JS", "env_var_type": "json"}
	  },
	  "secrets": {"s": {"token": {"type": "env", "key": "TOKEN"}, "lit": "v"}}}`
	exp, err := Load("x.json", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"FLAG": "No", "EMPTY": "", "JS": `{"a": [1]}`, "TOKEN": "tok"}
	getenv := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	var vars Vars
	vars.Set("plain", int64(2))
	vars.Set("undeclared", "x")
	scope, warnings, err := Resolve(context.Background(), exp, vars, Sources{Getenv: getenv})
	if err != nil {
		t.Fatal(err)
	}
	c := scope.Configuration
	want := map[string]any{"plain": int64(2), "port": int64(80), "flag": false, "empty": ""}
	for k, w := range want {
		if got, _ := c.Get(k); !value.Equal(got, w) {
			t.Errorf("%s = %#v, want %#v", k, got, w)
		}
	}
	if js := c.Object("js"); js == nil || !js.Has("a") {
		t.Errorf("json env = %#v", js)
	}
	if v, _ := scope.Lookup("token"); v != "tok" {
		t.Errorf("secret token = %v", v)
	}
	if c.Has("undeclared") || len(warnings) != 1 || !strings.Contains(warnings[0], "undeclared") {
		t.Errorf("undeclared var: has=%v warnings=%v", c.Has("undeclared"), warnings)
	}

	delete(env, "TOKEN")
	env["JS"] = "{"
	_, _, err = Resolve(context.Background(), exp, Vars{}, Sources{Getenv: getenv})
	if err == nil || !strings.Contains(err.Error(), "'TOKEN'") || !strings.Contains(err.Error(), "not valid JSON") {
		t.Errorf("err = %v", err)
	}
}

// Vault entries, at any depth, are read with the resolved configuration;
// a failed read is a problem located at the entry.
func TestResolveVaultSecrets(t *testing.T) {
	doc := `{"title": "t", "description": "d", "method": [],
	  "configuration": {"vault_addr": {"type": "env", "key": "ADDR"}},
	  "secrets": {"db": {"password": {"type": "vault", "path": "db", "key": "password"},
	                     "all": {"type": "vault", "path": "db"},
	                     "nested": {"broken": {"type": "vault", "path": "locked"}}},
	              "whole": {"type": "vault", "path": "db"},
	              "keyed": {"type": "vault", "path": "db", "key": "password"}}}`
	exp, err := Load("x.json", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	getenv := func(k string) (string, bool) { return "http://vault:8200", k == "ADDR" }
	read := func(_ context.Context, cfg *value.Object, path, key string) (any, error) {
		if addr := cfg.String("vault_addr"); addr != "http://vault:8200" {
			return nil, fmt.Errorf("read with vault_addr %q, not the resolved one", addr)
		}
		if path == "locked" {
			return nil, errors.New("vault secret secret/data/locked: permission denied (403)")
		}
		if key == "" {
			return value.NewObject("password", "pw-from-vault"), nil
		}
		return "pw-from-vault", nil
	}
	scope, _, err := Resolve(context.Background(), exp, Vars{}, Sources{Getenv: getenv, Vault: read})
	want := "$.secrets.db.nested.broken (line 5:44): vault secret secret/data/locked: permission denied (403)"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v, want %q", err, want)
	}
	want = "$.secrets.keyed (line 7:25): a secrets scope read from Vault is the whole secret"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v, want %q", err, want)
	}
	db := scope.Secrets.Object("db")
	if db.String("password") != "pw-from-vault" || db.Object("all").String("password") != "pw-from-vault" {
		t.Errorf("secrets = %v", scope.Secrets)
	}
	if scope.Secrets.Object("whole").String("password") != "pw-from-vault" || scope.Secrets.Has("keyed") {
		t.Errorf("a scope read from Vault is not the whole secret: %v", scope.Secrets)
	}

	_, _, err = Resolve(context.Background(), exp, Vars{}, Sources{Getenv: getenv})
	if err == nil || !strings.Contains(err.Error(), "$.secrets.db.password") || !strings.Contains(err.Error(), "no Vault reader") {
		t.Errorf("without a reader: err = %v", err)
	}
}

func TestParseVar(t *testing.T) {
	tests := []struct {
		in   string
		key  string
		want any
		bad  bool
	}{
		{"a=1", "a", "1", false},
		{"a:int=1", "a", int64(1), false},
		{"a:float=1.5", "a", 1.5, false},
		{"a:bool=no", "a", false, false},
		{"a=b=c", "a", "b=c", false},
		{"a:int=x", "", nil, true},
		{"novalue", "", nil, true},
		{"=v", "", nil, true},
	}
	for _, tt := range tests {
		k, v, err := ParseVar(tt.in)
		if (err != nil) != tt.bad || k != tt.key || (!tt.bad && !value.Equal(v, tt.want)) {
			t.Errorf("ParseVar(%q) = %q, %#v, %v", tt.in, k, v, err)
		}
	}
}

func TestVarFiles(t *testing.T) {
	dir := t.TempDir()
	yamlFile := filepath.Join(dir, "vars.yaml")
	os.WriteFile(yamlFile, []byte("configuration:\n  a: 1\nsecrets:\n  s:\n    k: v\n"), 0o644)
	envFile := filepath.Join(dir, "vars.env")
	os.WriteFile(envFile, []byte("# comment\nCHAOSTRACING_TEST_VAR=\"hello\"\n"), 0o644)
	t.Setenv("CHAOSTRACING_TEST_VAR", "")
	var v Vars
	if err := v.LoadVarFile(yamlFile); err != nil {
		t.Fatal(err)
	}
	if err := v.LoadVarFile(envFile); err != nil {
		t.Fatal(err)
	}
	if got, _ := v.Configuration.Get("a"); got != int64(1) {
		t.Errorf("a = %#v", got)
	}
	if v.Secrets.Object("s").String("k") != "v" {
		t.Errorf("secrets = %v", v.Secrets)
	}
	if os.Getenv("CHAOSTRACING_TEST_VAR") != "hello" {
		t.Errorf(".env not exported: %q", os.Getenv("CHAOSTRACING_TEST_VAR"))
	}
	if err := v.LoadVarFile(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("missing var file accepted")
	}
}

func TestReferenceExperimentsLoad(t *testing.T) {
	files, _ := filepath.Glob("../../shared/ctk/reference/experiments/*.json")
	if len(files) == 0 {
		t.Fatal("no reference experiments")
	}
	for _, f := range files {
		data, _ := os.ReadFile(f)
		_, err := Load(f, data)
		if invalid := strings.HasSuffix(f, "invalid.json"); invalid != (err != nil) {
			t.Errorf("%s: err = %v", filepath.Base(f), err)
		}
	}
}

func FuzzLoad(f *testing.F) {
	f.Add([]byte(validJSON), true)
	f.Add([]byte("title: t\nmethod: []\n"), false)
	f.Fuzz(func(t *testing.T, data []byte, asJSON bool) {
		source := "f.yaml"
		if asJSON {
			source = "f.json"
		}
		exp, err := Load(source, data)
		if err == nil && exp == nil {
			t.Fatal("nil experiment without error")
		}
	})
}

func FuzzSubstitute(f *testing.F) {
	f.Add("${a} $b $$ ${c")
	f.Fuzz(func(t *testing.T, s string) {
		scope := Scope{Configuration: value.NewObject("a", int64(1), "b", "x")}
		_ = scope.Substitute(s)
	})
}

func TestProbeToleranceIsValidatedAsAnActivityOnce(t *testing.T) {
	doc := `{"title": "t", "description": "d", "method": [],
	  "steady-state-hypothesis": {"title": "h", "probes": [{"type": "probe", "name": "p", "provider": {"type": "process", "path": "x"},
	    "tolerance": {"type": "probe", "provider": {"type": "python", "module": "m", "func": "f"}}}]}}`
	_, err := Load("x.json", []byte(doc))
	var invalid *InvalidError
	if !errors.As(err, &invalid) {
		t.Fatalf("err = %v", err)
	}
	msgs := map[string]int{}
	for _, p := range invalid.Problems {
		msgs[p.Msg]++
	}
	if msgs["an activity requires a name"] != 1 {
		t.Errorf("name problem reported %d times: %v", msgs["an activity requires a name"], invalid.Problems)
	}
	found := false
	for m := range msgs {
		found = found || strings.Contains(m, `requires "arguments"`)
	}
	if !found {
		t.Errorf("missing arguments not reported: %v", invalid.Problems)
	}
}

func TestActivityControlRefsResolveToExperimentControls(t *testing.T) {
	doc := `{"title": "t", "description": "d",
	  "controls": [{"name": "tracing", "provider": {"type": "python", "module": "chaostracing.control"}}],
	  "steady-state-hypothesis": {"title": "h", "probes": [{"type": "probe", "name": "p", "tolerance": 0,
	    "provider": {"type": "process", "path": "true"}, "controls": [{"ref": "tracing"}]}]},
	  "method": [{"type": "action", "name": "a", "provider": {"type": "process", "path": "true"}, "controls": [{"ref": "tracing"}]}]}`
	exp, err := Load("x.json", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if exp.Method[0].Controls[0].Ref != "tracing" || exp.Hypothesis.Probes[0].Controls[0].Ref != "tracing" {
		t.Error("control refs not decoded")
	}
}
