package functional

import (
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chaostracing/chaostracing/internal/testutil"
)

// A remote experiment and the notification endpoints of these tests,
// served on loopback.

// event is one notification an endpoint got.
type event struct {
	method, path string
	header       http.Header
	body         map[string]any
}

// hub serves experiments at their paths and records every request to
// /hook*.
type hub struct {
	*httptest.Server
	docs map[string]string // path → YAML experiment
	auth string            // the Authorization header experiments need

	mu     sync.Mutex
	events []event
}

func newHub(t *testing.T, auth string, docs map[string]string) *hub {
	t.Helper()
	h := &hub{docs: docs, auth: auth}
	h.Server = httptest.NewServer(http.HandlerFunc(h.serve))
	t.Cleanup(h.Close)
	return h
}

func (h *hub) serve(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/hook") {
		data, _ := io.ReadAll(r.Body)
		e := event{method: r.Method, path: r.URL.Path, header: r.Header.Clone()}
		_ = json.Unmarshal(data, &e.body)
		h.mu.Lock()
		h.events = append(h.events, e)
		h.mu.Unlock()
		return
	}
	doc, ok := h.docs[r.URL.Path]
	switch {
	case !ok:
		http.NotFound(w, r)
	case r.Header.Get("Authorization") != h.auth:
		http.Error(w, "who are you?", http.StatusUnauthorized)
	default:
		w.Header().Set("Content-Type", "application/x-yaml")
		_, _ = io.WriteString(w, doc)
	}
}

// got returns the events an endpoint path got, as "name" (POST) or
// "GET", in order.
func (h *hub) got(path string) ([]string, []event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	var names []string
	var list []event
	for _, e := range h.events {
		if e.path != path {
			continue
		}
		name, _ := e.body["name"].(string)
		if e.method == http.MethodGet {
			name = "GET"
		}
		names = append(names, name)
		list = append(list, e)
	}
	return names, list
}

// writeSettings writes a settings file in a fresh directory.
func writeSettings(t *testing.T, yaml string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "settings.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// inlineSecret is a secret written inline in markerExperiment, which
// must not leave the run.
const inlineSecret = "inl1ne-s3cret-77"

// markerExperiment checks that marker exists before and after a method
// that runs command; `rm MARKER` makes it deviate.
func markerExperiment(marker, command string) string {
	return `title: Marker stays
description: served over HTTP
secrets:
  app: {password: ` + inlineSecret + `}
steady-state-hypothesis:
  title: marker exists
  probes:
    - type: probe
      name: marker-exists
      tolerance: 0
      provider: {type: process, path: test, arguments: [-f, "` + marker + `"]}
method:
  - type: action
    name: act
    provider: {type: process, path: sh, arguments: [-c, "` + command + `"]}
`
}

// A remote experiment is fetched with the settings' auth for its host,
// run, and kept in the journal as fetched; the notifications carry the
// run's trace id and link, and no secret shows anywhere.
func TestRunRemoteExperimentNotifiesWithTheRunsTrace(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "marker")
	if err := os.WriteFile(marker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	const authToken, hookSecret = "auth-t0ken-9c1e", "hook-s3cret-42ab"
	h := newHub(t, "Token "+authToken, map[string]string{"/exp.yaml": markerExperiment(marker, "true")})
	host := strings.TrimPrefix(h.URL, "http://")
	settings := writeSettings(t, `chaostracing:
  trace_url: http://jaeger:16686/trace/{trace_id}
auths:
  "`+host+`": {type: Token, value: `+authToken+`}
notifications:
  - type: http
    url: `+h.URL+`/hook
    headers: {X-Hook-Secret: `+hookSecret+`}
  - type: http
    url: `+h.URL+`/hook-get
    forward_event_payload: false
    events: [run-completed]
`)
	res := chaostracing(t, invocation{
		args: []string{"--settings", settings, "run", "--no-log-file", h.URL + "/exp.yaml"},
		env:  []string{"CHAOSTOOLKIT_LOADER_AUTH_BEARER_TOKEN="},
	})
	if res.code != 0 || res.journal == nil {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	if title := res.journal.Experiment.String("title"); title != "Marker stays" || res.journal.Experiment.String("description") != "served over HTTP" {
		t.Errorf("journal's experiment: %v", res.journal.Experiment)
	}
	traceID := readTrace(t, res).ID
	names, events := h.got("/hook")
	if strings.Join(names, ",") != "run-started,run-completed" {
		t.Fatalf("events %v\n%s", names, res.stderr)
	}
	for _, e := range events {
		if e.body["phase"] != "run" || e.body["trace_id"] != traceID || e.body["trace_url"] != "http://jaeger:16686/trace/"+traceID {
			t.Errorf("%s: phase %v, trace_id %v, trace_url %v; the run's trace is %s", e.body["name"], e.body["phase"], e.body["trace_id"], e.body["trace_url"], traceID)
		}
		if e.header.Get("X-Hook-Secret") != hookSecret || !strings.Contains(e.header.Get("Traceparent"), traceID) {
			t.Errorf("%s: headers %v", e.body["name"], e.header)
		}
	}
	started, _ := events[0].body["payload"].(map[string]any)
	completed, _ := events[1].body["payload"].(map[string]any)
	if started["title"] != "Marker stays" || completed["status"] != "completed" || completed["deviated"] != false {
		t.Errorf("payloads: run-started %v\nrun-completed %v", started, completed)
	}
	if names, _ := h.got("/hook-get"); strings.Join(names, ",") != "GET" {
		t.Errorf("the GET endpoint got %v", names)
	}
	artefacts := res.stderr + res.stdout + readFile(t, filepath.Join(res.dir, "journal.json")) + readFile(t, filepath.Join(res.dir, "chaostracing-trace.jsonl"))
	for _, secret := range []string{authToken, hookSecret, inlineSecret} {
		if strings.Contains(artefacts, secret) {
			t.Errorf("%q shows in the run's output, journal or trace", secret)
		}
	}
	for _, e := range events {
		if body := fmt.Sprint(e.body); strings.Contains(body, inlineSecret) {
			t.Errorf("the inline secret shows in the %s notification", e.body["name"])
		}
	}
}

// A deviated run notifies run-completed and run-deviated, each endpoint
// only the events it wants; an endpoint that is down costs one warning
// and leaves the exit code alone.
func TestRunDeviatedNotificationsAndDownEndpoint(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "marker")
	if err := os.WriteFile(marker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	h := newHub(t, "Bearer env-t0ken", map[string]string{"/deviates.yaml": markerExperiment(marker, "rm "+marker)})
	down := testutil.ClosedAddr(t)
	settings := writeSettings(t, `notifications:
  - {type: http, url: "`+h.URL+`/hook", events: [run-deviated, run-failed]}
  - {type: http, url: "http://user:pa55@`+down+`/hook?key=qu3ry"}
  - {type: plugin, module: chaosslack.notification}
`)
	res := chaostracing(t, invocation{
		args: []string{"--settings", settings, "run", "--no-log-file", h.URL + "/deviates.yaml"},
		env:  []string{"CHAOSTOOLKIT_LOADER_AUTH_BEARER_TOKEN=env-t0ken"},
	})
	if res.code != 1 || res.journal == nil || !res.journal.Deviated {
		t.Fatalf("exit %d, want 1 with a deviated journal\n%s", res.code, res.stderr)
	}
	if names, _ := h.got("/hook"); strings.Join(names, ",") != "run-deviated" {
		t.Errorf("the filtered endpoint got %v", names)
	}
	warnings := strings.Count(res.stderr, "Notification run-started to http://"+down+"/hook?... failed: connection refused")
	later := strings.Count(res.stderr, "to http://"+down)
	if warnings != 1 || later != 1 {
		t.Errorf("%d warnings for the down endpoint (%d lines naming it), want 1\n%s", warnings, later, res.stderr)
	}
	if !strings.Contains(res.stderr, settings+":4:12: $.notifications[2].type: notification plugins (python functions) are not supported yet; this notification is skipped") {
		t.Errorf("no located warning for the plugin:\n%s", res.stderr)
	}
	for _, secret := range []string{"pa55", "qu3ry", "env-t0ken"} {
		if strings.Contains(res.stderr, secret) {
			t.Errorf("%q shows in the log:\n%s", secret, res.stderr)
		}
	}
}

// validate fetches remote experiments too, TLS verified unless
// --no-verify-tls, and notifies validate-started, then completed or
// failed with the problems.
func TestValidateRemoteExperiment(t *testing.T) {
	valid := markerExperiment("/nonexistent", "true")
	invalid := "title: no method\ndescription: d\n"
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		if r.URL.Path == "/invalid" {
			_, _ = io.WriteString(w, invalid)
			return
		}
		_, _ = io.WriteString(w, valid)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	h := newHub(t, "", nil)
	settings := writeSettings(t, "notifications: [{type: http, url: '"+h.URL+"/hook'}]\n")

	res := chaostracing(t, invocation{args: []string{"--settings", settings, "validate", srv.URL + "/exp?sig=qu3ry"}})
	if res.code != 1 || !strings.Contains(res.stderr, "cannot load experiment from "+srv.URL+"/exp?...: the server's certificate cannot be verified") ||
		!strings.Contains(res.stderr, "--no-verify-tls loads it without verifying the certificate") || strings.Contains(res.stderr, "qu3ry") {
		t.Errorf("verified: exit %d\n%s", res.code, res.stderr)
	}
	if names, _ := h.got("/hook"); len(names) != 0 {
		t.Errorf("an experiment that could not be loaded notified %v", names)
	}

	res = chaostracing(t, invocation{args: []string{"--settings", settings, "validate", "--no-verify-tls", srv.URL + "/exp"}})
	if res.code != 0 || !strings.Contains(res.stderr, "Experiment looks valid") {
		t.Errorf("not verified: exit %d\n%s", res.code, res.stderr)
	}
	res = chaostracing(t, invocation{args: []string{"--settings", settings, "validate", "--no-verify-tls", srv.URL + "/invalid"}})
	if res.code != 1 {
		t.Errorf("invalid: exit %d\n%s", res.code, res.stderr)
	}
	names, events := h.got("/hook")
	if strings.Join(names, ",") != "validate-started,validate-completed,validate-started,validate-failed" {
		t.Fatalf("events %v", names)
	}
	failed := events[3].body
	if msg, _ := failed["error"].(string); failed["phase"] != "validate" || !strings.Contains(msg, srv.URL+"/invalid is not a valid experiment") || failed["trace_id"] != nil {
		t.Errorf("validate-failed: %v", failed)
	}
}

func TestRemoteExperimentErrors(t *testing.T) {
	h := newHub(t, "Bearer right", map[string]string{"/exp.yaml": markerExperiment("/x", "true")})
	for _, tt := range []struct {
		name, url, want string
	}{
		{"404", h.URL + "/missing.json?token=qu3ry", "cannot load experiment from " + h.URL + "/missing.json?...: the server answered 404 Not Found"},
		{"401", h.URL + "/exp.yaml", "cannot load experiment from " + h.URL + "/exp.yaml: the server answered 401 Unauthorized"},
		{"down", "http://" + testutil.ClosedAddr(t) + "/exp.yaml", "connection refused"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := chaostracing(t, invocation{
				args: []string{"--settings", writeSettings(t, ""), "run", "--no-log-file", tt.url},
				env:  []string{"CHAOSTOOLKIT_LOADER_AUTH_BEARER_TOKEN=wrong-t0ken"},
			})
			if res.code != 1 || !strings.Contains(res.stderr, tt.want) || res.journal != nil {
				t.Errorf("exit %d, want 1 and %q\n%s", res.code, tt.want, res.stderr)
			}
			for _, leak := range []string{"qu3ry", "wrong-t0ken", "goroutine "} {
				if strings.Contains(res.stderr, leak) {
					t.Errorf("%q in the output:\n%s", leak, res.stderr)
				}
			}
		})
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
