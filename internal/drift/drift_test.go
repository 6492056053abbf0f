package drift

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/orgaudit/orgaudit/internal/snapshot"
)

func load(t *testing.T) *snapshot.Loaded {
	t.Helper()
	l, err := snapshot.LoadFile("../../fixtures/identity-account-ous.json")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// mutated returns a deep copy of l changed by fn.
func mutated(t *testing.T, l *snapshot.Loaded, fn func(s *snapshot.Snapshot)) *snapshot.Loaded {
	t.Helper()
	raw, err := snapshot.Marshal(l.Snapshot)
	if err != nil {
		t.Fatal(err)
	}
	var s snapshot.Snapshot
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	fn(&s)
	return &snapshot.Loaded{Path: "new.json", Snapshot: &s}
}

func account(s *snapshot.Snapshot, id string) *snapshot.Account {
	for i := range s.Accounts {
		if s.Accounts[i].ID == id {
			return &s.Accounts[i]
		}
	}
	panic("no account " + id)
}

func role(a *snapshot.Account, name string) *snapshot.Role {
	for i := range a.IAM.Roles {
		if a.IAM.Roles[i].Name == name {
			return &a.IAM.Roles[i]
		}
	}
	panic("no role " + name)
}

func TestCompare(t *testing.T) {
	base := load(t)
	tests := []struct {
		name    string
		mutate  func(s *snapshot.Snapshot)
		want    []Kind
		summary string
	}{
		{"no change", func(*snapshot.Snapshot) {}, nil, ""},
		{"account joined", func(s *snapshot.Snapshot) {
			s.Accounts = append(s.Accounts, snapshot.Account{ID: "800000000001", Name: "new-prod", Status: "ACTIVE", ParentID: "ou-env1-prodwork"})
		}, []Kind{AccountJoined}, "in Root/Prod/Workloads"},
		{"account left", func(s *snapshot.Snapshot) { s.Accounts = s.Accounts[1:] }, []Kind{AccountLeft}, "left the organization"},
		{"account moved", func(s *snapshot.Snapshot) { account(s, "600000000001").ParentID = "ou-env1-prod" }, []Kind{AccountMoved}, "from Root/Dev to Root/Prod"},
		{"account suspended", func(s *snapshot.Snapshot) { account(s, "600000000001").Status = "SUSPENDED" }, []Kind{AccountStatus}, "ACTIVE → SUSPENDED"},
		{"ou added", func(s *snapshot.Snapshot) {
			s.Organization.OrganizationalUnits = append(s.Organization.OrganizationalUnits, snapshot.OrganizationalUnit{ID: "ou-env1-new", Name: "Sandbox", ParentID: "r-env1"})
		}, []Kind{OUAdded}, "OU Sandbox added under Root"},
		{"role added", func(s *snapshot.Snapshot) {
			a := account(s, "700000000001")
			a.IAM.Roles = append(a.IAM.Roles, snapshot.Role{Name: "x", ARN: "arn:aws:iam::700000000001:role/x", TrustPolicy: json.RawMessage(`{"Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}}`)})
		}, []Kind{RoleAdded}, "trusting *"},
		{"role removed", func(s *snapshot.Snapshot) {
			a := account(s, "700000000001")
			a.IAM.Roles = a.IAM.Roles[1:]
		}, []Kind{RoleRemoved}, "removed from prod-web"},
		{"trust lost MFA", func(s *snapshot.Snapshot) {
			role(account(s, "700000000001"), "ProdAdmin").TrustPolicy = json.RawMessage(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::500000000001:root"},"Action":"sts:AssumeRole"}]}`)
		}, []Kind{RoleTrustChanged}, "trust policy of role ProdAdmin"},
		{"trust reformatted only", func(s *snapshot.Snapshot) {
			r := role(account(s, "700000000001"), "ProdAdmin")
			var d map[string]any
			_ = json.Unmarshal(r.TrustPolicy, &d)
			d["Statement"] = d["Statement"].([]any)[0] // object instead of a one-element list
			r.TrustPolicy, _ = json.Marshal(d)
		}, nil, ""},
		{"role policy attached", func(s *snapshot.Snapshot) {
			r := role(account(s, "700000000001"), "deploy")
			r.AttachedPolicies = append(r.AttachedPolicies, snapshot.AttachedPolicy{ARN: "arn:aws:iam::aws:policy/AdministratorAccess", Name: "AdministratorAccess"})
		}, []Kind{RolePermsChanged}, "attached arn:aws:iam::aws:policy/AdministratorAccess"},
		{"user added with group", func(s *snapshot.Snapshot) {
			a := account(s, "500000000001")
			a.IAM.Users = append(a.IAM.Users, snapshot.User{Name: "eve", ARN: "arn:aws:iam::500000000001:user/eve", Groups: []string{"Developers"}})
		}, []Kind{UserAdded, MembershipAdded}, "user eve added"},
		{"membership removed", func(s *snapshot.Snapshot) {
			u := &account(s, "500000000001").IAM.Users[0]
			u.Groups = u.Groups[1:]
		}, []Kind{MembershipRemoved}, "removed from group"},
		{"group policy changed", func(s *snapshot.Snapshot) {
			g := &account(s, "500000000001").IAM.Groups[0]
			g.InlinePolicies[0].Document = json.RawMessage(`{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`)
		}, []Kind{GroupPermsChanged}, "inline policy"},
		{"scp detached", func(s *snapshot.Snapshot) { s.Organization.Policies[1].Targets = nil }, []Kind{SCPDetached}, "detached from Prod"},
		{"scp changed", func(s *snapshot.Snapshot) {
			s.Organization.Policies[1].Document = json.RawMessage(`{"Statement":[{"Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}`)
		}, []Kind{SCPChanged}, "document changed"},
		{"scp removed", func(s *snapshot.Snapshot) { s.Organization.Policies = s.Organization.Policies[:1] }, []Kind{SCPRemoved}, "removed"},
		{"sso assignment removed", func(s *snapshot.Snapshot) { s.Identity.Assignments = s.Identity.Assignments[1:] }, []Kind{SSOAssignmentRemoved}, "group prod-operators gets permission set AdministratorAccess in prod-web"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Compare(base, mutated(t, base, tt.mutate), Options{})
			if err != nil {
				t.Fatal(err)
			}
			var got []Kind
			var text []string
			for _, c := range res.Changes {
				got = append(got, c.Kind)
				text = append(text, c.Summary)
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("kinds %v, want %v (%s)", got, tt.want, strings.Join(text, "; "))
			}
			if tt.summary != "" && !strings.Contains(strings.Join(text, "; "), tt.summary) {
				t.Errorf("summaries %q do not mention %q", text, tt.summary)
			}
		})
	}
}

func TestComparePaths(t *testing.T) {
	base := load(t)
	changed := mutated(t, base, func(s *snapshot.Snapshot) { s.Metadata.ToolVersion = "next" })
	reach := func(s *snapshot.Snapshot) ([]Path, error) {
		if s.Metadata.ToolVersion != "next" {
			return []Path{
				{From: "alice", To: "arn:prod/admin", AccountID: "7", MFA: true, Hops: 1},
				{From: "bob", To: "arn:prod/admin", AccountID: "7", MFA: true, Hops: 1},
				{From: "carol", To: "arn:prod/admin", AccountID: "7", MFA: false, Hops: 1},
			}, nil
		}
		return []Path{
			{From: "alice", To: "arn:prod/admin", AccountID: "7", MFA: false, Hops: 1},
			{From: "carol", To: "arn:prod/admin", AccountID: "7", MFA: true, Hops: 1},
			{From: "dave", To: "arn:prod/admin", AccountID: "7", MFA: false, Hops: 2},
		}, nil
	}
	res, err := Compare(base, changed, Options{Reach: reach})
	if err != nil {
		t.Fatal(err)
	}
	got := map[Kind]string{}
	for _, c := range res.Changes {
		got[c.Kind] += c.Summary
	}
	for kind, who := range map[Kind]string{PathAdded: "dave", PathMFALost: "alice", PathRemoved: "bob", PathMFAGained: "carol"} {
		if !strings.Contains(got[kind], who) {
			t.Errorf("%s: %q does not name %s", kind, got[kind], who)
		}
	}
	if !res.PathsCompared || !res.Any([]Kind{PathAdded}) {
		t.Error("paths were compared and one was added")
	}
}
