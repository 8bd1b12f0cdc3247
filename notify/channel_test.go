package notify

import (
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/chaostracing/chaostracing/settings"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// loadSettings writes a settings file and loads it.
func loadSettings(t *testing.T, yaml string) *settings.Settings {
	t.Helper()
	path := filepath.Join(t.TempDir(), "settings.yaml")
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := settings.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestFromSettingsReadsHTTPNotifications(t *testing.T) {
	s := loadSettings(t, `chaostracing:
  trace_url: http://jaeger:16686/trace/{trace_id}
notifications:
  - type: http
    url: https://hooks.example.com/chaos
    headers: {Authorization: Bearer t0ken, X-Team: sre}
    verify_tls: false
    forward_event_payload: false
    events: [run-failed, run-deviated]
  - type: http
    url: http://127.0.0.1:9000/
    trace_url: https://ui.example.com/traces/{trace_id}?tab=spans
  - {type: http, url: "http://localhost:8080/all"}
`)
	channels, warnings := FromSettings(s)
	if len(warnings) != 0 {
		t.Errorf("warnings: %q", warnings)
	}
	want := []Channel{
		{URL: "https://hooks.example.com/chaos", Header: http.Header{"Authorization": {"Bearer t0ken"}, "X-Team": {"sre"}},
			Events: []string{RunFailed, RunDeviated}, TraceURL: "http://jaeger:16686/trace/{trace_id}"},
		{URL: "http://127.0.0.1:9000/", Header: http.Header{}, VerifyTLS: true, ForwardPayload: true,
			TraceURL: "https://ui.example.com/traces/{trace_id}?tab=spans"},
		{URL: "http://localhost:8080/all", Header: http.Header{}, VerifyTLS: true, ForwardPayload: true,
			TraceURL: "http://jaeger:16686/trace/{trace_id}"},
	}
	if !reflect.DeepEqual(channels, want) {
		t.Errorf("channels\n%+v\nwant\n%+v", channels, want)
	}
}

// Entries that cannot be used are left out with a located warning; an
// unknown event name only warns. No warning shows a header's value or
// the URL's credentials.
func TestFromSettingsWarnsAboutBadEntries(t *testing.T) {
	tests := []struct {
		name, entry string
		kept        bool
		want        string
	}{
		{"plugin", "{type: plugin, module: chaosslack.notification}", false,
			"settings.yaml:2:12: $.notifications[0].type: notification plugins (python functions) are not supported yet; this notification is skipped"},
		{"no type", "{url: 'http://x/'}", false, "settings.yaml:2:5: $.notifications[0]: a notification requires a type: http; this notification is skipped"},
		{"unknown type", "{type: slack, url: 'http://x/'}", false, "$.notifications[0].type: unknown notification type 'slack': use http"},
		{"not an object", "just-a-string", false, "$.notifications[0]: a notification must be an object, not string"},
		{"no url", "{type: http}", false, "an http notification requires a url (a non-empty string); this notification is skipped"},
		{"bad scheme", "{type: http, url: 'ftp://user:pa55w0rd@x/?token=qu3ry'}", false,
			"$.notifications[0].url: invalid url ftp://x/?...: an http or https URL with a host is required"},
		{"headers not an object", "{type: http, url: 'http://x/', headers: [a]}", false, "$.notifications[0].headers: headers must be an object, not array"},
		{"header not a string", "{type: http, url: 'http://x/', headers: {X-Key: 12345678}}", false,
			"$.notifications[0].headers.X-Key: the value of header 'X-Key' must be a string, not integer"},
		{"verify_tls not a bool", "{type: http, url: 'http://x/', verify_tls: 'no'}", false, "verify_tls must be true or false, not string"},
		{"events not a list", "{type: http, url: 'http://x/', events: run-failed}", false, "events must be a list of event names, not string"},
		{"event not a string", "{type: http, url: 'http://x/', events: [1]}", false, "$.notifications[0].events[0]: an event name must be a string"},
		{"unknown event", "{type: http, url: 'http://x/', events: [run-failed, run-finished]}", true,
			"settings.yaml:2:57: $.notifications[0].events[1]: unknown event 'run-finished', which is never sent; events are run-started, run-completed"},
		{"trace_url not a string", "{type: http, url: 'http://x/', trace_url: 3}", false, "trace_url must be a string, not integer"},
		{"trace_url without placeholder", "{type: http, url: 'http://x/', trace_url: 'http://jaeger/'}", true,
			"trace_url has no {trace_id}: every notification links to the same page"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := loadSettings(t, "notifications:\n  - "+tt.entry+"\n")
			channels, warnings := FromSettings(s)
			if len(warnings) != 1 || !strings.Contains(warnings[0], tt.want) {
				t.Fatalf("warnings %q, want one containing %q", warnings, tt.want)
			}
			if !strings.HasPrefix(warnings[0], s.Path+":2:") {
				t.Errorf("warning %q is not located in %s", warnings[0], s.Path)
			}
			if kept := len(channels) == 1; kept != tt.kept {
				t.Errorf("kept %v, want %v", kept, tt.kept)
			}
			for _, secret := range []string{"pa55w0rd", "qu3ry", "12345678"} {
				if strings.Contains(warnings[0], secret) {
					t.Errorf("warning shows %q: %s", secret, warnings[0])
				}
			}
		})
	}
}

func TestFromSettingsWithoutNotifications(t *testing.T) {
	for name, yaml := range map[string]string{
		"none":  "runtime: {rollbacks: {strategy: always}}\n",
		"empty": "notifications: []\n",
		"null":  "notifications:\n",
	} {
		channels, warnings := FromSettings(loadSettings(t, yaml))
		if channels != nil || warnings != nil {
			t.Errorf("%s: channels %v, warnings %q", name, channels, warnings)
		}
	}
	channels, warnings := FromSettings(loadSettings(t, "notifications: {type: http}\n"))
	if channels != nil || len(warnings) != 1 || !strings.Contains(warnings[0], "notifications must be a list, not object; no notification is sent") {
		t.Errorf("channels %v, warnings %q", channels, warnings)
	}
	if channels, warnings := FromSettings(nil); channels != nil || warnings != nil {
		t.Errorf("nil settings: %v %q", channels, warnings)
	}
}

func TestChannelWants(t *testing.T) {
	all := Channel{}
	some := Channel{Events: []string{RunFailed, "run-finished"}}
	unknownOnly := Channel{Events: []string{"run-finished"}}
	for _, tt := range []struct {
		c     Channel
		event string
		want  bool
	}{
		{all, RunStarted, true},
		{some, RunFailed, true},
		{some, RunStarted, false},
		{unknownOnly, RunStarted, false},
	} {
		if got := tt.c.wants(tt.event); got != tt.want {
			t.Errorf("%v wants %s: %v", tt.c.Events, tt.event, got)
		}
	}
}
