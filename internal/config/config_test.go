package config

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/orgaudit/orgaudit/internal/engine"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

func loadFixture(t *testing.T, name string) *snapshot.Snapshot {
	t.Helper()
	l, err := snapshot.LoadFile(filepath.Join("..", "..", "fixtures", name))
	if err != nil {
		t.Fatal(err)
	}
	return l.Snapshot
}

func TestParseFull(t *testing.T) {
	f, err := Load(context.Background(), "testdata/full.yaml", 0)
	if err != nil {
		t.Fatal(err)
	}
	if f.IdentityAccount.Value != "identity" || f.IdentityAccount.Line != 3 {
		t.Errorf("identity_account %+v", f.IdentityAccount)
	}
	if got := f.Disabled(); !reflect.DeepEqual(got, []string{"OA-ORG-003"}) {
		t.Errorf("disabled %v", got)
	}
	if got := f.SeverityOverrides(); got["OA-TRUST-007"] != engine.SeverityInfo {
		t.Errorf("severity overrides %v", got)
	}
	if len(f.Exceptions) != 2 || f.Exceptions[0].Line != 23 || f.Exceptions[0].Expires != "2027-06-30" {
		t.Errorf("exceptions %+v", f.Exceptions)
	}
	if err := f.CheckRules([]string{"OA-ORG-003", "OA-TRUST-007", "OA-IAM-004"}); err != nil {
		t.Error(err)
	}
}

func TestParseEmpty(t *testing.T) {
	for _, in := range []string{"", "# nothing\n", "---\n"} {
		f, err := Parse([]byte(in))
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		if len(f.Exceptions) != 0 || f.Disabled() != nil && len(f.Disabled()) != 0 {
			t.Errorf("%q: not empty: %+v", in, f)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"unknown top-level key", "identity_acount: x\n", []string{"line 1", `unknown key identity_acount`}},
		{"unknown nested key", "rules:\n  disabled: [X]\n", []string{"line 2", "unknown key disabled"}},
		{"unknown exception key", "exceptions:\n  - rule: X\n    resource: '*'\n    reason: r\n    until: 2027-01-01\n", []string{"line 5", "unknown key until"}},
		{"threshold not a number", "thresholds:\n  root_unused_days: ninety\n", []string{"line 2", `"ninety" is not an integer`}},
		{"environments not a mapping", "environments: [prod]\n", []string{"line 1", "found a list, want a mapping"}},
		{"unknown threshold", "thresholds:\n  root_unsued_days: 3\n", []string{"line 2", `unknown threshold "root_unsued_days"`}},
		{"negative threshold", "thresholds:\n  role_unused_days: -1\n", []string{"line 2", "positive integer"}},
		{"bad severity", "rules:\n  severity:\n    OA-ROOT-001: urgent\n", []string{"line 3", `unknown severity "urgent"`}},
		{"bad date", "exceptions:\n  - rule: X\n    resource: '*'\n    reason: r\n    expires: 31/12/2026\n", []string{"line 2", "exceptions[0]", `"31/12/2026" is not a date`}},
		{"impossible date", "exceptions:\n  - rule: X\n    resource: '*'\n    reason: r\n    expires: 2026-02-30\n", []string{"is not a date"}},
		{"bad glob", "exceptions:\n  - rule: X\n    resource: 'arn:aws:iam::*:role/[abc'\n    reason: r\n", []string{"line 2", "not a valid glob"}},
		{"missing reason", "exceptions:\n  - rule: X\n    resource: '*'\n", []string{"reason is required"}},
		{"missing resource", "exceptions:\n  - rule: X\n    reason: r\n", []string{"resource is required"}},
		{"bad selector", "environments:\n  production:\n    - prod\n", []string{"line 3", `selector "prod"`}},
		{"bad selector kind", "environments:\n  production:\n    - name:prod\n", []string{"line 3", `unknown kind "name"`}},
		{"bad tag selector", "environments:\n  production:\n    - tag:environment\n", []string{"line 3", "tag:KEY=VALUE"}},
		{"bad environment name", "environments:\n  Prod Env:\n    - ou:Prod\n", []string{`environment name "Prod Env"`}},
		{"vendor id not quoted right", "vendors:\n  12345: Acme\n", []string{`"12345" is not a 12-digit account id`}},
		{"version", "version: 2\n", []string{"version 2 is not supported"}},
		{"syntax", "rules: [\n", []string{"invalid YAML", "line"}},
		{"two documents", "version: 1\n---\nversion: 1\n", []string{"line 2", "one YAML document"}},
		{"empty identity", "identity_account: ''\n", []string{"line 1", "identity_account is empty"}},
		{"duplicate key", "version: 1\nidentity_account: identity\nidentity_account: audit\n", []string{"line 3", `"identity_account" already defined at line 2`}},
		{"duplicate nested key", "environments:\n  production: [ou:Prod]\n  production: [ou:Dev]\n", []string{"line 3", `"production" already defined`}},
		{"invalid UTF-8", "version: 1\nidentity_account: \"id\xffentity\"\n", []string{"invalid UTF-8 at line 2, column 22"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.in))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "config.") || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q leaks Go types or spans lines", err)
			}
		})
	}
}

func TestCheckRules(t *testing.T) {
	f, err := Parse([]byte("rules:\n  disable: [OA-ROOT-009, oa-root-001]\n  severity:\n    OA-X-001: low\nexceptions:\n  - rule: OA-Y-001\n    resource: '*'\n    reason: r\n"))
	if err != nil {
		t.Fatal(err)
	}
	err = f.CheckRules([]string{"OA-ROOT-001"})
	for _, w := range []string{`line 2: rules.disable: unknown rule id "OA-ROOT-009"`, "did you mean OA-ROOT-001?", `line 4: rules.severity: unknown rule id "OA-X-001"`, `line 6: exceptions[0]: unknown rule id "OA-Y-001"`} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error %v does not mention %q", err, w)
		}
	}
}

func TestResolveDefaults(t *testing.T) {
	s := loadFixture(t, "identity-account-ous.json")
	r := Resolve(nil, s)
	want := map[string][]string{
		"production":  {"700000000001", "700000000002"},
		"staging":     {"600000000002"},
		"development": {"600000000001"},
	}
	if !reflect.DeepEqual(r.Environments, want) {
		t.Errorf("environments %v, want %v", r.Environments, want)
	}
	if r.IdentityAccount != "500000000001" || r.IdentitySource != "inferred" {
		t.Errorf("identity %q (%s)", r.IdentityAccount, r.IdentitySource)
	}
	if r.Thresholds["credentials_unused_days"] != 45 {
		t.Errorf("thresholds %v", r.Thresholds)
	}
	startup := Resolve(nil, loadFixture(t, "startup-dev-prod.json"))
	if got := startup.Environments["production"]; !reflect.DeepEqual(got, []string{"333333333333"}) {
		t.Errorf("startup production %v (an account named production)", got)
	}
	if startup.IdentityAccount != "" {
		t.Errorf("startup has no identity account, inferred %s", startup.IdentityAccount)
	}
}

func TestResolveFull(t *testing.T) {
	f, err := Load(context.Background(), "testdata/full.yaml", 0)
	if err != nil {
		t.Fatal(err)
	}
	s := loadFixture(t, "identity-account-ous.json")
	r := Resolve(f, s)
	if got := r.Environments["production"]; !reflect.DeepEqual(got, []string{"700000000001", "700000000002"}) {
		t.Errorf("production %v", got)
	}
	if got := r.Environments["sandbox"]; !reflect.DeepEqual(got, []string{"600000000001"}) {
		t.Errorf("sandbox (OU by id) %v", got)
	}
	if got := r.Environments["development"]; !reflect.DeepEqual(got, []string{"600000000001"}) {
		t.Errorf("development keeps its default: %v", got)
	}
	if r.IdentityAccount != "500000000001" || r.IdentitySource != "configured" {
		t.Errorf("identity %q (%s)", r.IdentityAccount, r.IdentitySource)
	}
	if r.Thresholds["root_unused_days"] != 30 || r.Thresholds["password_min_length"] != 14 {
		t.Errorf("thresholds %v", r.Thresholds)
	}
	if r.Exceptions[0].Expired || !r.Exceptions[1].Expired {
		t.Errorf("expiry against collected_at 2026-11-01: %v, %v", r.Exceptions[0].Expired, r.Exceptions[1].Expired)
	}
	d := r.Data()
	if d["identity_account"] != "500000000001" || d["vendor_accounts"].(map[string]any)["999988887777"] != "Acme Monitoring" {
		t.Errorf("data %v", d)
	}
	ex := d["exceptions"].([]any)[1].(map[string]any)
	if ex["expired"] != true || ex["source"] != "testdata/full.yaml:28" {
		t.Errorf("exception data %v", ex)
	}
}

func TestWarnings(t *testing.T) {
	f, err := Parse([]byte("identity_account: nobody\nenvironments:\n  production:\n    - ou:Nope\n"))
	if err != nil {
		t.Fatal(err)
	}
	r := Resolve(f, loadFixture(t, "startup-dev-prod.json"))
	got := strings.Join(r.Warnings, "\n")
	for _, w := range []string{`.orgaudit.yaml:4: environments.production: "ou:Nope" matches no account`, `.orgaudit.yaml:1: identity_account "nobody" names no account`} {
		if !strings.Contains(got, w) {
			t.Errorf("warnings %q lack %q", got, w)
		}
	}
}

func TestExpiry(t *testing.T) {
	f, err := Parse([]byte("exceptions:\n  - rule: R\n    resource: '*'\n    reason: r\n    expires: 2026-10-31\n"))
	if err != nil {
		t.Fatal(err)
	}
	e := &f.Exceptions[0]
	s := loadFixture(t, "startup-dev-prod.json") // collected 2026-11-01T06:00:00Z
	if !e.ExpiredAt(s.Metadata.CollectedAt) {
		t.Error("an exception expiring 2026-10-31 has expired on 2026-11-01")
	}
	if e.ExpiredAt(s.Metadata.CollectedAt.AddDate(0, 0, -1)) {
		t.Error("an exception is in force through its expiry day")
	}
}

func TestDefaultsMatchRules(t *testing.T) {
	// Every threshold a built-in rule reads is known here, with the same
	// default, so the file is validated against what the rules use.
	files, err := filepath.Glob(filepath.Join("..", "..", "rules", "*", "*.rego"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, file := range files {
		if strings.HasSuffix(file, "_test.rego") {
			continue
		}
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range thresholdCall.FindAllStringSubmatch(string(b), -1) {
			name, def := m[1], m[2]
			seen[name] = true
			want, ok := Thresholds[name]
			if !ok {
				t.Errorf("%s reads threshold %q, unknown to config.Thresholds", file, name)
				continue
			}
			if def != strconvItoa(want) {
				t.Errorf("%s: threshold %s defaults to %s in Rego, %d in Go", file, name, def, want)
			}
		}
	}
	for name := range Thresholds {
		if !seen[name] {
			t.Errorf("threshold %s is read by no rule", name)
		}
	}
}

func TestLoadBounds(t *testing.T) {
	ctx := context.Background()
	st, err := os.Stat("testdata/full.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Load(ctx, "testdata/full.yaml", st.Size()); err != nil {
		t.Errorf("at the cap: %v", err)
	}
	if _, err := Load(ctx, "testdata/full.yaml", st.Size()-1); err == nil || !strings.Contains(err.Error(), "--max-input-size") {
		t.Errorf("over the cap: %v", err)
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Load(canceled, "testdata/full.yaml", 0); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled: %v", err)
	}
}
