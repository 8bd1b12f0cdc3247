package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chaostracing/chaostracing/provider"
	"github.com/chaostracing/chaostracing/value"
)

func testFuncs() *provider.Funcs {
	funcs := provider.NewFuncs()
	funcs.Register("team.files", "count", noop, provider.FuncInfo{Type: "probe", Doc: "Count files.", Arguments: []string{"pattern:string"}})
	funcs.Register("team.files", "remove", noop, provider.FuncInfo{Type: "action", Arguments: []string{"path", "missing_ok?:boolean"}})
	funcs.Register("team.net", "ping", noop, provider.FuncInfo{})
	return funcs
}

// activities runs discover to standard output and returns its
// activities encoded one a line.
func activities(t *testing.T, args ...string) []string {
	t.Helper()
	code, stdout, stderr := runCLI(t, testFuncs(), append([]string{"discover", "--discovery-path", "-"}, args...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	doc, _, err := value.ParseJSON([]byte(stdout))
	if err != nil {
		t.Fatalf("not JSON: %v\n%s", err, stdout)
	}
	if keys := strings.Join(doc.(*value.Object).Keys(), ","); keys != "chaostracing_version,date,platform,extension,activities" {
		t.Errorf("keys %s", keys)
	}
	list, _ := doc.(*value.Object).Get("activities")
	var lines []string
	for _, a := range list.([]any) {
		var b strings.Builder
		if err := value.Encode(&b, a, ""); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, strings.TrimSpace(b.String()))
	}
	return lines
}

func TestDiscover(t *testing.T) {
	count := `{"type":"probe","name":"count","mod":"team.files","doc":"Count files.","arguments":[{"name":"pattern","type":"string"}]}`
	remove := `{"type":"action","name":"remove","mod":"team.files","doc":null,"arguments":[{"name":"path"},{"name":"missing_ok","default":null,"type":"boolean"}]}`
	pingProbe := `{"type":"probe","name":"ping","mod":"team.net","doc":null,"arguments":[]}`
	pingAction := `{"type":"action","name":"ping","mod":"team.net","doc":null,"arguments":[]}`
	tests := []struct {
		name    string
		modules []string
		want    []string
	}{
		{name: "all", want: []string{count, remove, pingProbe, pingAction}},
		{name: "one module", modules: []string{"team.files"}, want: []string{count, remove}},
		{name: "two modules", modules: []string{"team.net", "team.files"}, want: []string{count, remove, pingProbe, pingAction}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := activities(t, tt.modules...)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("activities:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestDiscoverFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "discovery.json")
	code, stdout, stderr := runCLI(t, testFuncs(), "discover", "--discovery-path", path)
	if code != 0 || stdout != "" || !strings.Contains(stderr, "Discovery outcome saved in "+path) {
		t.Fatalf("exit %d, stdout %q, stderr %s", code, stdout, stderr)
	}
	data, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(data), "\"activities\": [\n    {\n      \"type\": \"probe\",\n      \"name\": \"count\",") {
		t.Errorf("discovery file, %v:\n%s", err, data)
	}
}

func TestDiscoverErrors(t *testing.T) {
	tests := []struct {
		name   string
		funcs  *provider.Funcs
		args   []string
		code   int
		stderr string
	}{
		{name: "unknown module", funcs: testFuncs(), args: []string{"--discovery-path", "-", "team.nope"}, code: 1,
			stderr: `no Go-native function is registered in module "team.nope" (modules: team.files, team.net)`},
		{name: "unwritable path", funcs: testFuncs(), args: []string{"--discovery-path", filepath.Join(t.TempDir(), "no", "dir.json")}, code: 1,
			stderr: "cannot write the discovery: open "},
		{name: "no functions", funcs: nil, args: []string{"--discovery-path", "-"}, code: 0,
			stderr: "This binary embeds no Go-native functions"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tt.funcs, append([]string{"discover"}, tt.args...)...)
			if code != tt.code || !strings.Contains(stderr, tt.stderr) {
				t.Errorf("exit %d (want %d), stderr %q (want %q)", code, tt.code, stderr, tt.stderr)
			}
		})
	}
}
