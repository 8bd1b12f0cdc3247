package tracing

import "go.opentelemetry.io/otel/attribute"

// Span names, as the Python chaostracing.oltp extension writes them.
const (
	spanExperiment = "experiment"
	spanHypothesis = "hypothesis"
	spanMethod     = "method"
	spanRollbacks  = "rollbacks"
	activityPrefix = "activity: "
)

// Event names.
const (
	eventPause     = "pause"
	eventTolerance = "tolerance"
	eventException = "exception"
)

// Attribute keys of the chaostoolkit namespace that the Python extension
// writes; dashboards and queries built on its traces rely on them.
const (
	keyExperimentTitle       = attribute.Key("chaostoolkit.experiment.title")
	keyPlatformFull          = attribute.Key("chaostoolkit.platform.full")
	keyExperimentStatus      = attribute.Key("chaostoolkit.experiment.status")
	keyExperimentDeviated    = attribute.Key("chaostoolkit.experiment.deviated")
	keyExperimentInterrupted = attribute.Key("chaostoolkit.experiment.interrupted")
	keyHypothesisPhase       = attribute.Key("chaostoolkit.hypothesis.phase")
	keyHypothesisMet         = attribute.Key("chaostoolkit.hypothesis.met")
	keyHypothesisIteration   = attribute.Key("chaostoolkit.hypothesis.iteration")
	keyActivityName          = attribute.Key("chaostoolkit.activity.name")
	keyActivityBackground    = attribute.Key("chaostoolkit.activity.background")
	keyActivityOutput        = attribute.Key("chaostoolkit.activity.output")
	keyActivityStatus        = attribute.Key("chaostoolkit.activity.status")
	keyActivityError         = attribute.Key("chaostoolkit.activity.error")
)

// Attribute keys the Python extension lacks.
const (
	keyActivityType         = attribute.Key("chaostoolkit.activity.type")
	keyActivityToleranceMet = attribute.Key("chaostoolkit.activity.tolerance_met")
	keyHypothesisIterations = attribute.Key("chaostoolkit.hypothesis.iterations")
	keyHypothesisDeviations = attribute.Key("chaostoolkit.hypothesis.deviations")
	keyPauseWhich           = attribute.Key("chaostoolkit.pause.which")
	keyPauseSeconds         = attribute.Key("chaostoolkit.pause.seconds")
	keyToleranceMet         = attribute.Key("chaostoolkit.tolerance.met")
)

// OpenTelemetry semantic convention keys, spelled out rather than taken
// from a semconv package version, whose names keep moving.
const (
	keyProcessExecutableName = attribute.Key("process.executable.name")
	keyProcessExecutablePath = attribute.Key("process.executable.path")
	keyProcessExitCode       = attribute.Key("process.exit.code")
	keyHTTPRequestMethod     = attribute.Key("http.request.method")
	keyHTTPResponseStatus    = attribute.Key("http.response.status_code")
	keyURLFull               = attribute.Key("url.full")
	keyServerAddress         = attribute.Key("server.address")
	keyServerPort            = attribute.Key("server.port")
	keyCodeNamespace         = attribute.Key("code.namespace")
	keyCodeFunction          = attribute.Key("code.function")
	keyErrorType             = attribute.Key("error.type")
	keyExceptionType         = attribute.Key("exception.type")
	keyExceptionMessage      = attribute.Key("exception.message")
	keyExceptionStacktrace   = attribute.Key("exception.stacktrace")
	keyServiceName           = attribute.Key("service.name")
)
