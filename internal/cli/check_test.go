package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var fixtures = []string{
	"fixtures/startup-dev-prod.json",
	"fixtures/consultancy-clients.json",
	"fixtures/identity-account-ous.json",
}

var checkFormats = map[string]string{"table": "txt", "json": "json", "sarif": "sarif", "markdown": "md", "junit": "xml"}

// TestCheckGolden renders every fixture in every format, compares with the
// golden files, checks that a second run is byte-identical and that SARIF
// validates against the OASIS schema.
func TestCheckGolden(t *testing.T) {
	chdirRoot(t)
	for _, fx := range fixtures {
		for format, ext := range checkFormats {
			name := strings.TrimSuffix(filepath.Base(fx), ".json") + "." + ext
			t.Run(name, func(t *testing.T) {
				args := []string{"check", "--snapshot", fx, "--format", format, "--config", fixtureConfig(fx)}
				first := run(t, args...)
				if first.code != ExitFindings && first.code != ExitIncomplete {
					t.Fatalf("exit code %d, stderr %q", first.code, first.stderr)
				}
				second := run(t, args...)
				if first.stdout != second.stdout {
					t.Fatal("two runs over the same snapshot gave different output")
				}
				if format == "sarif" {
					validateSARIF(t, first.stdout)
				}
				golden(t, name, first.stdout)
			})
		}
	}
}

func TestCheckUserRulesInEveryFormat(t *testing.T) {
	chdirRoot(t)
	for format := range checkFormats {
		t.Run(format, func(t *testing.T) {
			r := run(t, "check", "--snapshot", "fixtures/startup-dev-prod.json", "--rules", "internal/cli/testdata/userrules", "--format", format)
			if r.code != ExitFindings {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			if !strings.Contains(r.stdout, "ACME-001") || !strings.Contains(r.stdout, "arn:aws:iam::333333333333:role/legacy-vendor") {
				t.Errorf("user rule ACME-001 findings missing from %s output", format)
			}
			if format == "sarif" {
				validateSARIF(t, r.stdout)
			}
		})
	}
}

func TestCheckInputErrors(t *testing.T) {
	chdirRoot(t)
	dir := t.TempDir()
	malformed := filepath.Join(dir, "malformed.json")
	if err := os.WriteFile(malformed, []byte("{\n  \"schema_version\": \"1\",\n  \"metadata\": {\n}"), 0o600); err != nil {
		t.Fatal(err)
	}
	future := filepath.Join(dir, "future.json")
	if err := os.WriteFile(future, []byte(`{"schema_version": "7"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	incomplete := filepath.Join(dir, "incomplete.json")
	if err := os.WriteFile(incomplete, []byte(`{"schema_version": "1", "metadata": {}, "organization": null, "accounts": [], "aws_managed_policies": [], "identity_center": null}`), 0o600); err != nil {
		t.Fatal(err)
	}
	fx := "fixtures/startup-dev-prod.json"
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"malformed snapshot", []string{"check", "--snapshot", malformed}, []string{"malformed.json", "line 4, column 2"}},
		{"unknown schema version", []string{"check", "--snapshot", future}, []string{`"7"`, `schema_version "1"`}},
		{"missing required field", []string{"check", "--snapshot", incomplete}, []string{"$.metadata.collected_at"}},
		{"missing file", []string{"check", "--snapshot", filepath.Join(dir, "nope.json")}, []string{"nope.json", "no such file"}},
		{"unknown format", []string{"check", "--snapshot", fx, "--format", "xml"}, []string{`unknown format "xml"`}},
		{"bad severity", []string{"check", "--snapshot", fx, "--fail-on", "urgent"}, []string{`"urgent"`}},
		{"missing snapshot flag", []string{"check"}, []string{"snapshot"}},
		{"unknown flag", []string{"check", "--snapshot", fx, "--colour"}, []string{"--colour"}},
		{"rego syntax error", []string{"check", "--snapshot", fx, "--rules", "internal/cli/testdata/badrules/syntax"}, []string{"internal/cli/testdata/badrules/syntax/broken.rego:"}},
		{"http.send", []string{"check", "--snapshot", fx, "--rules", "internal/cli/testdata/badrules/http"}, []string{"phone_home.rego:9", "http.send is not allowed"}},
		{"net.*", []string{"check", "--snapshot", fx, "--rules", "internal/cli/testdata/badrules/net"}, []string{"lookup.rego:10", "net.lookup_ip_addr is not allowed"}},
		{"rule without metadata", []string{"check", "--snapshot", fx, "--rules", "internal/cli/testdata/badrules/nometa"}, []string{"nometa.rego", "METADATA"}},
		{"duplicate rule id", []string{"check", "--snapshot", fx, "--rules", "internal/cli/testdata/badrules/dupid"}, []string{"OA-ROOT-001", "already used"}},
		{"missing rules dir", []string{"check", "--snapshot", fx, "--rules", filepath.Join(dir, "none")}, []string{"rules directory"}},
		{"memory limit", []string{"check", "--snapshot", fx, "--max-memory", "64KiB"}, []string{"memory limit of 64 KiB (--max-memory)", "raise it"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertCleanError(t, run(t, tt.args...), ExitUsage, tt.want...)
		})
	}
}

func TestCheckExitCodes(t *testing.T) {
	chdirRoot(t)
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"findings at default threshold", []string{"--snapshot", "fixtures/startup-dev-prod.json"}, ExitFindings},
		{"nothing at or above critical in consultancy? no: it has criticals", []string{"--snapshot", "fixtures/consultancy-clients.json", "--fail-on", "critical"}, ExitFindings},
		{"no critical finding, complete snapshot", []string{"--snapshot", "fixtures/identity-account-ous.json", "--fail-on", "critical", "--min-severity", "critical"}, ExitIncomplete},
		{"fail-on none, complete snapshot and configuration", []string{"--snapshot", "fixtures/startup-dev-prod.json", "--config", "fixtures/startup-dev-prod.orgaudit.yaml", "--fail-on", "none"}, ExitOK},
		{"fail-on none, configuration a rule needs is missing", []string{"--snapshot", "fixtures/startup-dev-prod.json", "--fail-on", "none"}, ExitIncomplete},
		{"fail-on none, gaps", []string{"--snapshot", "fixtures/identity-account-ous.json", "--fail-on", "none"}, ExitIncomplete},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, append([]string{"check", "--format", "json"}, tt.args...)...)
			if r.code != tt.want {
				t.Errorf("exit %d, want %d (stderr %q)", r.code, tt.want, r.stderr)
			}
		})
	}
}

func TestCheckMinSeverityAndOutputFile(t *testing.T) {
	chdirRoot(t)
	out := filepath.Join(t.TempDir(), "report.json")
	r := run(t, "check", "--snapshot", "fixtures/startup-dev-prod.json", "--format", "json", "--min-severity", "critical", "--output", out)
	if r.code != ExitFindings {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if r.stdout != "" {
		t.Errorf("stdout should be empty when --output is set, got %q", r.stdout)
	}
	if !strings.Contains(r.stderr, "report="+out) {
		t.Errorf("stderr should say where the report went: %q", r.stderr)
	}
	st, err := os.Stat(out)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("report mode %v, want 0600", st.Mode().Perm())
	}
	var doc struct {
		Findings []struct {
			Severity string `json:"severity"`
		} `json:"findings"`
	}
	b, _ := os.ReadFile(out)
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Findings) == 0 {
		t.Fatal("expected critical findings")
	}
	for _, f := range doc.Findings {
		if f.Severity != "critical" {
			t.Errorf("finding of severity %s survived --min-severity critical", f.Severity)
		}
	}
}

func TestRulesListAndTest(t *testing.T) {
	chdirRoot(t)
	r := run(t, "rules", "list", "--format", "json", "--rules", "internal/cli/testdata/userrules")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var rules []struct {
		ID     string `json:"id"`
		Source string `json:"source"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rules); err != nil {
		t.Fatal(err)
	}
	var sawUser bool
	for _, rule := range rules {
		if rule.ID == "ACME-001" && rule.Source == "internal/cli/testdata/userrules" {
			sawUser = true
		}
	}
	if !sawUser {
		t.Error("user rule ACME-001 missing from rules list")
	}
	r = run(t, "rules", "list")
	if r.code != 0 || !strings.Contains(r.stdout, "OA-ROOT-001") {
		t.Errorf("rules list table: exit %d, %q", r.code, r.stdout)
	}
	r = run(t, "rules", "test", "--rules", "internal/cli/testdata/userrules")
	if r.code != 0 || !strings.Contains(r.stdout, " 0 failed") {
		t.Errorf("rules test: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
}

func TestVersion(t *testing.T) {
	r := run(t, "version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "orgaudit ") {
		t.Errorf("version: exit %d, %q", r.code, r.stdout)
	}
}

// TestScanValidatesBeforeCollecting: bad check flags and broken rules are
// reported before any AWS call (there is no endpoint to call here).
func TestScanValidatesBeforeCollecting(t *testing.T) {
	chdirRoot(t)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	assertCleanError(t, run(t, "scan", "--format", "xml"), ExitUsage, `unknown format "xml"`)
	assertCleanError(t, run(t, "scan", "--rules", "internal/cli/testdata/badrules/http"), ExitUsage, "http.send is not allowed")
	assertCleanError(t, run(t, "scan", "--baseline", "missing.sarif"), ExitUsage, "missing.sarif")
	assertCleanError(t, run(t, "scan", "--snapshot-output", "/nonexistent/dir/s.json"), ExitUsage, "does not exist")
}

func TestHandoverGolden(t *testing.T) {
	chdirRoot(t)
	for format, ext := range map[string]string{"table": "txt", "json": "json", "markdown": "md"} {
		t.Run(format, func(t *testing.T) {
			r := run(t, "handover", "--snapshot", "fixtures/consultancy-clients.json", "--account", "client-globex", "--format", format)
			if r.code != ExitFindings {
				t.Fatalf("exit %d, want 1 while items are left: %s", r.code, r.stderr)
			}
			golden(t, "handover-client-globex."+ext, r.stdout)
		})
	}
	assertCleanError(t, run(t, "handover", "--snapshot", "fixtures/consultancy-clients.json", "--account", "nobody"), ExitUsage, `account "nobody" is not in the snapshot`)
	assertCleanError(t, run(t, "handover", "--snapshot", "fixtures/consultancy-clients.json"), ExitUsage, "account")
}
