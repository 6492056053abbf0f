package cli

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestPlanGolden(t *testing.T) {
	chdirRoot(t)
	tests := []struct {
		name string
		args []string
		code int
	}{
		{name: "plan-dev-trusted-in-prod.markdown", code: ExitFindings, args: []string{"--snapshot", "fixtures/identity-account-ous.json", "--config", "fixtures/identity-account-ous.orgaudit.yaml",
			"--plan", "fixtures/plan/dev-trusted-in-prod.plan.json", "--format", "markdown"}},
		{name: "plan-seed004.markdown", code: ExitFindings, args: []string{"--snapshot", "fixtures/plan/empty-organization.json", "--plan", "fixtures/plan/seed004-organization.plan.json", "--format", "markdown"}},
		{name: "plan-unknowns.table", code: ExitFindings, args: []string{"--snapshot", "fixtures/identity-account-ous.json", "--plan", "fixtures/plan/unknowns.plan.json"}},
		{name: "plan-dev-trusted-in-prod.json", code: ExitFindings, args: []string{"--snapshot", "fixtures/identity-account-ous.json", "--config", "fixtures/identity-account-ous.orgaudit.yaml",
			"--plan", "fixtures/plan/dev-trusted-in-prod.plan.json", "--format", "json"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, append([]string{"plan"}, tt.args...)...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d; stderr: %s", r.code, tt.code, r.stderr)
			}
			golden(t, tt.name, r.stdout)
			if again := run(t, append([]string{"plan"}, tt.args...)...); again.stdout != r.stdout {
				t.Error("output differs between runs")
			}
		})
	}
}

// TestPlanDevTrustedInProd: a role in prod trusting the dev account opens a
// door from dev. role/developer, an administrator of dev, could already
// reach production by privilege escalation (rewriting role/ci's trust, into
// role/deploy): doors are compared per entry role, so the new one,
// role/dev-deploy, is a path.added of its own, and OA-REACH-007
// (production only by escalation) gives way to the trust findings on the
// new role.
func TestPlanDevTrustedInProd(t *testing.T) {
	chdirRoot(t)
	r := run(t, "plan", "--snapshot", "fixtures/identity-account-ous.json", "--config", "fixtures/identity-account-ous.orgaudit.yaml",
		"--plan", "fixtures/plan/dev-trusted-in-prod.plan.json", "--format", "json")
	var rep struct {
		FindingsAdded []struct {
			RuleID   string `json:"rule_id"`
			Resource string `json:"resource"`
		} `json:"findings_added"`
		FindingsRemoved []struct {
			RuleID   string `json:"rule_id"`
			Resource string `json:"resource"`
		} `json:"findings_removed"`
		Changes []struct{ Kind, Resource, Entry string } `json:"changes"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	var door bool
	for _, c := range rep.Changes {
		if c.Kind == "path.added" && c.Resource == "arn:aws:iam::600000000001:role/developer" && c.Entry == "arn:aws:iam::700000000001:role/dev-deploy" {
			door = true
		}
	}
	if !door {
		t.Errorf("no new door from the dev account into production: %+v", rep.Changes)
	}
	var trust, escalation bool
	for _, f := range rep.FindingsAdded {
		if f.RuleID == "OA-TRUST-004" && f.Resource == "arn:aws:iam::700000000001:role/dev-deploy" {
			trust = true
		}
	}
	for _, f := range rep.FindingsRemoved {
		if f.RuleID == "OA-REACH-007" && f.Resource == "arn:aws:iam::600000000001:role/developer" {
			escalation = true
		}
	}
	if !trust || !escalation {
		t.Errorf("the administrative role trusting dev (%v) and developer's escalation no longer needed (%v) not reported: added %+v, removed %+v",
			trust, escalation, rep.FindingsAdded, rep.FindingsRemoved)
	}
}

func TestPlanExitCodes(t *testing.T) {
	chdirRoot(t)
	base := []string{"plan", "--snapshot", "fixtures/identity-account-ous.json", "--config", "fixtures/identity-account-ous.orgaudit.yaml"}
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"nothing fails when told so", []string{"--plan", "fixtures/plan/dev-trusted-in-prod.plan.json", "--fail-on", "none", "--fail-on-change", "none", "--allow-gaps"}, ExitOK},
		{"gaps of the snapshot leave changes unknown", []string{"--plan", "fixtures/plan/dev-trusted-in-prod.plan.json", "--fail-on", "none", "--fail-on-change", "none"}, ExitIncomplete},
		{"a door into prod fails alone", []string{"--plan", "fixtures/plan/dev-trusted-in-prod.plan.json", "--fail-on", "none"}, ExitFindings},
		{"findings alone fail", []string{"--plan", "fixtures/plan/dev-trusted-in-prod.plan.json", "--fail-on-change", "none"}, ExitFindings},
		{"a finding below --fail-on, with the snapshot's gaps", []string{"--plan", "fixtures/plan/types/aws_iam_group.plan.json"}, ExitIncomplete},
		{"a finding below --fail-on, gaps allowed", []string{"--plan", "fixtures/plan/types/aws_iam_group.plan.json", "--allow-gaps"}, ExitOK},
		{"MFA dropped fails", []string{"--plan", "fixtures/plan/types/aws_iam_role.plan.json", "--fail-on", "none"}, ExitFindings},
		{"unknown format", []string{"--plan", "fixtures/plan/dev-trusted-in-prod.plan.json", "--format", "sarif"}, ExitUsage},
		{"checks not evaluated", []string{"--snapshot", "fixtures/plan/empty-organization.json", "--plan", "fixtures/plan/seed004-organization.plan.json", "--fail-on", "none", "--fail-on-change", "none"}, ExitIncomplete},
		{"--allow-gaps", []string{"--snapshot", "fixtures/plan/empty-organization.json", "--plan", "fixtures/plan/seed004-organization.plan.json", "--fail-on", "none", "--fail-on-change", "none", "--allow-gaps"}, ExitOK},
		{"--skip-rule leaves out what fails", []string{"--plan", "fixtures/plan/dev-trusted-in-prod.plan.json", "--fail-on-change", "none", "--allow-gaps", "--skip-rule", "OA-REACH-003,OA-TRUST-001,OA-TRUST-004"}, ExitOK},
		{"--rule keeps what fails", []string{"--plan", "fixtures/plan/dev-trusted-in-prod.plan.json", "--fail-on-change", "none", "--rule", "OA-TRUST-004"}, ExitFindings},
		{"bad account map", []string{"--plan", "fixtures/plan/dev-trusted-in-prod.plan.json", "--account-map", "aws=12"}, ExitUsage},
		{"bad change kind", []string{"--plan", "fixtures/plan/dev-trusted-in-prod.plan.json", "--fail-on-change", "door.opened"}, ExitUsage},
		{"not a plan", []string{"--plan", "fixtures/identity-account-ous.json"}, ExitUsage},
		{"missing plan", []string{"--plan", "nope.json"}, ExitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, append(slices.Clone(base), tt.args...)...)
			if r.code != tt.want {
				t.Errorf("exit %d, want %d; stderr: %s", r.code, tt.want, r.stderr)
			}
			if tt.want == ExitUsage {
				assertCleanError(t, r, ExitUsage)
			}
		})
	}
}

// TestPlanReports: plan's formats come from the registry: --report writes
// several in one run, each equal to the single-format run; an unknown
// format, rule or change kind gets one error line with a did-you-mean.
func TestPlanReports(t *testing.T) {
	chdirRoot(t)
	dir := t.TempDir()
	args := []string{"plan", "--snapshot", "fixtures/identity-account-ous.json", "--config", "fixtures/identity-account-ous.orgaudit.yaml", "--plan", "fixtures/plan/dev-trusted-in-prod.plan.json"}
	md, js := filepath.Join(dir, "plan.md"), filepath.Join(dir, "plan.json")
	r := run(t, append(slices.Clone(args), "--report", "markdown="+md, "--report", "json="+js, "--report", "table")...)
	if r.code != ExitFindings {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for format, got := range map[string]string{"table": r.stdout, "markdown": readFile(t, md), "json": readFile(t, js)} {
		if single := run(t, append(slices.Clone(args), "--format", format)...); got != single.stdout {
			t.Errorf("--report %s differs from --format %s", format, format)
		}
	}
	r = run(t, append(slices.Clone(args), "--report", "json="+js)...)
	if r.stdout != "" || !strings.Contains(r.stderr, "orgaudit: 2 resource changes") {
		t.Errorf("--report alone: stdout %q, stderr %q", r.stdout, r.stderr)
	}

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--format", "markdwon"}, "did you mean markdown?"},
		{[]string{"--report", "sarif=x.sarif"}, "sarif is a format of other commands"},
		{[]string{"--rule", "OA-REACH-03"}, "did you mean OA-REACH-003?"},
		{[]string{"--fail-on-change", "path.addd"}, "--fail-on-change: unknown change kind \"path.addd\" (did you mean path.added?)"},
		{[]string{"--min-severity", "hihg"}, "did you mean high?"},
	} {
		assertCleanError(t, run(t, append(slices.Clone(args), tt.args...)...), ExitUsage, tt.want)
	}
}
