package testutil

import (
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
)

// VaultConfig is what a fake Vault holds.
type VaultConfig struct {
	// Token is the token reads need; the logins hand it out.
	Token string
	// Mounts maps each KV mount to its version, 1 or 2.
	Mounts map[string]int
	// Secrets maps "mount/path" to the secret's data.
	Secrets map[string]map[string]any
	// Denied lists the "mount/path" secrets that Token may not read.
	Denied []string
	// RoleID and SecretID are the AppRole credentials that log in.
	RoleID, SecretID string
	// K8sMount, K8sRole and JWT are the Kubernetes auth mount, role and
	// service account token that log in.
	K8sMount, K8sRole, JWT string
	// TLS serves HTTPS, with a certificate of its own (Vault.Certificate).
	TLS bool
}

// VaultRequest is one request a fake Vault received.
type VaultRequest struct {
	Method, Path string
	Token        string // the X-Vault-Token header
	Body         map[string]any
}

// Vault is a recorded-exchange stand-in for HashiCorp Vault on a loopback
// port: KV version 1 and 2 reads, AppRole and Kubernetes logins, and
// their failures, answered with the status codes and JSON shapes of
// Vault's HTTP API documentation. It records every request.
type Vault struct {
	URL string
	cfg VaultConfig
	srv *httptest.Server

	mu       sync.Mutex
	requests []VaultRequest
}

// StartVault starts a fake Vault, stopped when the test ends.
func StartVault(t testing.TB, cfg VaultConfig) *Vault {
	t.Helper()
	v := &Vault{cfg: cfg}
	v.srv = httptest.NewUnstartedServer(http.HandlerFunc(v.serve))
	v.srv.Config.ErrorLog = log.New(io.Discard, "", 0) // a client refusing the certificate is a test case
	if cfg.TLS {
		v.srv.StartTLS()
	} else {
		v.srv.Start()
	}
	t.Cleanup(v.srv.Close)
	v.URL = v.srv.URL
	return v
}

// CertificatePEM is the PEM encoding of the certificate of a Vault
// started with TLS.
func (v *Vault) CertificatePEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: v.srv.Certificate().Raw})
}

// Requests returns the requests received so far.
func (v *Vault) Requests() []VaultRequest {
	v.mu.Lock()
	defer v.mu.Unlock()
	return slices.Clone(v.requests)
}

func (v *Vault) serve(w http.ResponseWriter, r *http.Request) {
	req := VaultRequest{Method: r.Method, Path: r.URL.Path, Token: r.Header.Get("X-Vault-Token")}
	_ = json.NewDecoder(r.Body).Decode(&req.Body)
	v.mu.Lock()
	v.requests = append(v.requests, req)
	v.mu.Unlock()
	logical := strings.TrimPrefix(r.URL.Path, "/v1/")
	switch {
	case r.Method == http.MethodPost && logical == "auth/approle/login":
		v.appRoleLogin(w, req.Body)
	case r.Method == http.MethodPost && logical == "auth/"+v.cfg.K8sMount+"/login":
		v.kubernetesLogin(w, req.Body)
	case r.Method == http.MethodGet && req.Token != v.cfg.Token:
		vaultError(w, http.StatusForbidden, "permission denied")
	case r.Method == http.MethodGet:
		v.read(w, logical)
	default:
		vaultError(w, http.StatusMethodNotAllowed, "unsupported operation")
	}
}

func (v *Vault) appRoleLogin(w http.ResponseWriter, body map[string]any) {
	if body["role_id"] != v.cfg.RoleID || body["secret_id"] != v.cfg.SecretID {
		vaultError(w, http.StatusBadRequest, "invalid role or secret ID")
		return
	}
	v.login(w, map[string]any{"role_name": "chaos"})
}

func (v *Vault) kubernetesLogin(w http.ResponseWriter, body map[string]any) {
	switch {
	case body["role"] != v.cfg.K8sRole:
		vaultError(w, http.StatusBadRequest, fmt.Sprintf("invalid role name %q", body["role"]))
	case body["jwt"] != v.cfg.JWT:
		vaultError(w, http.StatusForbidden, "permission denied")
	default:
		v.login(w, map[string]any{"role": v.cfg.K8sRole, "service_account_name": "chaos", "service_account_namespace": "default"})
	}
}

// login answers as Vault's login endpoints document.
func (v *Vault) login(w http.ResponseWriter, metadata map[string]any) {
	vaultJSON(w, http.StatusOK, map[string]any{
		"request_id": "2e3b8f4a-0c1d-4e5f-8a9b-1c2d3e4f5a6b", "lease_id": "", "renewable": false, "lease_duration": 0,
		"data": nil, "wrap_info": nil, "warnings": nil,
		"auth": map[string]any{
			"client_token":   v.cfg.Token,
			"accessor":       "fd6c9a00-d2dc-3b11-0be5-af7ae0e1d374",
			"policies":       []string{"default", "chaos"},
			"token_policies": []string{"default", "chaos"},
			"metadata":       metadata,
			"lease_duration": 1200,
			"renewable":      true,
		},
	})
}

// read answers a KV read: version 1 at mount/path, version 2 at
// mount/data/path.
func (v *Vault) read(w http.ResponseWriter, logical string) {
	mount, rest, _ := strings.Cut(logical, "/")
	version, ok := v.cfg.Mounts[mount]
	if !ok {
		vaultError(w, http.StatusNotFound, `no handler for route "`+logical+`". route entry not found.`)
		return
	}
	if version == 2 {
		var versioned bool
		if rest, versioned = strings.CutPrefix(rest, "data/"); !versioned {
			vaultJSON(w, http.StatusNotFound, map[string]any{"data": nil, "warnings": []string{
				"Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the Vault CLI, use 'vault kv get' for this operation."}})
			return
		}
	}
	key := mount + "/" + rest
	data, found := v.cfg.Secrets[key]
	switch {
	case slices.Contains(v.cfg.Denied, key):
		vaultError(w, http.StatusForbidden, "permission denied")
	case !found:
		vaultJSON(w, http.StatusNotFound, map[string]any{"errors": []string{}})
	case version == 2:
		vaultJSON(w, http.StatusOK, secretAnswer(map[string]any{"data": data, "metadata": map[string]any{
			"created_time": "2018-03-22T02:24:06.945319214Z", "custom_metadata": nil,
			"deletion_time": "", "destroyed": false, "version": 1}}, 0))
	default:
		vaultJSON(w, http.StatusOK, secretAnswer(data, 2764800))
	}
}

// secretAnswer wraps a read's data as Vault does.
func secretAnswer(data map[string]any, lease int) map[string]any {
	return map[string]any{"request_id": "7f2c0c3e-5a41-4f53-9d1a-3c1f0e8b2d7a", "lease_id": "", "renewable": false,
		"lease_duration": lease, "data": data, "wrap_info": nil, "warnings": nil, "auth": nil}
}

func vaultError(w http.ResponseWriter, status int, msg string) {
	vaultJSON(w, status, map[string]any{"errors": []string{msg}})
}

func vaultJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
