package settings

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chaostracing/chaostracing/value"
)

const sample = `runtime:
  rollbacks:
    strategy: always
auths:
  example.com:8443:
    type: bearer
    value: s3cr3t
notifications:
  - type: http
    url: http://localhost:9/hook
    headers:
      Authorization: Bearer n0tify
  - type: plugin
    module: mymod
empty:
`

func load(t *testing.T, content string) *Settings {
	t.Helper()
	s, err := Load(write(t, t.TempDir(), content))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustKey(t *testing.T, s string) Key {
	t.Helper()
	k, err := ParseKey(s)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func yamlOf(t *testing.T, v any) string {
	t.Helper()
	var buf bytes.Buffer
	if err := value.EncodeYAML(&buf, v); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestGet(t *testing.T) {
	tests := []struct{ key, want string }{
		{"runtime.rollbacks.strategy", "always\n"},
		{`auths.example\.com:8443`, "type: bearer\nvalue: s3cr3t\n"},
		{"notifications[1].module", "mymod\n"},
		{"notifications[0].headers.Authorization", "Bearer n0tify\n"},
		{"empty", "null\n"},
	}
	s := load(t, sample)
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			v, err := s.Get(mustKey(t, tt.key))
			if err != nil {
				t.Fatal(err)
			}
			if got := yamlOf(t, v); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	if v, err := s.Get(nil); err != nil || v != s.Doc {
		t.Errorf("the empty key gave %v, %v", v, err)
	}
}

func TestGetErrors(t *testing.T) {
	tests := []struct{ key, want string }{
		{"nope", "settings.yaml:1:1: no key nope (its keys: runtime, auths, notifications, empty)"},
		{"auths.example\\.com", `settings.yaml:5:3: auths has no key example\.com (its keys: example\.com:8443)`},
		{"runtime.rollbacks.strategy.x", "settings.yaml:3:15: runtime.rollbacks.strategy is a string, not an object"},
		{"notifications[2]", "settings.yaml:9:3: notifications has 2 item(s), no [2]"},
		{"runtime[0]", "settings.yaml:2:3: runtime is an object, not an array"},
		{"empty.x", "settings.yaml:15:7: empty is null, not an object"},
	}
	s := load(t, sample)
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			_, err := s.Get(mustKey(t, tt.key))
			if err == nil || !strings.HasSuffix(err.Error(), tt.want) {
				t.Fatalf("got %v, want …%q", err, tt.want)
			}
		})
	}
}

func TestSet(t *testing.T) {
	tests := []struct {
		name, key string
		value     any
		// get is read back at key after the change, and whole is what
		// the whole document's YAML must contain.
		want, whole string
	}{
		{name: "change a value", key: "runtime.rollbacks.strategy", value: "never", want: "never\n"},
		{name: "change a type", key: `auths.example\.com:8443`, value: "gone", want: "gone\n"},
		{name: "new key in an object", key: "runtime.hypothesis", value: value.NewObject("strategy", "continuously"),
			want: "strategy: continuously\n", whole: "runtime:\n  rollbacks:\n    strategy: always\n  hypothesis:\n    strategy: continuously\nauths:"},
		{name: "new objects on the way", key: `auths.new\.example\.com.type`, value: "bearer", want: "bearer\n",
			whole: "  new.example.com:\n    type: bearer\n"},
		{name: "null becomes an object", key: "empty.a.b", value: int64(1), want: "1\n", whole: "empty:\n  a:\n    b: 1\n"},
		{name: "array item", key: "notifications[1].module", value: "other", want: "other\n"},
		{name: "append to an array", key: "notifications[2]", value: value.NewObject("type", "http"), want: "type: http\n"},
		{name: "append then name", key: "notifications[2].url", value: "http://x", want: "http://x\n"},
		{name: "new array", key: "controls[0].name", value: "c", want: "c\n", whole: "controls:\n  - name: c\n"},
		{name: "valid strategy", key: "runtime.hypothesis.strategy", value: "continuously", want: "continuously\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := load(t, sample)
			key := mustKey(t, tt.key)
			if err := s.Set(key, tt.value); err != nil {
				t.Fatal(err)
			}
			v, err := s.Get(key)
			if err != nil || yamlOf(t, v) != tt.want {
				t.Errorf("read back %q, %v; want %q", yamlOf(t, v), err, tt.want)
			}
			if whole := yamlOf(t, s.Doc); !strings.Contains(whole, tt.whole) {
				t.Errorf("document lacks %q:\n%s", tt.whole, whole)
			}
			if s.Positions != nil {
				t.Error("positions kept after a change")
			}
		})
	}
}

func TestSetErrors(t *testing.T) {
	tests := []struct {
		key   string
		value any
		want  string
	}{
		{"runtime.rollbacks.strategy.x", "y", "settings.yaml:3:15: runtime.rollbacks.strategy is a string, not an object"},
		{"notifications[3]", "y", "settings.yaml:9:3: notifications has 2 item(s), no [3] (use [2] to append one)"},
		{"runtime[0]", "y", "runtime is an object, not an array"},
		{"runtime.rollbacks.strategy", "sometimes", "cannot set runtime.rollbacks.strategy: $.runtime.rollbacks.strategy must be one of default, always, never, deviated, not sometimes"},
		{"runtime", value.NewObject("hypothesis", value.NewObject("strategy", int64(3))), "cannot set runtime: $.runtime.hypothesis.strategy must be one of"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			s := load(t, sample)
			before := yamlOf(t, s.Doc)
			err := s.Set(mustKey(t, tt.key), tt.value)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
			if after := yamlOf(t, s.Doc); after != before {
				t.Errorf("a failed Set changed the settings:\n%s", after)
			}
		})
	}
	if err := (&Settings{}).Set(nil, "x"); err == nil {
		t.Error("setting the empty key succeeded")
	}
}

// A file the runner rejects can be fixed one value at a time: Set checks
// only what it changes.
func TestSetFixesABrokenFile(t *testing.T) {
	s, err := Read(write(t, t.TempDir(), "runtime:\n  rollbacks: {strategy: bad}\n  hypothesis: {strategy: worse}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Set(mustKey(t, "runtime.rollbacks.strategy"), "never"); err != nil {
		t.Fatalf("fixing one value: %v", err)
	}
	if err := s.Check(); err == nil || !strings.Contains(err.Error(), "$.runtime.hypothesis.strategy must be one of") {
		t.Fatalf("the other value is still wrong: %v", err)
	}
	if err := s.Set(mustKey(t, "runtime.hypothesis.strategy"), "default"); err != nil || s.Check() != nil {
		t.Fatalf("fixing the other: %v, %v", err, s.Check())
	}
}

func TestSetOnEmptySettings(t *testing.T) {
	s := &Settings{}
	if err := s.Set(mustKey(t, "a.b"), true); err != nil {
		t.Fatal(err)
	}
	if got := yamlOf(t, s.Doc); got != "a:\n  b: true\n" {
		t.Errorf("got %q", got)
	}
}

func TestRemove(t *testing.T) {
	tests := []struct{ key, want string }{
		{"runtime.rollbacks", "runtime: {}\nauths:"},
		{`auths.example\.com:8443.value`, "auths:\n  example.com:8443:\n    type: bearer\nnotifications:"},
		{"notifications[0]", "notifications:\n  - type: plugin\n    module: mymod\nempty: null\n"},
		{"notifications[1]", "Bearer n0tify\nempty: null\n"},
		{"empty", "module: mymod\n"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			s := load(t, sample)
			key := mustKey(t, tt.key)
			if err := s.Remove(key); err != nil {
				t.Fatal(err)
			}
			if whole := yamlOf(t, s.Doc); !strings.Contains(whole, tt.want) {
				t.Errorf("document lacks %q:\n%s", tt.want, whole)
			}
			if _, err := s.Get(key); err == nil && !strings.HasPrefix(tt.key, "notifications[0]") {
				t.Errorf("%s is still there", tt.key)
			}
		})
	}
}

func TestRemoveErrors(t *testing.T) {
	s := load(t, sample)
	before := yamlOf(t, s.Doc)
	for key, want := range map[string]string{
		"nope":             "no key nope",
		"notifications[5]": "notifications has 2 item(s), no [5]",
		"runtime.x.y":      "runtime has no key x",
	} {
		if err := s.Remove(mustKey(t, key)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", key, err, want)
		}
	}
	if err := s.Remove(nil); err == nil {
		t.Error("removing the empty key succeeded")
	}
	if yamlOf(t, s.Doc) != before {
		t.Error("a failed Remove changed the settings")
	}
}

func TestSaveRoundTrip(t *testing.T) {
	s := load(t, sample)
	if err := s.Set(mustKey(t, "notifications[0].verify_tls"), false); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(s.Path, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(s.Path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("saved file mode %v, %v; want 0600", fi.Mode(), err)
	}
	again, err := Load(s.Path)
	if err != nil {
		t.Fatal(err)
	}
	if !value.Equal(again.Doc, s.Doc) || yamlOf(t, again.Doc) != yamlOf(t, s.Doc) {
		t.Errorf("read back differs:\n%s\nwant\n%s", yamlOf(t, again.Doc), yamlOf(t, s.Doc))
	}
	if h, ok := again.Auth("example.com:8443"); !ok || h != "bearer s3cr3t" {
		t.Errorf("auth after save: %q %v", h, ok)
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(s.Path), ".*.tmp"))
	if len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

func TestSaveFormats(t *testing.T) {
	dir := t.TempDir()
	tests := []struct{ name, file, want string }{
		{"json by extension", "settings.json", "{\n  \"a\": [\n    1,\n    \"yes\"\n  ]\n}\n"},
		{"yaml otherwise", "settings.yaml", "a:\n  - 1\n  - \"yes\"\n"},
		{"new directory", filepath.Join("new", "dir", "settings.yml"), "a:\n  - 1\n  - \"yes\"\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Settings{Path: filepath.Join(dir, tt.file), Doc: value.NewObject("a", []any{int64(1), "yes"})}
			if err := s.Save(); err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(s.Path)
			if err != nil || string(data) != tt.want {
				t.Errorf("saved %q, %v; want %q", data, err, tt.want)
			}
		})
	}
}

func TestSaveThroughSymlink(t *testing.T) {
	dir := t.TempDir()
	real := write(t, dir, "a: 1\n")
	link := filepath.Join(dir, "link.yaml")
	if err := os.Symlink(real, link); err != nil {
		t.Skip("no symlinks here:", err)
	}
	s, err := Load(link)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Set(mustKey(t, "a"), int64(2)); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v, %v", fi.Mode(), err)
	}
	if data, _ := os.ReadFile(real); string(data) != "a: 2\n" {
		t.Errorf("the linked file holds %q", data)
	}
}

func TestSaveErrors(t *testing.T) {
	dir := t.TempDir()
	file := write(t, dir, "a: 1\n")
	if err := os.Mkdir(filepath.Join(dir, "taken.yaml"), 0o700); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, path, want string }{
		{"no path", "", "cannot save settings: no settings file was read"},
		{"a directory in the way", filepath.Join(dir, "taken.yaml"), "cannot save settings " + filepath.Join(dir, "taken.yaml") + ":"},
		{"a file for a directory", filepath.Join(file, "settings.yaml"), "not a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := (&Settings{Path: tt.path, Doc: value.NewObject("a", int64(2))}).Save()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want %q", err, tt.want)
			}
		})
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, ".*.tmp")); len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
	if data, _ := os.ReadFile(file); string(data) != "a: 1\n" {
		t.Errorf("the file beside changed to %q", data)
	}
}

func TestRedacted(t *testing.T) {
	s := load(t, sample+`controls:
  tracing:
    provider:
      secrets: [otel]
      arguments:
        api_key: k3y
        token_ttl: 30
        tokens: [l1st-tok]
        my_password: {value: n3sted}
extra_auths_are_strings:
  note: plain
`)
	if err := s.Set(mustKey(t, "auths.plain\\.example"), "Bearer str1ng-auth"); err != nil {
		t.Fatal(err)
	}
	if err := s.Set(mustKey(t, "notifications[1]"), value.NewObject("type", "http", "url", "https://u:us3rpass@hooks.example.com/services/T0/B0/w3bhook?key=qs3cret",
		"headers", value.NewObject("Cookie", "session=c00kie", "X-Custom", "cust0m"))); err != nil {
		t.Fatal(err)
	}
	out := yamlOf(t, s.Redacted())
	for _, hidden := range []string{"s3cr3t", "n0tify", "k3y", "token_ttl: 30", "l1st-tok", "n3sted", "str1ng-auth", "us3rpass", "w3bhook", "qs3cret", "c00kie", "cust0m"} {
		if strings.Contains(out, hidden) {
			t.Errorf("redacted settings show %q:\n%s", hidden, out)
		}
	}
	for _, kept := range []string{"type: bearer", "value: '***'", "Authorization: '***'", "api_key: '***'", "url: http://localhost:9/***", "url: https://hooks.example.com/***", "note: plain"} {
		if !strings.Contains(out, kept) {
			t.Errorf("redacted settings lack %q:\n%s", kept, out)
		}
	}
	if v, _ := s.Get(mustKey(t, `auths.example\.com:8443.value`)); v != "s3cr3t" {
		t.Errorf("Redacted changed the settings: %v", v)
	}
}
