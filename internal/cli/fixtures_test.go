package cli

import (
	"encoding/json"
	"os"
	"sort"
	"strings"
	"testing"
)

// fixtureConfig returns the configuration file that goes with a bundled
// fixture (fixtures/NAME.orgaudit.yaml), or "" when there is none.
func fixtureConfig(fixture string) string {
	cfg := strings.TrimSuffix(fixture, ".json") + ".orgaudit.yaml"
	if _, err := os.Stat(cfg); err != nil {
		return ""
	}
	return cfg
}

// plantedFindings is, per bundled fixture checked with its configuration,
// the exact set of findings ("RULE resource", "~" marking a suppressed
// one) and of rule-reported or gap-based not-evaluated checks ("RULE
// account section", gaps of the suspended account left out). Every
// planted problem must be reported, and nothing else: a rule that stops
// firing, or starts firing on a good configuration, fails here.
var plantedFindings = map[string]struct {
	findings     []string
	notEvaluated []string
}{
	"fixtures/startup-dev-prod.json": {findings: []string{
		"OA-ORG-001 arn:aws:organizations::111111111111:organization/o-dyn6example1", // consolidated billing only
		"OA-ORG-002 arn:aws:organizations::111111111111:account/o-dyn6example1/222222222222",
		"OA-ORG-002 arn:aws:organizations::111111111111:account/o-dyn6example1/333333333333",
		"OA-ORG-004 arn:aws:organizations::111111111111:root/o-dyn6example1/r-dyn6", // production under the root, no SCPs
		"OA-ROOT-001 arn:aws:iam::222222222222:root",
		"OA-ROOT-002 arn:aws:iam::333333333333:root",
		"OA-ROOT-003 arn:aws:iam::111111111111:root",
		"OA-IAM-002 arn:aws:iam::111111111111:user/ci-deployer", // inline sts:AssumeRole
		"OA-IAM-004 arn:aws:iam::111111111111:user/dave",
		"OA-IAM-006 arn:aws:iam::111111111111:user/ci-deployer",
		"OA-IAM-007 arn:aws:iam::111111111111:user/ci-deployer",
		"OA-IAM-008 arn:aws:organizations::111111111111:account/o-dyn6example1/111111111111", // 8 characters
		"OA-IAM-009 arn:aws:organizations::111111111111:account/o-dyn6example1/111111111111", // no reuse prevention
		"OA-TRUST-001 arn:aws:iam::222222222222:role/administrator",
		"OA-TRUST-002 arn:aws:iam::333333333333:role/legacy-vendor",
		"OA-TRUST-004 arn:aws:iam::222222222222:role/administrator", // AdministratorAccess, no MFA
		"OA-TRUST-006 arn:aws:iam::333333333333:role/legacy-vendor", // 444455556666 is no known vendor
		"OA-TRUST-007 arn:aws:iam::333333333333:role/legacy-vendor",
		"OA-IAM-010 arn:aws:iam::111111111111:user/dave",                                       // key created with the user, never used
		"OA-IAM-013 arn:aws:iam::333333333333:server-certificate/legacy-www",                   // expired; www-2027 is current
		"OA-IAM-014 arn:aws:organizations::111111111111:account/o-dyn6example1/111111111111",   // organization analyzer in us-east-1 only
		"OA-IAM-014 arn:aws:organizations::111111111111:account/o-dyn6example1/333333333333",   // development has its own in eu-west-1
		"OA-ORG-008 arn:aws:organizations::111111111111:account/o-dyn6example1/222222222222",   // no security contact
		"OA-REACH-006 arn:aws:organizations::111111111111:account/o-dyn6example1/111111111111", // production's support role is reachable
		"OA-REACH-006 arn:aws:organizations::111111111111:account/o-dyn6example1/222222222222",
	}},
	"fixtures/consultancy-clients.json": {findings: []string{
		"OA-CONFIG-001 arn:aws:organizations::*:handshake/*/invite/h-mt01invite1 (OA-ORG-003)", // expired exception
		"OA-ORG-003 arn:aws:organizations::100000000001:handshake/o-mtconsult01/invite/h-mt01invite1",
		"OA-ORG-005 arn:aws:iam::100000000001:user/alice", // users in the management account with Identity Center
		"OA-ORG-005 arn:aws:iam::100000000001:user/bob",
		"OA-ORG-006 arn:aws:iam::100000000001:role/service-role/invoice-export", // Lambda in the management account
		"OA-ROOT-001 arn:aws:iam::200000000002:root",
		"OA-IAM-001 arn:aws:iam::200000000003:user/metal-consult-automation",
		"OA-REACH-001 arn:aws:iam::100000000001:user/alice", // reach the client (production) accounts without MFA
		"OA-REACH-001 arn:aws:iam::100000000001:user/bob",
		"~OA-IAM-002 arn:aws:iam::200000000003:user/metal-consult-automation", // exception in force
		"OA-IAM-003 arn:aws:iam::100000000001:group/OnCall",                   // sts:AssumeRole on *
		"OA-IAM-007 arn:aws:iam::200000000003:user/metal-consult-automation",
		"OA-IAM-008 arn:aws:organizations::100000000001:account/o-mtconsult01/200000000003", // users, no password policy
		"OA-IAM-009 arn:aws:organizations::100000000001:account/o-mtconsult01/200000000003",
		"OA-TRUST-001 arn:aws:iam::200000000002:role/OrganizationAccountAccessRole",
		"OA-TRUST-001 arn:aws:iam::200000000003:role/ConsultancyAdmin",
		"OA-TRUST-003 arn:aws:iam::200000000003:role/shared-deploy",
		"OA-TRUST-004 arn:aws:iam::200000000003:role/ConsultancyAdmin",
		"OA-TRUST-005 arn:aws:iam::200000000002:role/OrganizationAccountAccessRole",
		"OA-TRUST-007 arn:aws:iam::200000000002:role/OrganizationAccountAccessRole",
		"OA-IAM-011 arn:aws:iam::100000000004:role/github-actions", // NotAction iam:* plus iam:*: full administrator
		"OA-IAM-015 arn:aws:iam::100000000001:group/Engineers",
		"OA-ORG-008 arn:aws:organizations::100000000001:account/o-mtconsult01/200000000003",
		"OA-REACH-006 arn:aws:organizations::100000000001:account/o-mtconsult01/100000000001", // client-acme's support role is reachable
		"OA-REACH-006 arn:aws:organizations::100000000001:account/o-mtconsult01/100000000004",
		"OA-REACH-006 arn:aws:organizations::100000000001:account/o-mtconsult01/200000000003",
	}, notEvaluated: []string{
		"OA-REACH-003  config.environments.development", // the consultancy has no development environment
	}},
	"fixtures/identity-account-ous.json": {
		findings: []string{
			"OA-ORG-005 arn:aws:iam::500000000000:user/legacy-admin",
			"OA-ORG-007 arn:aws:organizations::500000000000:account/o-envlayout01/600000000009", // suspended
			"OA-ROOT-004 arn:aws:iam::500000000000:root",                                        // virtual MFA on the management root
			"OA-IAM-001 arn:aws:iam::600000000001:user/dev-local",                               // user outside the identity account
			"OA-REACH-001 arn:aws:iam::500000000000:user/legacy-admin",
			"OA-REACH-001 arn:aws:iam::500000000001:user/ali",
			"OA-REACH-001 arn:aws:iam::500000000001:user/svc-terraform",
			"OA-REACH-001 arn:aws:iam::600000000001:user/dev-local", // escalation needs no MFA
			"OA-REACH-002 arn:aws:iam::500000000000:user/legacy-admin",
			"OA-REACH-002 arn:aws:iam::600000000001:user/dev-local",
			"OA-REACH-003 arn:aws:iam::600000000001:role/ci",
			"OA-REACH-003 arn:aws:iam::600000000001:role/developer", // an administrator of dev rewrites role/ci's trust
			"OA-REACH-003 arn:aws:iam::600000000001:user/dev-local",
			"OA-REACH-007 arn:aws:iam::600000000001:role/developer",
			"OA-REACH-007 arn:aws:iam::600000000001:user/dev-local",
			"OA-REACH-008 arn:aws:iam::600000000001:user/dev-local", // attaches policies to itself
			"OA-IAM-002 arn:aws:iam::600000000001:user/dev-local",
			"OA-REACH-004 arn:aws:iam::500000000001:group/DataReaders",
			"OA-REACH-005 arn:aws:iam::500000000000:role/OrgAuditor", // nobody is granted the audit role
			"OA-REACH-005 arn:aws:iam::600000000002:role/developer",
			"OA-REACH-005 arn:aws:iam::700000000002:role/DataAdmin",
			"OA-REACH-005 arn:aws:iam::700000000002:role/OrganizationAccountAccessRole", // its break-glass role is gone
			"OA-IAM-002 arn:aws:iam::500000000000:user/legacy-admin",
			"OA-IAM-002 arn:aws:iam::500000000001:user/svc-terraform",
			"OA-IAM-004 arn:aws:iam::500000000000:user/legacy-admin",
			"OA-IAM-004 arn:aws:iam::500000000001:user/sam",
			"OA-IAM-005 arn:aws:iam::500000000000:user/legacy-admin",  // password unused 200 days
			"OA-IAM-005 arn:aws:iam::500000000001:user/svc-terraform", // key unused 100 days
			"OA-IAM-007 arn:aws:iam::500000000001:user/svc-terraform",
			"OA-IAM-008 arn:aws:organizations::500000000000:account/o-envlayout01/500000000000",
			"OA-IAM-009 arn:aws:organizations::500000000000:account/o-envlayout01/500000000000",
			"OA-TRUST-001 arn:aws:iam::700000000001:role/OrganizationAccountAccessRole",
			"OA-TRUST-001 arn:aws:iam::700000000001:role/deploy",
			"OA-TRUST-005 arn:aws:iam::700000000001:role/OrganizationAccountAccessRole", // prod-data's is tightened
			"OA-TRUST-007 arn:aws:iam::700000000001:role/old-batch",
			"~OA-TRUST-007 arn:aws:iam::700000000002:role/DataAdmin", // break-glass exception
			"OA-IAM-010 arn:aws:iam::500000000001:user/sam",
			"OA-IAM-011 arn:aws:iam::700000000002:role/OrganizationAccountAccessRole",           // inline "*" on "*"
			"OA-IAM-014 arn:aws:organizations::500000000000:account/o-envlayout01/500000000000", // no organization analyzer
			"OA-IAM-014 arn:aws:organizations::500000000000:account/o-envlayout01/500000000001",
			"OA-IAM-014 arn:aws:organizations::500000000000:account/o-envlayout01/700000000002",
			"OA-ORG-008 arn:aws:organizations::500000000000:account/o-envlayout01/700000000002",
			"OA-REACH-005 arn:aws:iam::700000000002:role/support", // trusts a user who left
			"OA-REACH-006 arn:aws:organizations::500000000000:account/o-envlayout01/500000000000",
			"OA-REACH-006 arn:aws:organizations::500000000000:account/o-envlayout01/500000000001",
			"OA-REACH-006 arn:aws:organizations::500000000000:account/o-envlayout01/600000000001",
			"OA-REACH-006 arn:aws:organizations::500000000000:account/o-envlayout01/600000000002",
			"OA-REACH-006 arn:aws:organizations::500000000000:account/o-envlayout01/700000000001", // needs MFA, legacy-admin has none
			"OA-REACH-006 arn:aws:organizations::500000000000:account/o-envlayout01/700000000002", // nobody can assume it
		},
		notEvaluated: []string{
			// dev's password policy could not be read: unknown, not "no policy".
			"OA-IAM-008 600000000001 iam.password_policy",
			"OA-IAM-009 600000000001 iam.password_policy",
			"OA-IAM-004 600000000002 iam.credential_report",
			"OA-IAM-005 600000000002 iam.credential_report",
			"OA-IAM-006 600000000002 iam.credential_report",
			"OA-IAM-007 600000000002 iam.credential_report",
			"OA-ROOT-002 600000000002 iam.credential_report",
			"OA-ROOT-003 600000000002 iam.credential_report",
			"OA-IAM-010 600000000002 iam.credential_report",
			"OA-IAM-013 600000000001 iam.server_certificates",
			"OA-IAM-014 600000000001 iam.access_analyzer", // eu-central-1 refused
			"OA-ORG-008 600000000002 account.alternate_contacts",
		},
	},
}

func TestFixtureFindings(t *testing.T) {
	chdirRoot(t)
	for _, fx := range fixtures {
		t.Run(fx, func(t *testing.T) {
			want, ok := plantedFindings[fx]
			if !ok {
				t.Fatalf("no planted findings listed for %s", fx)
			}
			args := []string{"check", "--snapshot", fx, "--format", "json", "--fail-on", "none"}
			if cfg := fixtureConfig(fx); cfg != "" {
				args = append(args, "--config", cfg)
			} else {
				t.Fatalf("%s has no configuration file", fx)
			}
			r := run(t, args...)
			if r.code != ExitOK && r.code != ExitIncomplete {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			var rep struct {
				Findings []struct {
					RuleID      string `json:"rule_id"`
					Resource    string `json:"resource"`
					Suppression any    `json:"suppression"`
				} `json:"findings"`
				NotEvaluated []struct {
					RuleID    string `json:"rule_id"`
					AccountID string `json:"account_id"`
					Section   string `json:"section"`
				} `json:"not_evaluated"`
			}
			if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
				t.Fatal(err)
			}
			var got, gotNE []string
			for _, f := range rep.Findings {
				k := f.RuleID + " " + f.Resource
				if f.Suppression != nil {
					k = "~" + k
				}
				got = append(got, k)
			}
			for _, n := range rep.NotEvaluated {
				if n.AccountID == "600000000009" { // the suspended account cannot be read at all
					continue
				}
				gotNE = append(gotNE, strings.TrimSpace(n.RuleID+" "+n.AccountID+" "+n.Section))
			}
			diffSets(t, "finding", got, want.findings)
			diffSets(t, "not evaluated", gotNE, want.notEvaluated)
		})
	}
}

// TestEveryRuleHasAPlantedFinding checks that the bundled fixtures plant a
// problem for every built-in rule.
func TestEveryRuleHasAPlantedFinding(t *testing.T) {
	chdirRoot(t)
	r := run(t, "rules", "list", "--format", "json")
	var rules []struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rules); err != nil {
		t.Fatal(err)
	}
	planted := map[string]bool{}
	for _, p := range plantedFindings {
		for _, f := range p.findings {
			id, _, _ := strings.Cut(strings.TrimPrefix(f, "~"), " ")
			planted[id] = true
		}
	}
	for _, rule := range rules {
		if !planted[rule.ID] {
			t.Errorf("no bundled fixture plants a problem for %s", rule.ID)
		}
	}
}

func diffSets(t *testing.T, what string, got, want []string) {
	t.Helper()
	g, w := map[string]bool{}, map[string]bool{}
	for _, s := range got {
		g[s] = true
	}
	for _, s := range want {
		w[s] = true
	}
	var missing, extra []string
	for s := range w {
		if !g[s] {
			missing = append(missing, s)
		}
	}
	for s := range g {
		if !w[s] {
			extra = append(extra, s)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	for _, s := range missing {
		t.Errorf("planted %s not reported: %s", what, s)
	}
	for _, s := range extra {
		t.Errorf("unexpected %s: %s", what, s)
	}
}

// TestRulesDocsUpToDate fails when docs/rules.md is not what
// `orgaudit rules docs` generates (go test ./internal/cli -update rewrites
// it).
func TestRulesDocsUpToDate(t *testing.T) {
	chdirRoot(t)
	r := run(t, "rules", "docs")
	if r.code != 0 {
		t.Fatalf("rules docs: exit %d: %s", r.code, r.stderr)
	}
	const path = "docs/rules.md"
	if *update {
		if err := os.WriteFile(path, []byte(r.stdout), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./internal/cli -update generates it)", err)
	}
	if string(want) != r.stdout {
		t.Errorf("%s is stale: run `orgaudit rules docs --output %s` or go test ./internal/cli -update\n%s", path, path, firstDiff(string(want), r.stdout))
	}
	for _, id := range []string{"OA-ROOT-004", "OA-ORG-004", "OA-IAM-008", "OA-TRUST-005", "OA-CONFIG-001"} {
		if !strings.Contains(r.stdout, "### "+id+" ") {
			t.Errorf("%s has no section", id)
		}
	}
}
