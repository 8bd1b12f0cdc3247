// Package vault reads HashiCorp Vault secrets for experiments: the
// {"type": "vault", "path": P, "key": K} entries of a secrets block, with
// the vault_* settings of the experiment's configuration, as Chaos
// Toolkit's chaoslib does through hvac. It speaks Vault's HTTP API: KV
// version 1 and 2 reads; token, AppRole and Kubernetes auth.
//
// A Client's Read is an experiment.VaultReader; the CLI sets it as
// run.Runner.Vault. The values it returns are secrets of the run, masked
// in every output like the others.
package vault

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/chaostracing/chaostracing/experiment"
	"github.com/chaostracing/chaostracing/value"
)

// DefaultTimeout bounds one exchange with Vault (a login or a read) when
// Client.Timeout is 0; it is hvac's default.
const DefaultTimeout = 30 * time.Second

// Client reads Vault secrets. It logs in once per set of settings and
// reads each secret once, however many entries name it and however often
// the secrets are resolved (validation, then the run); failures are kept
// too, so that an unreachable Vault costs one timeout, not one per entry.
// Its zero value is ready to use, and it is safe for concurrent use.
type Client struct {
	// Timeout bounds each exchange with Vault; 0 means DefaultTimeout.
	Timeout time.Duration
	// Getenv reads VAULT_ADDR, VAULT_TOKEN, VAULT_CACERT and HOME; nil
	// means the process environment.
	Getenv experiment.Getenv

	mu       sync.Mutex // serializes reads, so each secret is read once
	sessions map[settings]*session
}

// session is the state of one Vault, one identity: the token a login
// gave and the secrets read with it.
type session struct {
	settings
	http    *http.Client
	timeout time.Duration
	login   *result[string]
	reads   map[string]result[*value.Object]
}

// result is an answer kept, success or failure.
type result[T any] struct {
	v   T
	err error
}

// Read implements experiment.VaultReader: the value under key of the
// secret at path (relative to vault_secrets_mount_point), or the whole
// secret, an object, when key is "".
func (c *Client) Read(ctx context.Context, configuration *value.Object, path, key string) (any, error) {
	path = strings.Trim(strings.TrimSpace(path), "/")
	if path == "" {
		return nil, errors.New("a vault entry requires a path")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	s, err := c.session(configuration)
	if err != nil {
		return nil, err
	}
	data, err := s.secret(ctx, path)
	if err != nil {
		return nil, err
	}
	if key == "" {
		return data.Clone(), nil // entries naming one secret share no object
	}
	v, ok := data.Get(key)
	if !ok {
		return nil, fmt.Errorf("vault secret %s: no key '%s' (its keys: %s)", s.logical(path), key, strings.Join(data.Keys(), ", "))
	}
	return v, nil
}

// session returns the session of the configuration's settings, made on
// first use.
func (c *Client) session(configuration *value.Object) (*session, error) {
	getenv := c.Getenv
	if getenv == nil {
		getenv = os.LookupEnv
	}
	st, err := settingsFrom(configuration, getenv)
	if err != nil {
		return nil, err
	}
	if s, ok := c.sessions[st]; ok {
		return s, nil
	}
	hc, err := httpClient(st.caCert)
	if err != nil {
		return nil, err
	}
	s := &session{settings: st, http: hc, timeout: c.Timeout, reads: map[string]result[*value.Object]{}}
	if s.timeout <= 0 {
		s.timeout = DefaultTimeout
	}
	if c.sessions == nil {
		c.sessions = map[settings]*session{}
	}
	c.sessions[st] = s
	return s, nil
}

// secret returns the data of the secret at path, read on first use.
func (s *session) secret(ctx context.Context, path string) (*value.Object, error) {
	if r, ok := s.reads[path]; ok {
		return r.v, r.err
	}
	data, err := s.readSecret(ctx, path)
	s.reads[path] = result[*value.Object]{data, err}
	return data, err
}

func (s *session) readSecret(ctx context.Context, path string) (*value.Object, error) {
	token, err := s.token(ctx)
	if err != nil {
		return nil, err
	}
	logical := s.logical(path)
	answer, err := s.call(ctx, http.MethodGet, logical, token, nil)
	if err != nil {
		return nil, fmt.Errorf("vault secret %s: %w%s", logical, err, s.hint(path, token, err))
	}
	data := answer.Object("data")
	if s.kvVersion == "2" {
		data = data.Object("data")
	}
	if data == nil {
		return nil, fmt.Errorf("vault secret %s: the answer holds no data", logical)
	}
	return data, nil
}

// logical is the Vault path of a secret: mount/path for KV version 1,
// mount/data/path for version 2.
func (s *session) logical(path string) string {
	if s.kvVersion == "2" {
		return s.mount + "/data/" + path
	}
	return s.mount + "/" + path
}

// hint says what may be wrong when a read fails for a common mistake.
func (s *session) hint(path, token string, err error) string {
	var ve *Error
	if !errors.As(err, &ve) {
		return ""
	}
	switch {
	case ve.Status == http.StatusForbidden && token == "":
		return "; no token was sent: set vault_token, vault_role_id and vault_role_secret, or vault_sa_role in the configuration, or VAULT_TOKEN"
	case ve.Status == http.StatusNotFound && strings.HasPrefix(path, s.mount+"/"):
		return fmt.Sprintf("; the path is relative to the mount '%s' (vault_secrets_mount_point)", s.mount)
	case ve.Status == http.StatusNotFound && s.kvVersion == "2" && len(ve.Warnings) == 0:
		return "; if the mount is KV version 1, set vault_kv_version to 1"
	}
	return ""
}
