package plan

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/orgaudit/orgaudit/internal/snapshot"
)

const fixtures = "../../fixtures"

func load(t *testing.T, snap, planFile string, opts Options) *Result {
	t.Helper()
	s, err := snapshot.LoadFile(filepath.Join(fixtures, snap))
	if err != nil {
		t.Fatal(err)
	}
	return apply(t, s.Snapshot, planFile, opts)
}

// apply applies the plan fixture planFile to s.
func apply(t *testing.T, s *snapshot.Snapshot, planFile string, opts Options) *Result {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(fixtures, "plan", planFile))
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Apply(s, p, opts)
	if err != nil {
		t.Fatal(err)
	}
	// The planned snapshot must still be a valid snapshot.
	if _, err := res.Loaded("planned"); err != nil {
		t.Fatal(err)
	}
	return res
}

func account(s *snapshot.Snapshot, id string) *snapshot.Account {
	for i := range s.Accounts {
		if s.Accounts[i].ID == id {
			return &s.Accounts[i]
		}
	}
	return nil
}

func role(s *snapshot.Snapshot, acct, name string) *snapshot.Role {
	if a := account(s, acct); a != nil && a.IAM != nil {
		for i := range a.IAM.Roles {
			if a.IAM.Roles[i].Name == name {
				return &a.IAM.Roles[i]
			}
		}
	}
	return nil
}

func user(s *snapshot.Snapshot, acct, name string) *snapshot.User {
	if a := account(s, acct); a != nil && a.IAM != nil {
		for i := range a.IAM.Users {
			if a.IAM.Users[i].Name == name {
				return &a.IAM.Users[i]
			}
		}
	}
	return nil
}

func group(s *snapshot.Snapshot, acct, name string) *snapshot.Group {
	if a := account(s, acct); a != nil && a.IAM != nil {
		for i := range a.IAM.Groups {
			if a.IAM.Groups[i].Name == name {
				return &a.IAM.Groups[i]
			}
		}
	}
	return nil
}

func orgPolicy(s *snapshot.Snapshot, name string) *snapshot.OrgPolicy {
	for i := range s.Organization.Policies {
		if s.Organization.Policies[i].Name == name {
			return &s.Organization.Policies[i]
		}
	}
	return nil
}

func permissionSet(s *snapshot.Snapshot, name string) *snapshot.PermissionSet {
	for i := range s.Identity.PermissionSets {
		if s.Identity.PermissionSets[i].Name == name {
			return &s.Identity.PermissionSets[i]
		}
	}
	return nil
}

func attached(list []snapshot.AttachedPolicy, arn string) bool {
	return slices.ContainsFunc(list, func(p snapshot.AttachedPolicy) bool { return p.ARN == arn })
}

const (
	iao   = "identity-account-ous.json"
	admin = "arn:aws:iam::aws:policy/AdministratorAccess"
)

// TestResourceTypes applies the fixture of each modelled resource type and
// checks its effect on the planned snapshot.
func TestResourceTypes(t *testing.T) {
	tests := []struct {
		typ   string
		snap  string
		check func(s *snapshot.Snapshot) bool
	}{
		{"aws_organizations_organization", "plan/empty-organization.json", func(s *snapshot.Snapshot) bool {
			return s.Organization.FeatureSet == "ALL" && len(s.Organization.Roots[0].PolicyTypes) == 1
		}},
		{"aws_organizations_organizational_unit", iao, func(s *snapshot.Snapshot) bool {
			return slices.ContainsFunc(s.Organization.OrganizationalUnits, func(o snapshot.OrganizationalUnit) bool {
				return o.Name == "Sandbox" && o.ParentID == "r-env1" && strings.HasPrefix(o.ID, "ou-plan-")
			})
		}},
		{"aws_organizations_account", iao, func(s *snapshot.Snapshot) bool { return account(s, "600000000001").ParentID == "ou-env1-prod" }},
		{"aws_organizations_policy", iao, func(s *snapshot.Snapshot) bool {
			p := orgPolicy(s, "DenyLeaveOrganization")
			return p != nil && strings.Contains(string(p.Document), "organizations:LeaveOrganization")
		}},
		{"aws_organizations_policy_attachment", iao, func(s *snapshot.Snapshot) bool { return len(orgPolicy(s, "ProdGuardrails").Targets) == 0 }},
		{"aws_iam_role", iao, func(s *snapshot.Snapshot) bool {
			r := role(s, "700000000001", "ProdAdmin")
			return r != nil && !strings.Contains(string(r.TrustPolicy), "MultiFactorAuthPresent")
		}},
		{"aws_iam_role_policy", iao, func(s *snapshot.Snapshot) bool {
			return slices.ContainsFunc(role(s, "700000000001", "deploy").InlinePolicies, func(p snapshot.InlinePolicy) bool { return p.Name == "assume-anything" })
		}},
		{"aws_iam_role_policy_attachment", iao, func(s *snapshot.Snapshot) bool {
			return attached(role(s, "700000000001", "old-batch").AttachedPolicies, admin)
		}},
		{"aws_iam_policy", iao, func(s *snapshot.Snapshot) bool {
			p := account(s, "700000000002").IAM.Policies[0]
			return p.DefaultVersionID != "v1" && strings.Contains(string(p.Document), `"Action":"*"`)
		}},
		{"aws_iam_user", iao, func(s *snapshot.Snapshot) bool {
			u := user(s, "500000000001", "bob")
			return u != nil && u.ARN == "arn:aws:iam::500000000001:user/bob"
		}},
		{"aws_iam_user_policy", iao, func(s *snapshot.Snapshot) bool { return len(user(s, "500000000001", "sam").InlinePolicies) == 1 }},
		{"aws_iam_user_policy_attachment", iao, func(s *snapshot.Snapshot) bool {
			return attached(user(s, "500000000001", "sam").AttachedPolicies, admin)
		}},
		{"aws_iam_group", iao, func(s *snapshot.Snapshot) bool { return group(s, "500000000001", "Auditors") != nil }},
		{"aws_iam_group_policy", iao, func(s *snapshot.Snapshot) bool {
			return slices.ContainsFunc(group(s, "500000000001", "DataReaders").InlinePolicies, func(p snapshot.InlinePolicy) bool {
				return p.Name == "assume-readonly" && strings.Contains(string(p.Document), "700000000001:role/OrganizationAccountAccessRole")
			})
		}},
		{"aws_iam_group_policy_attachment", iao, func(s *snapshot.Snapshot) bool {
			return attached(group(s, "500000000001", "DataReaders").AttachedPolicies, "arn:aws:iam::aws:policy/ReadOnlyAccess")
		}},
		{"aws_iam_group_membership", iao, func(s *snapshot.Snapshot) bool {
			return slices.Contains(group(s, "500000000001", "ProdAdmins").Members, "sam") && slices.Contains(user(s, "500000000001", "sam").Groups, "ProdAdmins")
		}},
		{"aws_iam_user_group_membership", iao, func(s *snapshot.Snapshot) bool {
			return slices.Contains(user(s, "500000000001", "sam").Groups, "Developers") && slices.Contains(group(s, "500000000001", "Developers").Members, "sam")
		}},
		{"aws_ssoadmin_account_assignment", iao, func(s *snapshot.Snapshot) bool {
			return slices.ContainsFunc(s.Identity.Assignments, func(a snapshot.Assignment) bool { return a.PrincipalID == "g-devs" && a.AccountID == "700000000001" })
		}},
		{"aws_ssoadmin_managed_policy_attachment", iao, func(s *snapshot.Snapshot) bool { return attached(permissionSet(s, "Developer").ManagedPolicies, admin) }},
		{"aws_ssoadmin_permission_set_inline_policy", iao, func(s *snapshot.Snapshot) bool { return len(permissionSet(s, "Developer").InlinePolicy) > 0 }},
		{"aws_ssoadmin_permission_set", iao, func(s *snapshot.Snapshot) bool {
			ps := permissionSet(s, "BreakGlass")
			return ps != nil && slices.ContainsFunc(s.Identity.Assignments, func(a snapshot.Assignment) bool { return a.PermissionSetARN == ps.ARN && a.AccountID == "700000000002" })
		}},
	}
	covered := map[string]bool{}
	for _, tt := range tests {
		covered[tt.typ] = true
		t.Run(tt.typ, func(t *testing.T) {
			res := load(t, tt.snap, "types/"+tt.typ+".plan.json", Options{})
			if len(res.NotModelled) != 0 || len(res.Resources) == 0 || res.Resources[0].Type != tt.typ {
				t.Fatalf("resources %+v, not modelled %+v", res.Resources, res.NotModelled)
			}
			if !tt.check(res.After) {
				t.Errorf("%s not applied: %+v", tt.typ, res.Resources)
			}
			for _, u := range res.Unknowns {
				if u.What == "account" {
					t.Errorf("account unknown: %+v", u)
				}
			}
		})
	}
	for _, typ := range Modelled {
		if !covered[typ] {
			t.Errorf("no fixture test for modelled type %s", typ)
		}
	}
}

// TestRoleUpdateKeepsInstanceProfiles: an aws_iam_role update keeps the
// instance profiles the snapshot recorded for the role (the plan does not
// say them); unknown would make the access graph assume one.
func TestRoleUpdateKeepsInstanceProfiles(t *testing.T) {
	s, err := snapshot.LoadFile(filepath.Join(fixtures, iao))
	if err != nil {
		t.Fatal(err)
	}
	role(s.Snapshot, "700000000001", "ProdAdmin").InstanceProfiles = []snapshot.InstanceProfile{}
	res := apply(t, s.Snapshot, "types/aws_iam_role.plan.json", Options{})
	if got := role(res.After, "700000000001", "ProdAdmin").InstanceProfiles; got == nil || len(got) != 0 {
		t.Errorf("instance profiles %#v after the update, want the recorded empty list", got)
	}
}

func TestApplyLeavesTheSnapshotAlone(t *testing.T) {
	s, err := snapshot.LoadFile(filepath.Join(fixtures, iao))
	if err != nil {
		t.Fatal(err)
	}
	before, _ := json.Marshal(s.Snapshot)
	raw, _ := os.ReadFile(filepath.Join(fixtures, "plan", "dev-trusted-in-prod.plan.json"))
	p, err := Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Apply(s.Snapshot, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	after, _ := json.Marshal(s.Snapshot)
	if string(before) != string(after) {
		t.Error("Apply changed its input snapshot")
	}
	r := role(res.After, "700000000001", "dev-deploy")
	if r == nil || !attached(r.AttachedPolicies, admin) || !strings.Contains(string(r.TrustPolicy), "600000000001:root") {
		t.Errorf("dev-deploy = %+v", r)
	}
}

func TestSeed004OverEmptyOrganization(t *testing.T) {
	res := load(t, "plan/empty-organization.json", "seed004-organization.plan.json", Options{})
	s := res.After
	ous := map[string]string{}
	for _, o := range s.Organization.OrganizationalUnits {
		ous[o.Name] = o.ID
		if o.ParentID != "r-s004" {
			t.Errorf("OU %s parent %s, want the root resolved through roots[0].id", o.Name, o.ParentID)
		}
	}
	names := map[string]*snapshot.Account{}
	for i := range s.Accounts {
		names[s.Accounts[i].Name] = &s.Accounts[i]
	}
	for acct, ou := range map[string]string{"dev": "Dev", "staging": "Staging", "prod": "Prod"} {
		if a := names[acct]; a == nil || a.ParentID != ous[ou] {
			t.Errorf("account %s not in OU %s: %+v", acct, ou, a)
		}
	}
	id, prod := names["identity"], names["prod"]
	if id == nil || prod == nil || !strings.HasPrefix(id.ID, "9999") {
		t.Fatalf("planned accounts: %+v", names)
	}
	// Resources of the aws.identity and aws.prod providers land in the
	// planned accounts, through the providers' assume_role references.
	if user(s, id.ID, "ali") == nil || !slices.Contains(user(s, id.ID, "ali").Groups, "Developers") {
		t.Error("ali is not in the identity account's Developers group")
	}
	r := role(s, prod.ID, "IdentityAdmin")
	if r == nil || string(r.TrustPolicy) != string(wildcardTrust) || !attached(r.AttachedPolicies, admin) {
		t.Errorf("IdentityAdmin = %+v", r)
	}
	if role(s, prod.ID, "OrganizationAccountAccessRole") == nil {
		t.Error("the role AWS creates in a new account is missing")
	}
	var unknownTrust bool
	for _, u := range res.Unknowns {
		if u.Address == "aws_iam_role.identity_admin" && u.What == "assume_role_policy" && strings.Contains(u.Treatment, "aws_organizations_account.identity.id") {
			unknownTrust = true
		}
		if u.What == "account" {
			t.Errorf("account unknown: %+v", u)
		}
	}
	if !unknownTrust {
		t.Errorf("the unknown trust is not reported: %+v", res.Unknowns)
	}
	gaps := 0
	for _, g := range s.Metadata.Gaps {
		if g.AccountID == prod.ID {
			gaps++
		}
	}
	if gaps != 2 {
		t.Errorf("planned account gaps = %d, want 2", gaps)
	}
}

func TestUnknownAccountAndNotModelled(t *testing.T) {
	res := load(t, iao, "unknowns.plan.json", Options{})
	if len(res.NotModelled) != 1 || res.NotModelled[0].Address != "aws_s3_bucket.logs" {
		t.Errorf("not modelled = %+v", res.NotModelled)
	}
	withIAM := 0
	for _, a := range res.After.Accounts {
		if a.IAM != nil {
			withIAM++
			if role(res.After, a.ID, "mystery") == nil {
				t.Errorf("mystery role missing from %s", a.ID)
			}
		}
	}
	if len(res.Resources) != 1 || len(res.Resources[0].Accounts) != withIAM {
		t.Errorf("resources = %+v, want the role in %d accounts", res.Resources, withIAM)
	}
	// The account map tells the account: the role lands there only.
	res = load(t, iao, "unknowns.plan.json", Options{AccountMap: map[string]string{"aws": "600000000002"}})
	if got := res.Resources[0].Accounts; !slices.Equal(got, []string{"600000000002"}) {
		t.Errorf("accounts with --account-map = %v", got)
	}
	for _, u := range res.Unknowns {
		if u.What == "account" {
			t.Errorf("account still unknown: %+v", u)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := map[string]string{
		"not json":     `{"format_version": "1.2", "resource_changes": [`,
		"no version":   `{"resource_changes": []}`,
		"state":        `{"format_version": "1.0", "values": {"root_module": {}}}`,
		"wrong major":  `{"format_version": "2.0"}`,
		"wrong type":   `{"format_version": "1.2", "resource_changes": {"secret": "hunter2-value"}}`,
		"array":        `[1, 2]`,
		"secret value": `{"format_version": "1.2", "resource_changes": [{"change": {"actions": "hunter2-value"}}]}`,
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := Parse([]byte(in))
			if err == nil {
				t.Fatal("want an error")
			}
			if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "\n") {
				t.Errorf("error quotes the plan or spans lines: %v", err)
			}
		})
	}
}
