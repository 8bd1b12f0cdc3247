package control

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/settings"
)

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadGlobal(t *testing.T) {
	dir := t.TempDir()
	settings := writeFile(t, dir, "settings.yaml", `notifications: []
controls:
  tracing:
    provider:
      type: python
      module: chaostracing.oltp
      arguments:
        trace_request: true
  audit:
    provider: {type: python, module: audit}
    automatic: false
    scope: after
`)
	jsonFile := writeFile(t, dir, "controls.json", `{
  "audit": {"provider": {"type": "python", "module": "audit2"}, "scope": "before"},
  "extra": {"provider": {"type": "python", "module": "extra"}}
}`)
	yamlFile := writeFile(t, dir, "more.yml", "controls:\n  late:\n    provider: {type: python, module: late}\n")
	empty := writeFile(t, dir, "empty.yaml", "\n")
	got, err := globalFrom(settings, []string{jsonFile, yamlFile, empty})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"tracing chaostracing.oltp auto scope= " + settings + ":4:5",
		"audit audit2 auto scope=before " + jsonFile + ":2:12",
		"extra extra auto scope= " + jsonFile + ":3:12",
		"late late auto scope= " + yamlFile + ":3:5",
	}
	var lines []string
	for _, c := range got {
		auto := "auto"
		if !c.Automatic {
			auto = "manual"
		}
		lines = append(lines, strings.Join([]string{c.Name, c.Module(), auto, "scope=" + c.Scope, c.Path}, " "))
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n  %s\nwant\n  %s", strings.Join(lines, "\n  "), strings.Join(want, "\n  "))
	}
	if v, _ := got[0].Provider.Object("arguments").Get("trace_request"); v != true || got[0].Doc.String("name") != "tracing" {
		t.Errorf("tracing control %v", got[0].Doc)
	}
	if got, err := globalFrom("", nil); got != nil || err != nil {
		t.Errorf("nothing to load: %v, %v", got, err)
	}
	manual, err := globalFrom(settings, nil)
	if err != nil || len(manual) != 2 || manual[1].Automatic || manual[1].Scope != "after" {
		t.Errorf("settings only: %v, %v", manual, err)
	}
}

func TestLoadGlobalErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, file, content string
		settings            bool
		want                []string
	}{
		{name: "bad YAML", file: "s.yaml", settings: true, content: "controls:\n  x:\n    provider: [oops\n",
			want: []string{"s.yaml:2:1: did not find expected"}},
		{name: "bad JSON", file: "c.json", content: "{\"x\": {\"provider\": }}\n",
			want: []string{"c.json:1:20: "}},
		{name: "bad shapes", file: "s.yaml", settings: true, content: `controls:
  a:
    provider: {type: http, module: m}
    scope: sometimes
    automatic: "yes"
  b:
    provider: {type: python, arguments: [1]}
  c: just a string
  d: {}
`, want: []string{
			"s.yaml is not a valid settings file:",
			"s.yaml:3:22: $.controls.a.provider.type: control provider type must be python, not 'http'",
			"s.yaml:4:12: $.controls.a.scope: scope must be before or after, not 'sometimes'",
			"s.yaml:5:16: $.controls.a.automatic: automatic must be true or false, not string",
			"s.yaml:7:15: $.controls.b.provider: a control provider requires a module (a non-empty string)",
			"s.yaml:7:41: $.controls.b.provider.arguments: arguments must be an object, not array",
			"s.yaml:8:6: $.controls.c: control 'c' must be an object, not string",
			"s.yaml:9:6: $.controls.d: a control requires a provider object",
		}},
		{name: "controls not a map", file: "s.yaml", settings: true, content: "controls: [1, 2]\n",
			want: []string{"s.yaml:1:11: $.controls: controls must be a map of control names to controls, not array"}},
		{name: "not an object", file: "c.yaml", content: "- 1\n",
			want: []string{"c.yaml:1:1: $: the file must hold an object, not array"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, dir, tt.file, tt.content)
			var err error
			if tt.settings {
				_, err = globalFrom(path, nil)
			} else {
				_, err = globalFrom("", []string{path})
			}
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
	if _, err := globalFrom(filepath.Join(dir, "missing.yaml"), nil); err == nil || !strings.Contains(err.Error(), "cannot read settings file") {
		t.Errorf("missing settings: %v", err)
	}
	if _, err := globalFrom("", []string{filepath.Join(dir, "missing.json")}); err == nil || !strings.Contains(err.Error(), "cannot read control file") {
		t.Errorf("missing control file: %v", err)
	}
}

// globalFrom loads the settings file at settingsPath ("" for none), then
// the global controls.
func globalFrom(settingsPath string, files []string) ([]*experiment.Control, error) {
	var s *settings.Settings
	if settingsPath != "" {
		var err error
		if s, err = settings.Load(settingsPath); err != nil {
			return nil, err
		}
	}
	return LoadGlobal(s, files)
}
