package run

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/internal/testutil"
	"github.com/chaostracing/chaostracing/provider"
	"github.com/chaostracing/chaostracing/provider/builtin"
	"github.com/chaostracing/chaostracing/value"
)

// TestDynamicConfiguration runs configuration probes of each provider type
// and checks the values the method then sees, in declaration order.
func TestDynamicConfiguration(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"region": "eu", "path": %q}`, r.URL.Path)
	}))
	defer srv.Close()
	funcs := provider.NewFuncs()
	funcs.Register("cfg", "token", func(_ context.Context, a provider.Args) (any, error) {
		return map[string]any{"seen": a.Arguments.String("prefix") + "-tok"}, nil
	}, provider.FuncInfo{})
	funcs.Register("cfg", "echo", func(_ context.Context, a provider.Args) (any, error) {
		v, _ := a.Arguments.Get("value")
		return v, nil
	}, provider.FuncInfo{})
	doc := `{"title": "t ${from_process}", "description": "d",
  "configuration": {
    "base": "svc",
    "from_process": {"type": "probe", "name": "p", "provider": {"type": "process", "path": "echo", "arguments": "  ${base}-1  "}},
    "from_http": {"type": "probe", "provider": {"type": "http", "url": "` + srv.URL + `/${from_process}"}},
    "from_python": {"type": "probe", "name": "py", "provider": {"type": "python", "module": "cfg", "func": "token", "arguments": {"prefix": "${from_process}"}}},
    "failing": {"type": "probe", "name": "f", "provider": {"type": "process", "path": "sh", "arguments": ["-c", "echo oops >&2; exit 3"]}},
    "after_failing": "${failing}"
  },
  "method": [
    {"type": "action", "name": "see", "provider": {"type": "python", "module": "cfg", "func": "echo",
     "arguments": {"value": ["${from_process}", "${from_http}", "${from_python}", "${failing}", "${after_failing}"]}}}
  ]}`
	e, err := experiment.Load("dyn.json", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	log := &testutil.LogBuffer{}
	r := &Runner{Providers: builtin.Registry(funcs), Log: log.Logger()}
	j, err := r.Run(context.Background(), nil, e, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if title := j.Experiment.String("title"); title != "t svc-1" {
		t.Errorf("journal title %q: substituted before the probes ran", title)
	}
	got := value.Plain(j.Run[0].Output)
	want := `[svc-1 map[path:/svc-1 region:eu] map[seen:svc-1-tok] ${failing} ${failing}]`
	if fmt.Sprint(got) != want {
		t.Errorf("method saw %v\nwant %s", got, want)
	}
	if !strings.Contains(log.String(), "configuration key 'failing' is left unset: probe 'f' exited with status 3: oops") {
		t.Errorf("no warning for the failing probe:\n%s", log.String())
	}
}

func TestDynamicConfigurationIsValidated(t *testing.T) {
	doc := `{"title": "t", "description": "d", "method": [],
  "configuration": {"k": {"type": "probe", "provider": {"type": "process"}}}}`
	_, err := experiment.Load("dyn.json", []byte(doc))
	if err == nil || !strings.Contains(err.Error(), "$.configuration.k.provider") {
		t.Errorf("err = %v", err)
	}
}
