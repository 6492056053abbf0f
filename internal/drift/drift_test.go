package drift

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// load returns the fixture made complete: no gaps, every account's IAM
// read, so that every change is a fact.
func load(t *testing.T) *snapshot.Loaded {
	t.Helper()
	l, err := snapshot.LoadFile("../../fixtures/identity-account-ous.json")
	if err != nil {
		t.Fatal(err)
	}
	return mutated(t, l, func(s *snapshot.Snapshot) {
		s.Metadata.Gaps = nil
		for i := range s.Accounts {
			if s.Accounts[i].IAM == nil {
				s.Accounts[i].IAM = &snapshot.IAM{}
			}
		}
	})
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
		{"account renamed", func(s *snapshot.Snapshot) { account(s, "600000000001").Name = "dev-renamed" }, []Kind{AccountRenamed}, "renamed from dev to dev-renamed"},
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
				{From: "erin", To: "arn:prod/admin", AccountID: "7", Escalation: true, Hops: 2},
				{From: "frank", To: "arn:prod/admin", AccountID: "7", MFA: true, Hops: 1},
			}, nil
		}
		return []Path{
			{From: "alice", To: "arn:prod/admin", AccountID: "7", MFA: false, Hops: 1},
			{From: "carol", To: "arn:prod/admin", AccountID: "7", MFA: true, Hops: 1},
			{From: "dave", To: "arn:prod/admin", AccountID: "7", MFA: false, Hops: 2},
			{From: "erin", To: "arn:prod/admin", AccountID: "7", Hops: 1},
			// frank loses MFA and now needs an escalation: both are said.
			{From: "frank", To: "arn:prod/admin", AccountID: "7", Escalation: true, Hops: 2},
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
	for kind, who := range map[Kind][]string{
		PathAdded: {"dave"}, PathMFALost: {"alice", "frank"}, PathRemoved: {"bob"}, PathMFAGained: {"carol"},
		PathEscalationDropped: {"erin"}, PathEscalationRequired: {"frank"},
	} {
		for _, w := range who {
			if !strings.Contains(got[kind], w) {
				t.Errorf("%s: %q does not name %s", kind, got[kind], w)
			}
		}
	}
	if !res.PathsCompared || !res.Any([]Kind{PathAdded}) {
		t.Error("paths were compared and one was added")
	}
}

// TestCompareDoors: paths are compared per source and entry role. A
// second door for a source that already reached production is a new
// door; a door that loses MFA is reported whatever the source's other
// doors require; a door behind a gap is unknown, never added.
func TestCompareDoors(t *testing.T) {
	base := load(t)
	changed := mutated(t, base, func(s *snapshot.Snapshot) { s.Metadata.ToolVersion = "next" })
	const admin, open, ro = "arn:aws:iam::700000000001:role/admin", "arn:aws:iam::700000000001:role/drift-open", "arn:aws:iam::700000000001:role/ro"
	reach := func(s *snapshot.Snapshot) ([]Path, error) {
		doors := []Path{
			{From: "*", To: "production", Entry: admin, MFA: false, Hops: 1},
			{From: "alice", To: "production", Entry: admin, AccountID: "500000000001", MFA: true, Hops: 1},
			{From: "alice", To: "production", Entry: ro, AccountID: "500000000001", MFA: true, Hops: 1},
		}
		if s.Metadata.ToolVersion == "next" {
			doors = append(doors, Path{From: "*", To: "production", Entry: open, Hops: 1})
			doors[2].MFA = false
		}
		return doors, nil
	}
	res := compare(t, base, changed, reach)
	var got []string
	for _, c := range res.Changes {
		got = append(got, string(c.Kind)+" "+c.Resource+" "+c.Entry)
	}
	want := []string{"path.added * " + open, "path.mfa_lost alice " + ro}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("changes %q, want %q", got, want)
	}
	if !res.Any(DefaultFailKinds) {
		t.Error("a new door does not fail the default --fail-on")
	}
	for _, c := range res.Changes {
		if c.Kind == PathAdded && !strings.Contains(c.Summary, "through "+open) {
			t.Errorf("summary %q does not name the door", c.Summary)
		}
	}

	// A gap in the new snapshot's IAM hides the new door: unknown.
	gapped := mutated(t, changed, func(s *snapshot.Snapshot) {
		s.Metadata.Gaps = append(s.Metadata.Gaps, snapshot.Gap{AccountID: "700000000001", Section: snapshot.SectionAuthDetails, Operation: "iam:GetAccountAuthorizationDetails", ErrorCode: "AccessDenied"})
	})
	gapped.Snapshot.Metadata.ToolVersion = "next"
	res = compare(t, gapped, changed, reach)
	for _, c := range res.Changes {
		if c.Kind == PathAdded {
			t.Errorf("door added behind a gap of the old snapshot: %+v", c)
		}
		if c.Kind == Unknown && c.WouldBe == PathAdded && c.Entry != open {
			t.Errorf("unknown door without its entry: %+v", c)
		}
	}
}

// TestComparePermissionSetGap: a gap about one permission set's policies
// (the set marks it) hides the doors of the Identity Center principals
// assigned it, and no other door.
func TestComparePermissionSetGap(t *testing.T) {
	const psARN = "arn:aws:sso:::permissionSet/ssoins-1/ps-1"
	withSet := func(s *snapshot.Snapshot) {
		s.Identity = &snapshot.IdentityCenter{
			PermissionSets: []snapshot.PermissionSet{{ARN: psARN, Name: "Admin", Incomplete: []string{"sso:GetPermissionsBoundaryForPermissionSet"}}},
			Assignments:    []snapshot.Assignment{{AccountID: "700000000001", PermissionSetARN: psARN, PrincipalType: "GROUP", PrincipalID: "g-1"}},
			Memberships:    []snapshot.GroupMembership{{GroupID: "g-1", UserID: "u-1"}},
		}
		s.Metadata.Gaps = append(s.Metadata.Gaps, snapshot.Gap{Section: snapshot.SectionIdentityCenter, Operation: "sso:GetPermissionsBoundaryForPermissionSet", ErrorCode: "HTTP500"})
	}
	base := mutated(t, load(t), withSet)
	changed := mutated(t, base, func(s *snapshot.Snapshot) { s.Metadata.ToolVersion = "next" })
	reach := func(s *snapshot.Snapshot) ([]Path, error) {
		if s.Metadata.ToolVersion != "next" {
			return nil, nil
		}
		return []Path{
			{From: "*", To: "production", Entry: "arn:aws:iam::700000000001:role/open"},
			{From: "ic:user/u-1", To: "production", Entry: "arn:aws:iam::700000000001:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_*"},
			{From: "arn:aws:iam::700000000001:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_*", To: "production", Entry: "arn:aws:iam::700000000001:role/open"},
		}, nil
	}
	res := compare(t, base, changed, reach)
	got := map[string]Kind{}
	for _, c := range res.Changes {
		if c.Kind == PathAdded || c.WouldBe == PathAdded {
			got[c.Resource] = c.Kind
		}
	}
	want := map[string]Kind{"*": PathAdded, "ic:user/u-1": Unknown, "arn:aws:iam::700000000001:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_*": Unknown}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("doors %v, want %v", got, want)
	}
	if !res.Incomplete {
		t.Error("a permission set read in part leaves the comparison complete")
	}
	for _, c := range res.Changes {
		if c.Kind == Unknown && c.Resource == "organization" && strings.Contains(c.Summary, "Identity Center") {
			t.Errorf("the permission set's gap hides the Identity Center assignments: %s", c.Summary)
		}
	}
	// A snapshot that does not say which set was read in part: the gap
	// hides every path, as before.
	unmarked := func(s *snapshot.Snapshot) { s.Identity.PermissionSets[0].Incomplete = nil }
	res = compare(t, mutated(t, base, unmarked), mutated(t, changed, unmarked), reach)
	for _, c := range res.Changes {
		if c.Kind == PathAdded {
			t.Errorf("door added although an unmarked permission set gap hides every path: %+v", c)
		}
	}
}

func TestCompareRefusesOtherOrganizations(t *testing.T) {
	a := load(t)
	other, err := snapshot.LoadFile("../../fixtures/startup-dev-prod.json")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Compare(a, other, Options{})
	var mismatch *OrganizationMismatchError
	if !errors.As(err, &mismatch) || !strings.Contains(err.Error(), "o-envlayout01") || !strings.Contains(err.Error(), "o-dyn6example1") {
		t.Fatalf("error %v, want both organizations named", err)
	}
	if _, err := Compare(a, other, Options{Force: true}); err != nil {
		t.Fatalf("--force: %v", err)
	}
	// A snapshot of one member account compares with its organization's.
	single := mutated(t, a, func(s *snapshot.Snapshot) {
		s.Organization, s.Metadata.Scope = nil, snapshot.ScopeAccount
		s.Metadata.Caller.AccountID = s.Accounts[1].ID
		s.Accounts = s.Accounts[1:2]
	})
	if _, err := Compare(a, single, Options{}); err != nil {
		t.Errorf("organization and one of its accounts: %v", err)
	}
	stranger := mutated(t, single, func(s *snapshot.Snapshot) {
		s.Metadata.Caller.AccountID = "999999999999"
		s.Accounts[0].ID = "999999999999"
	})
	if _, err := Compare(a, stranger, Options{}); !errors.As(err, &mismatch) {
		t.Errorf("organization and an account outside it: %v", err)
	}
}

// kindsOf counts the changes per kind, and the Unknown ones per the kind
// they would have been.
func kindsOf(res *Result) (kinds, wouldBe map[Kind]int) {
	kinds, wouldBe = map[Kind]int{}, map[Kind]int{}
	for _, c := range res.Changes {
		kinds[c.Kind]++
		if c.Kind == Unknown {
			wouldBe[c.WouldBe]++
		}
	}
	return kinds, wouldBe
}

// TestCompareGaps: what a snapshot could not read is never reported as
// added or removed, but as Unknown, and the result is incomplete.
func TestCompareGaps(t *testing.T) {
	base := load(t)
	const prod = "700000000001"
	accessDenied := func(s *snapshot.Snapshot, account, section, op string) {
		s.Metadata.Gaps = append(s.Metadata.Gaps, snapshot.Gap{AccountID: account, Section: section, Operation: op, ErrorCode: "AccessDenied", Message: "denied"})
	}
	roles := len(account(base.Snapshot, prod).IAM.Roles)
	orgAccounts := len(base.Snapshot.Accounts)

	t.Run("AccessDenied on one account's IAM in the new snapshot", func(t *testing.T) {
		gapped := mutated(t, base, func(s *snapshot.Snapshot) {
			a := account(s, prod)
			a.IAM.Roles, a.IAM.Users, a.IAM.Groups = []snapshot.Role{}, []snapshot.User{}, []snapshot.Group{}
			accessDenied(s, prod, snapshot.SectionAuthDetails, "iam:GetAccountAuthorizationDetails")
		})
		res := compare(t, base, gapped, nil)
		kinds, would := kindsOf(res)
		if kinds[RoleRemoved] != 0 || kinds[UserRemoved] != 0 || would[RoleRemoved] != roles || !res.Incomplete {
			t.Fatalf("kinds %v, unknown %v (want %d unknown role removals), incomplete %v", kinds, would, roles, res.Incomplete)
		}
		for _, c := range res.Changes {
			if c.Kind == Unknown && (!strings.Contains(c.Summary, "iam:GetAccountAuthorizationDetails") || c.AccountID != prod) {
				t.Errorf("unknown change does not say why: %+v", c)
			}
		}
	})

	t.Run("whole account not read in the new snapshot hides its changes", func(t *testing.T) {
		gapped := mutated(t, base, func(s *snapshot.Snapshot) {
			account(s, prod).IAM = nil
			accessDenied(s, prod, snapshot.SectionAccount, "sts:AssumeRole")
		})
		res := compare(t, base, gapped, nil)
		kinds, would := kindsOf(res)
		if len(kinds) != 1 || would[RoleRemoved] != roles || !res.Incomplete {
			t.Fatalf("kinds %v, unknown %v, incomplete %v", kinds, would, res.Incomplete)
		}
	})

	t.Run("changes inside an account the old snapshot could not read", func(t *testing.T) {
		old := mutated(t, base, func(s *snapshot.Snapshot) {
			account(s, prod).IAM = nil
			accessDenied(s, prod, snapshot.SectionAccount, "sts:AssumeRole")
		})
		res := compare(t, old, base, nil)
		kinds, would := kindsOf(res)
		if kinds[RoleAdded] != 0 || would[RoleAdded] != roles {
			t.Fatalf("kinds %v, unknown %v", kinds, would)
		}
	})

	t.Run("both snapshots without an account's IAM", func(t *testing.T) {
		gapped := mutated(t, base, func(s *snapshot.Snapshot) {
			account(s, prod).IAM = nil
			accessDenied(s, prod, snapshot.SectionAccount, "sts:AssumeRole")
		})
		res := compare(t, gapped, gapped, nil)
		if len(res.Changes) != 1 || res.Changes[0].Kind != Unknown || res.Changes[0].AccountID != prod || !res.Incomplete {
			t.Fatalf("changes %+v, incomplete %v: one unknown change for the account is expected", res.Changes, res.Incomplete)
		}
	})

	t.Run("DescribeOrganization failed in the new snapshot", func(t *testing.T) {
		gapped := mutated(t, base, func(s *snapshot.Snapshot) {
			mgmt := *account(s, s.Organization.ManagementAccountID)
			s.Organization = nil
			s.Accounts = []snapshot.Account{mgmt}
			s.Metadata.Scope = snapshot.ScopeAccount
			accessDenied(s, "", snapshot.SectionOrganization, "organizations:DescribeOrganization")
		})
		res := compare(t, base, gapped, nil)
		kinds, would := kindsOf(res)
		if kinds[AccountLeft] != 0 || kinds[OURemoved] != 0 || kinds[SCPRemoved] != 0 || would[AccountLeft] != orgAccounts-1 || !res.Incomplete {
			t.Fatalf("kinds %v, unknown %v, incomplete %v", kinds, would, res.Incomplete)
		}
	})

	t.Run("a gap drift does not read changes nothing", func(t *testing.T) {
		gapped := mutated(t, base, func(s *snapshot.Snapshot) {
			accessDenied(s, prod, snapshot.SectionPasswordPolicy, "iam:GetAccountPasswordPolicy")
		})
		res := compare(t, base, gapped, nil)
		if len(res.Changes) != 0 || res.Incomplete {
			t.Fatalf("changes %+v, incomplete %v", res.Changes, res.Incomplete)
		}
	})

	t.Run("paths of snapshots with gaps", func(t *testing.T) {
		// dev's users can be taken over by escalation, so their MFA
		// and console passwords bear on paths from any account.
		const dev = "600000000001"
		gapped := mutated(t, base, func(s *snapshot.Snapshot) {
			accessDenied(s, dev, snapshot.SectionCredentialReport, "iam:GetCredentialReport")
		})
		reach := func(s *snapshot.Snapshot) ([]Path, error) {
			if len(s.Metadata.Gaps) > 0 {
				return nil, nil // the path through dev-local was not seen
			}
			return []Path{{From: "alice", To: "production", AccountID: prod, MFA: true, Hops: 2}}, nil
		}
		res := compare(t, base, gapped, reach)
		kinds, would := kindsOf(res)
		if kinds[PathRemoved] != 0 || would[PathRemoved] != 1 || !res.Incomplete {
			t.Fatalf("kinds %v, unknown %v, incomplete %v", kinds, would, res.Incomplete)
		}
		// A gap in prod-web's, which has no users, hides the paths from
		// prod-web; one in staging's, which has none either, hides only
		// the paths from staging.
		gapped = mutated(t, base, func(s *snapshot.Snapshot) {
			accessDenied(s, prod, snapshot.SectionCredentialReport, "iam:GetCredentialReport")
		})
		res = compare(t, base, gapped, reach)
		if kinds, would := kindsOf(res); kinds[PathRemoved] != 0 || would[PathRemoved] != 1 || !res.Incomplete {
			t.Fatalf("kinds %v, unknown %v, incomplete %v", kinds, would, res.Incomplete)
		}
		gapped = mutated(t, base, func(s *snapshot.Snapshot) {
			accessDenied(s, "600000000002", snapshot.SectionCredentialReport, "iam:GetCredentialReport")
		})
		res = compare(t, base, gapped, reach)
		if kinds, _ := kindsOf(res); kinds[PathRemoved] != 1 || !res.Incomplete {
			t.Fatalf("kinds %v, incomplete %v: staging's gap hides only the paths from staging", kinds, res.Incomplete)
		}
	})
}

func compare(t *testing.T, old, new *snapshot.Loaded, reach ReachFunc) *Result {
	t.Helper()
	res, err := Compare(old, new, Options{Reach: reach})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// FuzzCompare compares two snapshots that validate, in both orders: the
// comparison never fails or panics, is deterministic, never reports a
// snapshot as changed against itself, and reports nothing but Unknown in
// an area a gap hides.
func FuzzCompare(f *testing.F) {
	paths, _ := filepath.Glob("../../fixtures/*.json")
	var raws [][]byte
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		raws = append(raws, raw)
	}
	for i := range raws {
		f.Add(raws[i], raws[(i+1)%len(raws)])
		f.Add(raws[i], raws[i])
	}
	reach := func(s *snapshot.Snapshot) ([]Path, error) {
		var out []Path
		for _, a := range s.Accounts {
			if a.IAM == nil {
				continue
			}
			for _, r := range a.IAM.Roles {
				out = append(out, Path{From: r.ARN, To: "production", AccountID: a.ID, MFA: len(r.TrustPolicy)%2 == 0, Hops: 1})
			}
		}
		return out, nil
	}
	f.Fuzz(func(t *testing.T, oldRaw, newRaw []byte) {
		old, err := snapshot.Parse(oldRaw)
		if err != nil {
			return
		}
		cur, err := snapshot.Parse(newRaw)
		if err != nil {
			return
		}
		for _, pair := range [][2]*snapshot.Loaded{{old, cur}, {cur, old}, {old, old}} {
			res, err := Compare(pair[0], pair[1], Options{Reach: reach, Force: true})
			if err != nil {
				t.Fatal(err)
			}
			again, _ := Compare(pair[0], pair[1], Options{Reach: reach, Force: true})
			if !reflect.DeepEqual(res, again) {
				t.Fatal("comparison is not deterministic")
			}
			for _, c := range res.Changes {
				if !ValidKind(c.Kind) || (c.Kind == Unknown) != (c.WouldBe != "" || strings.HasPrefix(c.Summary, "changes to the")) {
					t.Fatalf("change %+v", c)
				}
				if pair[0] == pair[1] && c.Kind != Unknown {
					t.Fatalf("a snapshot differs from itself: %+v", c)
				}
				if len(pair[1].Snapshot.Metadata.Gaps) > 0 && (c.Kind == RoleRemoved || c.Kind == AccountLeft || c.Kind == UserRemoved) &&
					newSide("new", pair[1].Snapshot).hidden(areaIAM, c.AccountID) != "" {
					t.Fatalf("%s reported for data the new snapshot could not read: %+v", c.Kind, c)
				}
			}
			for _, s := range []*snapshot.Snapshot{pair[0].Snapshot, pair[1].Snapshot} {
				for _, g := range s.Metadata.Gaps {
					if sd := newSide("", s); sd.hides(g, areaGraph, "") && !sd.inactive[g.AccountID] && !res.Incomplete {
						t.Fatalf("gap %+v hides the access graph, but the result is complete", g)
					}
				}
			}
		}
	})
}

// TestHidesEverySection: every section a gap can cover has a decision
// about what it hides, and the table names no section the snapshot does
// not have. A section added to the snapshot fails here until hides says
// which changes it can hide.
func TestHidesEverySection(t *testing.T) {
	for _, s := range snapshot.Sections {
		if _, ok := hides[s]; !ok {
			t.Errorf("section %s: no decision in hides (unknown.go) about which changes a gap in it hides", s)
		}
	}
	for s := range hides {
		if !slices.Contains(snapshot.Sections, s) {
			t.Errorf("hides names %s, which is not a snapshot section", s)
		}
	}
}

// TestGapHides: for a gap in every section, in the new snapshot, whether a
// role removed from prod-web and the path from that role are reported as
// facts or as unknown. Data drift does not compare and the graph does not
// read (the CIS sections among them) hides neither; a gap in one
// account's MFA or console-password data hides the paths from that account,
// and every path when the account has users (escalation can take one over,
// from any account).
func TestGapHides(t *testing.T) {
	base := load(t)
	const prod, dev = "700000000001", "600000000001"
	removed := account(base.Snapshot, prod).IAM.Roles[0].ARN
	// reach gives every role a path into production.
	reach := func(s *snapshot.Snapshot) ([]Path, error) {
		var out []Path
		for _, a := range s.Accounts {
			if a.IAM != nil {
				for _, r := range a.IAM.Roles {
					out = append(out, Path{From: r.ARN, To: "production", AccountID: a.ID, Hops: 1})
				}
			}
		}
		return out, nil
	}
	type hidden struct {
		role, path bool // the role's removal, the path's removal
		incomplete bool // anything at all
	}
	none, paths, both := hidden{}, hidden{path: true, incomplete: true}, hidden{true, true, true}
	// Paths from another account than prod-web: the result is
	// incomplete, but not about the role's path.
	otherPaths := hidden{incomplete: true}
	const staging = "600000000002" // no users
	tests := []struct {
		section, account string
		want             hidden
	}{
		{snapshot.SectionOrganization, "", paths},
		{snapshot.SectionOrgPolicies, "", paths},
		{snapshot.SectionHandshakes, "", none},
		{snapshot.SectionDelegatedAdmins, "", none},
		{snapshot.SectionAccount, prod, both},
		{snapshot.SectionAccount, dev, paths},
		{snapshot.SectionAuthDetails, prod, both},
		{snapshot.SectionAuthDetails, dev, paths},
		{snapshot.SectionAccountSummary, prod, none},
		{snapshot.SectionCredentialReport, prod, paths},
		{snapshot.SectionCredentialReport, dev, paths}, // dev-local can be taken over
		{snapshot.SectionCredentialReport, staging, otherPaths},
		{snapshot.SectionPasswordPolicy, prod, none},
		{snapshot.SectionAliases, prod, none},
		{snapshot.SectionMFADevices, prod, paths},
		{snapshot.SectionMFADevices, dev, paths},
		{snapshot.SectionMFADevices, staging, otherPaths},
		{snapshot.SectionProviders, prod, none},
		{snapshot.SectionIdentityCenter, "", paths},
		{snapshot.SectionAWSManagedPolicies, "", paths},
		{snapshot.SectionAlternateContacts, prod, none},
		{snapshot.SectionRegions, prod, none},
		{snapshot.SectionServerCertificates, prod, none},
		{snapshot.SectionAccessAnalyzer, prod, none},
	}
	decided := map[string]bool{}
	for _, tt := range tests {
		decided[tt.section] = true
	}
	for _, s := range snapshot.Sections {
		if !decided[s] {
			t.Errorf("section %s: no case here saying which changes a gap in it hides", s)
		}
	}
	for _, tt := range tests {
		t.Run(tt.section+"/"+tt.account, func(t *testing.T) {
			gapped := mutated(t, base, func(s *snapshot.Snapshot) {
				a := account(s, prod)
				a.IAM.Roles = a.IAM.Roles[1:]
				s.Metadata.Gaps = append(s.Metadata.Gaps, snapshot.Gap{AccountID: tt.account, Section: tt.section, Operation: "op", ErrorCode: "AccessDenied", Message: "denied"})
			})
			res := compare(t, base, gapped, reach)
			role, path := kindOf(res, RoleRemoved, removed), kindOf(res, PathRemoved, removed)
			got := hidden{role: role == Unknown, path: path == Unknown, incomplete: res.Incomplete}
			if got != tt.want || role == "" || path == "" {
				t.Errorf("role removal reported as %q, path removal as %q, incomplete %v; want %+v", role, path, res.Incomplete, tt.want)
			}
		})
	}
}

// kindOf returns the kind under which the change that would be of kind k
// about resource is reported: k itself, Unknown, or "" when it is missing.
func kindOf(res *Result, k Kind, resource string) Kind {
	for _, c := range res.Changes {
		if c.Resource == resource && (c.Kind == k || (c.Kind == Unknown && c.WouldBe == k)) {
			return c.Kind
		}
	}
	return ""
}
