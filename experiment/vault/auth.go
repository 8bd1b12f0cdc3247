package vault

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
)

// login is one call to an auth method's login endpoint.
type login struct {
	what    string // how messages name the method
	logical string
	body    map[string]string
}

// token returns the token reads are sent with, logging in on first use
// for the AppRole and Kubernetes methods.
func (s *session) token(ctx context.Context) (string, error) {
	if s.auth.method != authAppRole && s.auth.method != authKubernetes {
		return s.auth.token, nil
	}
	if s.login == nil {
		token, err := s.logIn(ctx)
		s.login = &result[string]{token, err}
	}
	return s.login.v, s.login.err
}

// logIn calls the auth method's login endpoint and returns the client
// token Vault hands out.
func (s *session) logIn(ctx context.Context) (string, error) {
	l, err := s.loginCall()
	if err != nil {
		return "", fmt.Errorf("vault login with %s: %w", l.what, err)
	}
	answer, err := s.call(ctx, http.MethodPost, l.logical, "", l.body)
	if err != nil {
		return "", fmt.Errorf("vault login with %s (%s): %w", l.what, l.logical, err)
	}
	token := answer.Object("auth").String("client_token")
	if token == "" {
		return "", fmt.Errorf("vault login with %s (%s): the answer holds no auth.client_token", l.what, l.logical)
	}
	return token, nil
}

// loginCall is the login of the session's auth method: AppRole with its
// role and secret IDs, or Kubernetes with the service account's token.
func (s *session) loginCall() (login, error) {
	a := s.auth
	if a.method == authAppRole {
		return login{what: "AppRole", logical: "auth/approle/login", body: map[string]string{"role_id": a.roleID, "secret_id": a.secretID}}, nil
	}
	l := login{what: fmt.Sprintf("Kubernetes role '%s'", a.role), logical: "auth/" + a.authMount + "/login"}
	jwt, err := os.ReadFile(a.jwtPath)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return l, fmt.Errorf("cannot read the service account token %s (vault_sa_token_path): %w", a.jwtPath, err)
	}
	l.body = map[string]string{"role": a.role, "jwt": strings.TrimSpace(string(jwt))}
	return l, nil
}
