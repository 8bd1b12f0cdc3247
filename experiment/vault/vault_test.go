package vault

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chaostracing/chaostracing/internal/testutil"
	"github.com/chaostracing/chaostracing/value"
)

const (
	rootToken = "hvs.root-token-6f1d2c"
	roleID    = "db02de05-fa39-4855-059b-67221c5c2f63"
	secretID  = "6a174c20-f6de-a53c-74d2-6018fcceff64"
	jwt       = "eyJhbGciOiJSUzI1NiJ9.sa-token.sig"
)

// startVault starts a fake Vault holding a KV v2 mount "secret" and a KV
// v1 mount "kv", with AppRole and Kubernetes (mounted at "k8s") logins.
func startVault(t *testing.T, tls bool) *testutil.Vault {
	return testutil.StartVault(t, testutil.VaultConfig{
		Token:  rootToken,
		Mounts: map[string]int{"secret": 2, "kv": 1},
		Secrets: map[string]map[string]any{
			"secret/db":     {"user": "chaos", "password": "s3cr3t-db-pw"},
			"secret/locked": {"password": "never"},
			"kv/legacy":     {"api_key": "legacy-key-123"},
		},
		Denied: []string{"secret/locked"},
		RoleID: roleID, SecretID: secretID,
		K8sMount: "k8s", K8sRole: "chaos", JWT: jwt,
		TLS: tls,
	})
}

// config builds a configuration from alternating keys and values.
func config(pairs ...any) *value.Object { return value.NewObject(pairs...) }

// environ is a Getenv over a map.
func environ(env map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := env[k]; return v, ok }
}

// saToken writes a service account token file and returns its path.
func saToken(t *testing.T) string {
	p := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(p, []byte(jwt+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRead(t *testing.T) {
	v := startVault(t, false)
	tokenFile := saToken(t)
	home := t.TempDir()
	if err := os.WriteFile(filepath.Join(home, ".vault-token"), []byte(rootToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		cfg       *value.Object
		env       map[string]string
		path, key string
		want      any
		requests  []testutil.VaultRequest // Body nil: not checked
	}{
		{
			name: "kv2 token key", cfg: config("vault_addr", v.URL, "vault_token", rootToken),
			path: "db", key: "password", want: "s3cr3t-db-pw",
			requests: []testutil.VaultRequest{{Method: "GET", Path: "/v1/secret/data/db", Token: rootToken}},
		},
		{
			name: "kv2 whole secret", cfg: config("vault_addr", v.URL, "vault_token", rootToken, "vault_kv_version", "2"),
			path: "/db/", want: value.NewObject("user", "chaos", "password", "s3cr3t-db-pw"),
			requests: []testutil.VaultRequest{{Method: "GET", Path: "/v1/secret/data/db", Token: rootToken}},
		},
		{
			name: "kv1 mount point", cfg: config("vault_addr", v.URL, "vault_token", rootToken, "vault_kv_version", int64(1), "vault_secrets_mount_point", "kv"),
			path: "legacy", key: "api_key", want: "legacy-key-123",
			requests: []testutil.VaultRequest{{Method: "GET", Path: "/v1/kv/legacy", Token: rootToken}},
		},
		{
			name: "approle", cfg: config("vault_addr", v.URL, "vault_role_id", roleID, "vault_role_secret", secretID),
			path: "db", key: "user", want: "chaos",
			requests: []testutil.VaultRequest{
				{Method: "POST", Path: "/v1/auth/approle/login", Body: map[string]any{"role_id": roleID, "secret_id": secretID}},
				{Method: "GET", Path: "/v1/secret/data/db", Token: rootToken},
			},
		},
		{
			name: "kubernetes", cfg: config("vault_addr", v.URL, "vault_sa_role", "chaos", "vault_sa_token_path", tokenFile, "vault_k8s_mount_point", "k8s"),
			path: "db", key: "user", want: "chaos",
			requests: []testutil.VaultRequest{
				{Method: "POST", Path: "/v1/auth/k8s/login", Body: map[string]any{"role": "chaos", "jwt": jwt}},
				{Method: "GET", Path: "/v1/secret/data/db", Token: rootToken},
			},
		},
		{
			name: "token wins over approle", cfg: config("vault_addr", v.URL, "vault_token", rootToken, "vault_role_id", "x", "vault_role_secret", "y"),
			path: "db", key: "user", want: "chaos",
			requests: []testutil.VaultRequest{{Method: "GET", Path: "/v1/secret/data/db", Token: rootToken}},
		},
		{
			name: "VAULT_ADDR and VAULT_TOKEN", cfg: config(), env: map[string]string{"VAULT_ADDR": v.URL, "VAULT_TOKEN": rootToken},
			path: "db", key: "user", want: "chaos",
			requests: []testutil.VaultRequest{{Method: "GET", Path: "/v1/secret/data/db", Token: rootToken}},
		},
		{
			name: "~/.vault-token", cfg: config("vault_addr", v.URL), env: map[string]string{"HOME": home},
			path: "db", key: "user", want: "chaos",
			requests: []testutil.VaultRequest{{Method: "GET", Path: "/v1/secret/data/db", Token: rootToken}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(v.Requests())
			c := &Client{Getenv: environ(tt.env)}
			got, err := c.Read(context.Background(), tt.cfg, tt.path, tt.key)
			if err != nil {
				t.Fatal(err)
			}
			if !value.Equal(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
			checkRequests(t, v.Requests()[before:], tt.requests)
		})
	}
}

func checkRequests(t *testing.T, got, want []testutil.VaultRequest) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("requests = %+v, want %+v", got, want)
	}
	for i, w := range want {
		g := got[i]
		if g.Method != w.Method || g.Path != w.Path || g.Token != w.Token {
			t.Errorf("request %d = %s %s token %q, want %s %s token %q", i, g.Method, g.Path, g.Token, w.Method, w.Path, w.Token)
		}
		if w.Body != nil && !reflect.DeepEqual(g.Body, w.Body) {
			t.Errorf("request %d body = %v, want %v", i, g.Body, w.Body)
		}
	}
}

func TestReadErrors(t *testing.T) {
	v := startVault(t, false)
	closed := testutil.ClosedAddr(t)
	token := config("vault_addr", v.URL, "vault_token", rootToken)
	tests := []struct {
		name      string
		cfg       *value.Object
		path, key string
		want      string
	}{
		{"missing key", token, "db", "pasword", "vault secret secret/data/db: no key 'pasword' (its keys: password, user)"},
		{"forbidden", token, "locked", "", "vault secret secret/data/locked: permission denied (403)"},
		{"not found", token, "nothere", "", "vault secret secret/data/nothere: not found (404); if the mount is KV version 1, set vault_kv_version to 1"},
		{"path with the mount", token, "secret/db", "", "vault secret secret/data/secret/db: not found (404); the path is relative to the mount 'secret'"},
		{"kv1 read of a kv2 mount", config("vault_addr", v.URL, "vault_token", rootToken, "vault_kv_version", "1"), "db", "",
			"vault secret secret/db: not found (404); Vault warns: Invalid path for a versioned K/V secrets engine."},
		{"unknown mount", config("vault_addr", v.URL, "vault_token", rootToken, "vault_secrets_mount_point", "nope"), "db", "",
			`vault secret nope/data/db: no handler for route "nope/data/db". route entry not found. (404)`},
		{"bad token", config("vault_addr", v.URL, "vault_token", "hvs.wrong"), "db", "", "vault secret secret/data/db: permission denied (403)"},
		{"no token", config("vault_addr", v.URL), "db", "", "permission denied (403); no token was sent: set vault_token"},
		{"bad approle", config("vault_addr", v.URL, "vault_role_id", roleID, "vault_role_secret", "wrong"), "db", "",
			"vault login with AppRole (auth/approle/login): invalid role or secret ID (400)"},
		{"bad kubernetes role", config("vault_addr", v.URL, "vault_sa_role", "other", "vault_sa_token_path", saToken(t), "vault_k8s_mount_point", "k8s"), "db", "",
			`vault login with Kubernetes role 'other' (auth/k8s/login): invalid role name "other" (400)`},
		{"no service account token", config("vault_addr", v.URL, "vault_sa_role", "chaos", "vault_sa_token_path", "/nonexistent/token"), "db", "",
			"vault login with Kubernetes role 'chaos': cannot read the service account token /nonexistent/token (vault_sa_token_path): no such file or directory"},
		{"kv version", config("vault_addr", v.URL, "vault_kv_version", "3"), "db", "", "vault_kv_version must be 1 or 2, not '3'"},
		{"no path", token, " / ", "", "a vault entry requires a path"},
		{"unreachable", config("vault_addr", "http://"+closed, "vault_token", rootToken), "db", "",
			"vault secret secret/data/db: cannot reach Vault at http://" + closed + ": dial tcp " + closed + ": connect: connection refused"},
		{"not a URL", config("vault_addr", "http://[::1", "vault_token", rootToken), "db", "", "vault_addr 'http://[::1' is not a URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := (&Client{Getenv: environ(nil)}).Read(context.Background(), tt.cfg, tt.path, tt.key)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to hold %q", err, tt.want)
			}
			if strings.Contains(err.Error(), rootToken) || strings.Contains(err.Error(), secretID) || strings.Contains(err.Error(), jwt) {
				t.Errorf("the error shows a credential: %v", err)
			}
		})
	}
}

// A Vault that accepts connections and never answers costs one timeout,
// however many entries read from it.
func TestReadTimeout(t *testing.T) {
	addr, conns := testutil.BlackHole(t)
	c := &Client{Timeout: 200 * time.Millisecond, Getenv: environ(nil)}
	cfg := config("vault_addr", "http://"+addr, "vault_role_id", roleID, "vault_role_secret", secretID)
	start := time.Now()
	for _, path := range []string{"db", "other", "db"} {
		_, err := c.Read(context.Background(), cfg, path, "")
		want := "vault login with AppRole (auth/approle/login): no answer from Vault at http://" + addr + " within 200ms"
		if err == nil || err.Error() != want {
			t.Fatalf("err = %v, want %s", err, want)
		}
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("three reads took %s", elapsed)
	}
	if n := conns(); n != 1 {
		t.Errorf("%d connections, want 1: the failed login is not kept", n)
	}
}

// One login and one read per secret, whatever the number of entries and
// resolutions; other settings make another session.
func TestReadKeepsAnswers(t *testing.T) {
	v := startVault(t, false)
	c := &Client{Getenv: environ(nil)}
	approle := config("vault_addr", v.URL, "vault_role_id", roleID, "vault_role_secret", secretID)
	for range 2 {
		for _, key := range []string{"user", "password"} {
			if _, err := c.Read(context.Background(), approle, "db", key); err != nil {
				t.Fatal(err)
			}
		}
	}
	checkRequests(t, v.Requests(), []testutil.VaultRequest{
		{Method: "POST", Path: "/v1/auth/approle/login"},
		{Method: "GET", Path: "/v1/secret/data/db", Token: rootToken},
	})
	kv1 := config("vault_addr", v.URL, "vault_token", rootToken, "vault_kv_version", "1", "vault_secrets_mount_point", "kv")
	if _, err := c.Read(context.Background(), kv1, "legacy", "api_key"); err != nil {
		t.Fatal(err)
	}
	if n := len(v.Requests()); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
}

// VAULT_CACERT names the CA of a Vault served over HTTPS.
func TestReadTLS(t *testing.T) {
	v := startVault(t, true)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, v.CertificatePEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := config("vault_addr", v.URL, "vault_token", rootToken)
	if _, err := (&Client{Getenv: environ(nil)}).Read(context.Background(), cfg, "db", "user"); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("without VAULT_CACERT: err = %v, want a certificate error", err)
	}
	got, err := (&Client{Getenv: environ(map[string]string{"VAULT_CACERT": ca})}).Read(context.Background(), cfg, "db", "user")
	if err != nil || got != "chaos" {
		t.Errorf("with VAULT_CACERT: %v, %v", got, err)
	}
}

// A redirect to another host is refused: the token must not follow it.
func TestReadRefusesRedirectToAnotherHost(t *testing.T) {
	var leaked atomic.Bool
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked.Store(r.Header.Get("X-Vault-Token") != "")
	}))
	defer other.Close()
	otherURL := strings.Replace(other.URL, "127.0.0.1", "localhost", 1)
	redirecting := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, otherURL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer redirecting.Close()
	_, err := (&Client{Getenv: environ(nil)}).Read(context.Background(), config("vault_addr", redirecting.URL, "vault_token", rootToken), "db", "")
	if err == nil || !strings.Contains(err.Error(), "refusing a redirect to another host") {
		t.Errorf("err = %v", err)
	}
	if leaked.Load() {
		t.Error("the token was sent to the other host")
	}
}
