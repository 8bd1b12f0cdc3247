package tracing

import (
	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/internal/redact"
)

// redactor replaces the run's secret values in text bound for span
// attributes.
type redactor = redact.Redactor

// newRedactor hides what the run's scope holds that is secret (see
// redact.Scope).
func newRedactor(scope experiment.Scope) *redactor {
	return redact.New(redact.Scope(scope.Configuration, scope.Secrets)...)
}
