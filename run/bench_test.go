package run

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/provider"
	"github.com/chaostracing/chaostracing/provider/process"
)

// trueProbes builds an experiment whose method is n `true` process probes.
func trueProbes(b *testing.B, n int) *experiment.Experiment {
	b.Helper()
	items := make([]string, n)
	for i := range items {
		items[i] = fmt.Sprintf(`{"type": "probe", "name": "true-%04d", "provider": {"type": "process", "path": "true"}}`, i)
	}
	doc := `{"title": "bench", "description": "d", "method": [` + strings.Join(items, ",") + `]}`
	e, err := experiment.Load("bench.json", []byte(doc))
	if err != nil {
		b.Fatal(err)
	}
	return e
}

// BenchmarkRun1000TrueProbes runs an experiment of 1,000 `true` process
// probes; compare with BenchmarkBareExec1000, the same 1,000 fork/execs
// without the runner. The target is within 1.3x.
func BenchmarkRun1000TrueProbes(b *testing.B) {
	e := trueProbes(b, 1000)
	reg := provider.NewRegistry()
	reg.Register("process", &process.Provider{})
	r := &Runner{Providers: reg}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		j, err := r.Run(context.Background(), nil, e, Options{})
		if err != nil || len(j.Run) != 1000 {
			b.Fatalf("run: %v", err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*1000), "µs/activity")
}

// BenchmarkBareExec1000 is the floor: 1,000 fork/execs of `true`.
func BenchmarkBareExec1000(b *testing.B) {
	path, err := exec.LookPath("true")
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		for k := 0; k < 1000; k++ {
			if err := exec.Command(path).Run(); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*1000), "µs/activity")
}
