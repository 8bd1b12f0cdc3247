// Package testenv runs real backends for tests: today a real OpenTelemetry
// Collector that receives spans over OTLP (gRPC and HTTP), Jaeger (thrift
// compact over UDP and thrift over HTTP) and Zipkin, and writes them to a file
// that the test reads back.
//
// It is test helper code, meant to be imported only from _test.go files of
// any package:
//
//	c := testenv.StartCollector(t)
//	// point the code under test at c.OTLPGRPC, c.OTLPHTTP, c.JaegerUDP,
//	// c.JaegerHTTP or c.Zipkin, run it, then:
//	spans := c.WaitForSpans(t, 3, 10*time.Second)
//
// The collector binary is built from tools/otelcol/builder-config.yaml by
// tools/otelcol/build.sh with the OpenTelemetry Collector Builder, and cached
// by the manifest's hash, so only the first build on a machine pays the few
// minutes it takes. The environment variable CHAOSTRACING_OTELCOL names a
// prebuilt binary to use instead (CI sets it after running build.sh once).
// A collector that cannot be found, built or started fails the test: it is
// never skipped.
package testenv
