package settings

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, dir, content string) string {
	t.Helper()
	path := filepath.Join(dir, "settings.yaml")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadDefaultPath(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	s, err := Load("")
	if err != nil || s.Path != "" || s.Doc.Len() != 0 {
		t.Fatalf("missing default file: %+v, %v", s, err)
	}
	if err := os.MkdirAll(filepath.Join(home, ".chaostoolkit"), 0o755); err != nil {
		t.Fatal(err)
	}
	path := write(t, filepath.Join(home, ".chaostoolkit"), "runtime: {rollbacks: {strategy: always}}\n")
	s, err = Load("")
	if err != nil || s.Path != path || s.Runtime().RollbackStrategy != "always" {
		t.Fatalf("default file: %+v, %v", s, err)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct{ name, content, path, want string }{
		{name: "named but missing", path: filepath.Join(dir, "nope.yaml"), want: "cannot read settings file"},
		{name: "bad YAML", content: "runtime: [oops\n", want: "invalid settings file: " + filepath.Join(dir, "settings.yaml") + ":"},
		{name: "unknown strategy", content: "runtime:\n  rollbacks:\n    strategy: sometimes\n",
			want: "settings.yaml:3:15: $.runtime.rollbacks.strategy must be one of default, always, never, deviated, not sometimes"},
		{name: "runtime not a mapping", content: "runtime: 5\n", want: "settings.yaml:1:10: $.runtime must be a mapping (such as {strategy: always}), not integer"},
		{name: "strategy without its key", content: "runtime:\n  rollbacks: always\n", want: "settings.yaml:2:14: $.runtime.rollbacks must be a mapping (such as {strategy: always}), not string"},
		{name: "not a mapping", content: "- 1\n", want: "a settings file must hold a mapping, not array"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.path
			if path == "" {
				path = write(t, dir, tt.content)
			}
			_, err := Load(path)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
		})
	}
}

func TestAccessors(t *testing.T) {
	dir := t.TempDir()
	s, err := Load(write(t, dir, `runtime:
  hypothesis:
    strategy: continuously
auths:
  example.com:8443:
    type: bearer
    value: s3cr3t
  broken.example.com: {type: bearer}
notifications:
  - type: http
    url: http://localhost:9/hook
`))
	if err != nil {
		t.Fatal(err)
	}
	if rt := s.Runtime(); !rt.Present || rt.HypothesisStrategy != "continuously" || rt.RollbackStrategy != "" {
		t.Errorf("runtime %+v", rt)
	}
	if h, ok := s.Auth("example.com:8443"); !ok || h != "bearer s3cr3t" {
		t.Errorf("auth %q %v", h, ok)
	}
	for _, host := range []string{"example.com", "broken.example.com"} {
		if h, ok := s.Auth(host); ok {
			t.Errorf("auth for %s: %q", host, h)
		}
	}
	if n := s.Notifications(); len(n) != 1 {
		t.Errorf("notifications %v", n)
	}
	var none *Settings
	if none.Runtime().Present || none.Notifications() != nil {
		t.Error("nil settings hold settings")
	}
	if _, ok := none.Auth("x"); ok {
		t.Error("nil settings hold an auth")
	}
}
