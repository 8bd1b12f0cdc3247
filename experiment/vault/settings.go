package vault

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/value"
)

// Defaults, as chaoslib and hvac have them.
const (
	// defaultAddr is hvac's, when neither vault_addr nor VAULT_ADDR is set.
	defaultAddr = "http://localhost:8200"
	// defaultMount is where the KV secrets engine is mounted
	// (vault_secrets_mount_point).
	defaultMount = "secret"
	// defaultKubernetesMount is where the Kubernetes auth method is
	// mounted (vault_k8s_mount_point).
	defaultKubernetesMount = "kubernetes"
	// defaultServiceAccountTokenPath is where a pod finds its service
	// account token (vault_sa_token_path).
	defaultServiceAccountTokenPath = "/var/run/secrets/kubernetes.io/serviceaccount/token"
)

// Auth methods, in the order chaoslib tries them.
const (
	authToken      = "token"      // vault_token, else VAULT_TOKEN or ~/.vault-token
	authAppRole    = "AppRole"    // vault_role_id + vault_role_secret
	authKubernetes = "Kubernetes" // vault_sa_role
)

// settings are what a read needs from the configuration and the
// environment. The struct is comparable: sessions are keyed by it.
type settings struct {
	addr      string
	mount     string
	kvVersion string // "1" or "2"
	caCert    string // VAULT_CACERT: a PEM file of CAs to trust
	auth      auth
}

// auth is one way to get a token.
type auth struct {
	method string // one of the auth constants; "" sends no token
	token  string
	roleID string
	// secretID is the AppRole's secret, vault_role_secret.
	secretID  string
	role      string // the Kubernetes role, vault_sa_role
	jwtPath   string // the service account token file
	authMount string // the Kubernetes auth mount
}

// settingsFrom reads the vault_* keys of a resolved configuration, with
// hvac's fallbacks to VAULT_ADDR, VAULT_TOKEN and ~/.vault-token.
func settingsFrom(cfg *value.Object, getenv experiment.Getenv) (settings, error) {
	s := settings{
		addr:      orDefault(str(cfg, "vault_addr"), env(getenv, "VAULT_ADDR"), defaultAddr),
		mount:     strings.Trim(orDefault(str(cfg, "vault_secrets_mount_point"), defaultMount), "/"),
		kvVersion: orDefault(str(cfg, "vault_kv_version"), "2"),
		caCert:    env(getenv, "VAULT_CACERT"),
	}
	if s.kvVersion != "1" && s.kvVersion != "2" {
		return s, fmt.Errorf("vault_kv_version must be 1 or 2, not '%s'", s.kvVersion)
	}
	s.auth = authFrom(cfg, getenv)
	return s, nil
}

// authFrom picks the auth method as chaoslib does: a configured token,
// else an AppRole, else a Kubernetes role, else the environment's token.
func authFrom(cfg *value.Object, getenv experiment.Getenv) auth {
	switch {
	case cfg.Has("vault_token"):
		return auth{method: authToken, token: str(cfg, "vault_token")}
	case cfg.Has("vault_role_id") && cfg.Has("vault_role_secret"):
		return auth{method: authAppRole, roleID: str(cfg, "vault_role_id"), secretID: str(cfg, "vault_role_secret")}
	case cfg.Has("vault_sa_role"):
		return auth{
			method:    authKubernetes,
			role:      str(cfg, "vault_sa_role"),
			jwtPath:   orDefault(str(cfg, "vault_sa_token_path"), defaultServiceAccountTokenPath),
			authMount: strings.Trim(orDefault(str(cfg, "vault_k8s_mount_point"), defaultKubernetesMount), "/"),
		}
	}
	if token := envToken(getenv); token != "" {
		return auth{method: authToken, token: token}
	}
	return auth{}
}

// envToken is VAULT_TOKEN, else the content of ~/.vault-token (where
// `vault login` keeps it), else "".
func envToken(getenv experiment.Getenv) string {
	if token := env(getenv, "VAULT_TOKEN"); token != "" {
		return token
	}
	home := env(getenv, "HOME")
	if home == "" {
		return ""
	}
	data, err := os.ReadFile(filepath.Join(home, ".vault-token"))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(data))
}

// str is a configuration value as a string ("" when absent or null).
func str(cfg *value.Object, key string) string {
	v, _ := cfg.Get(key)
	if v == nil {
		return ""
	}
	return experiment.PyStr(v)
}

func env(getenv experiment.Getenv, key string) string {
	v, _ := getenv(key)
	return v
}

// orDefault returns the first non-empty value.
func orDefault(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
