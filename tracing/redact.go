package tracing

import (
	"github.com/chaostracing/chaostracing/internal/redact"
	"github.com/chaostracing/chaostracing/value"
)

// redactor replaces the run's secret values in text bound for span
// attributes.
type redactor = redact.Redactor

// newRedactor hides the string values of secrets (scope -> name -> value).
func newRedactor(secrets *value.Object) *redactor {
	if secrets == nil {
		return redact.New()
	}
	return redact.New(redact.Values(secrets)...)
}
