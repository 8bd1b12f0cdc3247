package functional

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/chaostracing/chaostracing/internal/testutil"
)

// A secret read from Vault (KV v2, AppRole login) reaches a process
// activity's arguments, and appears in no artefact of the run: journal,
// log file, console, trace file. The whole secret (no key) is masked too.
// Validation and the run share one login and one read.
func TestVaultSecretsReachTheRunAndNeverLeaveIt(t *testing.T) {
	const canary = "vault-canary-5d9e1a7c"
	const token = "hvs.vault-client-token-0b7e"
	v := testutil.StartVault(t, testutil.VaultConfig{
		Token:   token,
		Mounts:  map[string]int{"secret": 2},
		Secrets: map[string]map[string]any{"secret/app/db": {"user": "chaos", "password": canary}},
		RoleID:  "role-for-chaos", SecretID: "secret-id-for-chaos",
	})
	cfg, _ := json.Marshal(map[string]any{
		"vault_addr":        v.URL,
		"vault_role_id":     "role-for-chaos",
		"vault_role_secret": map[string]string{"type": "env", "key": "CT_VAULT_SECRET_ID"},
	})
	doc := `{"title": "vault", "description": "a vault secret in a process argument",
  "configuration": ` + string(cfg) + `,
  "secrets": {"db": {"password": {"type": "vault", "path": "app/db", "key": "password"}, "all": {"type": "vault", "path": "app/db"}}},
  "steady-state-hypothesis": {"title": "the password is passed", "probes": [
    {"type": "probe", "name": "echo-password", "tolerance": {"type": "regex", "target": "stdout", "pattern": "pw=${password}"},
     "provider": {"type": "process", "path": "echo", "arguments": ["pw=${password}"]}}]},
  "method": [
    {"type": "action", "name": "print-all", "provider": {"type": "process", "path": "sh", "arguments": ["-c", "echo \"all=$0\" >&2; exit 3", "${all}"]}}
  ]}`
	res := chaostracing(t, invocation{
		args:  []string{"run", "--log-file", "run.log", "-"},
		stdin: []byte(doc),
		env:   []string{"CT_VAULT_SECRET_ID=secret-id-for-chaos"},
	})
	if res.code != 0 || res.journal == nil {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}
	if p := res.journal.SteadyStates.Before.Probes[0]; p.ToleranceMet == nil || !*p.ToleranceMet {
		t.Fatalf("tolerance on the vault secret not met: %+v", p)
	}
	artefacts := map[string]string{"console": res.stderr + res.stdout}
	readArtefacts(t, res.dir, artefacts, "journal.json", "run.log", "chaostracing-trace.jsonl")
	holdNone(t, artefacts, canary, token)
	if j := artefacts["journal.json"]; !strings.Contains(j, "pw=***") || !strings.Contains(j, "'password': '***'") {
		t.Error("the journal's outputs are not masked where the vault secret was")
	}
	var paths []string
	for _, r := range v.Requests() {
		paths = append(paths, r.Method+" "+r.Path)
	}
	if got := strings.Join(paths, ", "); got != "POST /v1/auth/approle/login, GET /v1/secret/data/app/db" {
		t.Errorf("Vault received %s; want one login and one read", got)
	}
}

// A Vault that refuses the read stops the run before anything runs, with
// the entry's location and Vault's reason.
func TestVaultPermissionDeniedIsALocatedError(t *testing.T) {
	v := testutil.StartVault(t, testutil.VaultConfig{Token: "hvs.t", Mounts: map[string]int{"secret": 2}, Denied: []string{"secret/db"}})
	doc := `{"title": "t", "description": "d", "method": [],
  "configuration": {"vault_addr": "` + v.URL + `", "vault_token": "hvs.t"},
  "secrets": {"db": {"password": {"type": "vault", "path": "db", "key": "password"}}}}`
	res := chaostracing(t, invocation{args: []string{"run", "-"}, stdin: []byte(doc)})
	want := "$.secrets.db.password (line 3:34): vault secret secret/data/db: permission denied (403)"
	if res.code != 1 || res.journal != nil || !strings.Contains(res.stderr, want) {
		t.Errorf("exit %d, journal %v, stderr:\n%s\nwant %q", res.code, res.journal != nil, res.stderr, want)
	}
}
