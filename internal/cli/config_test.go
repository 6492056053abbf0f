package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckConfigErrors(t *testing.T) {
	chdirRoot(t)
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	fx := "fixtures/startup-dev-prod.json"
	tests := []struct {
		name string
		body string
		want []string
	}{
		{"unknown key", "version: 1\nidentity_acount: master\n", []string{"line 2", "unknown key identity_acount"}},
		{"bad type", "thresholds:\n  role_unused_days: soon\n", []string{"line 2", `"soon" is not an integer`}},
		{"bad date", "exceptions:\n  - rule: OA-ROOT-001\n    resource: '*'\n    reason: r\n    expires: next year\n", []string{"line 2", "not a date"}},
		{"bad glob", "exceptions:\n  - rule: OA-ROOT-001\n    resource: 'arn:[x'\n    reason: r\n", []string{"not a valid glob"}},
		{"unknown rule id", "rules:\n  disable:\n    - OA-ROOT-099\n", []string{"line 3", `unknown rule id "OA-ROOT-099"`}},
		{"unknown rule in exception", "exceptions:\n  - rule: oa-root-001\n    resource: '*'\n    reason: r\n", []string{"line 2", "did you mean OA-ROOT-001?"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := write(strings.ReplaceAll(tt.name, " ", "-")+".yaml", tt.body)
			want := append([]string{filepath.Base(cfg)}, tt.want...)
			assertCleanError(t, run(t, "check", "--snapshot", fx, "--config", cfg), ExitUsage, want...)
		})
	}
	assertCleanError(t, run(t, "check", "--snapshot", fx, "--config", filepath.Join(dir, "missing.yaml")), ExitUsage, "missing.yaml")
}

func TestCheckConfigInWorkingDirectory(t *testing.T) {
	root, err := filepath.Abs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	fx := filepath.Join(root, "fixtures", "startup-dev-prod.json")
	without := run(t, "check", "--snapshot", fx, "--format", "json", "--fail-on", "none")
	if without.code != ExitIncomplete {
		t.Fatalf("without configuration: exit %d, want 3 (identity account unknown): %s", without.code, without.stderr)
	}
	cfg, err := os.ReadFile(filepath.Join(root, "fixtures", "startup-dev-prod.orgaudit.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	body := string(cfg) + "rules:\n  disable: [OA-ROOT-003]\n  severity:\n    OA-TRUST-007: info\n"
	if err := os.WriteFile(".orgaudit.yaml", []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	with := run(t, "check", "--snapshot", fx, "--format", "json", "--fail-on", "none")
	if with.code != ExitOK {
		t.Fatalf("with .orgaudit.yaml: exit %d, want 0: %s", with.code, with.stderr)
	}
	if strings.Contains(with.stdout, `"rule_id": "OA-ROOT-003"`) {
		t.Error("disabled rule OA-ROOT-003 still reported")
	}
	if !strings.Contains(with.stdout, `"rule_id": "OA-TRUST-007",
      "title": "Roles unused for 90 days are removed",
      "severity": "info"`) {
		t.Error("severity override of OA-TRUST-007 not applied")
	}
}

func TestCheckConfigWarnings(t *testing.T) {
	chdirRoot(t)
	cfg := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(cfg, []byte("environments:\n  production: [ou:Nowhere]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := run(t, "check", "--snapshot", "fixtures/startup-dev-prod.json", "--config", cfg, "--format", "json")
	if !strings.Contains(r.stderr, `"ou:Nowhere" matches no account`) {
		t.Errorf("stderr %q should warn about the selector", r.stderr)
	}
}
