package tolerance

import (
	"context"
	"strings"
	"testing"

	"github.com/chaostracing/chaostracing/value"
)

// FuzzCheck feeds arbitrary tolerances and outputs (as JSON) to Check,
// which must never panic: a hypothesis must always get a verdict.
func FuzzCheck(f *testing.F) {
	f.Add([]byte(`{"type": "jsonpath", "path": "$.items[*][?(@.name = \"b\")].v", "expect": 2}`),
		[]byte(`{"items": [{"name": "a", "v": 1}, {"name": "b", "v": 2}]}`))
	f.Add([]byte(`{"type": "regex", "pattern": "^ok$", "target": "stdout"}`), []byte(`{"status": 0, "stdout": "ok\n"}`))
	f.Fuzz(func(t *testing.T, tolJSON, outJSON []byte) {
		tol, _, err := value.ParseJSON(tolJSON)
		if err != nil {
			return
		}
		out, _, err := value.ParseJSON(outJSON)
		if err != nil {
			return
		}
		env := Env{
			Substitute: substituter(testVars),
			RunProbe: func(_ context.Context, p *value.Object) (any, error) {
				v, _ := p.Object("provider").Object("arguments").Get("value")
				return v, nil
			},
		}
		_, _ = Check(context.Background(), tol, out, env)
	})
}

// FuzzValidate feeds arbitrary tolerances to Validate, which must never
// panic and must report problems at the tolerance or below it.
func FuzzValidate(f *testing.F) {
	f.Add([]byte(`{"type": "range", "range": [1, 2], "target": "stdout"}`))
	f.Add([]byte(`{"type": "probe", "name": "p", "provider": {"type": "python"}}`))
	f.Fuzz(func(t *testing.T, tolJSON []byte) {
		tol, _, err := value.ParseJSON(tolJSON)
		if err != nil {
			return
		}
		Validate(tol, "$.t", func(path, msg string) {
			if !strings.HasPrefix(path, "$.t") || msg == "" {
				t.Fatalf("problem %q at %q", msg, path)
			}
		})
	})
}
