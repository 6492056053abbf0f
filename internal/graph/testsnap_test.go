package graph

import (
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/orgaudit/orgaudit/internal/policy"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// The test snapshots under testdata/ are written from the small
// definitions in testdata_test.go by `go test ./internal/graph -run
// TestTestdataUpToDate -update`; this file holds the helpers that keep
// those definitions short. Every generated file loads with snapshot.Parse.

var testTime = time.Date(2026, 11, 1, 6, 0, 0, 0, time.UTC)

const (
	tOrg      = "o-graphtest1"
	tRoot     = "r-gt01"
	tMgmt     = "100000000000"
	adminARN  = "arn:aws:iam::aws:policy/AdministratorAccess"
	readARN   = "arn:aws:iam::aws:policy/ReadOnlyAccess"
	allowStar = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
)

type tsnap struct{ s *snapshot.Snapshot }

type tacct struct{ a *snapshot.Account }

type opt func(any)

// newSnap starts an organization with a management account, SCPs enabled
// and FullAWSAccess on the root; like AWS, ou and account attach
// FullAWSAccess to every OU and account they add (detachFull undoes it).
func newSnap() *tsnap {
	s := &snapshot.Snapshot{
		SchemaVersion: snapshot.SchemaVersion,
		Metadata: snapshot.Metadata{CollectedAt: testTime, ToolVersion: "test", Partition: "aws", Scope: snapshot.ScopeOrganization,
			Caller: snapshot.Caller{AccountID: tMgmt, ARN: "arn:aws:sts::" + tMgmt + ":assumed-role/audit/test"}, Gaps: []snapshot.Gap{}},
		Organization: &snapshot.Organization{
			ID: tOrg, ARN: "arn:aws:organizations::" + tMgmt + ":organization/" + tOrg, FeatureSet: "ALL", ManagementAccountID: tMgmt,
			Roots:               []snapshot.Root{{ID: tRoot, ARN: "arn:aws:organizations::" + tMgmt + ":root/" + tOrg + "/" + tRoot, Name: "Root", PolicyTypes: []snapshot.PolicyType{{Type: "SERVICE_CONTROL_POLICY", Status: "ENABLED"}}}},
			OrganizationalUnits: []snapshot.OrganizationalUnit{},
			Policies:            []snapshot.OrgPolicy{},
			Handshakes:          []snapshot.Handshake{},
			DelegatedAdmins:     []snapshot.DelegatedAdministrator{},
		},
		AWSPolicies: []snapshot.Policy{
			{Name: "AdministratorAccess", ARN: adminARN, Path: "/", DefaultVersionID: "v1", Document: json.RawMessage(allowStar)},
			{Name: "ReadOnlyAccess", ARN: readARN, Path: "/", DefaultVersionID: "v1", Document: json.RawMessage(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","iam:Get*"],"Resource":"*"}]}`)},
		},
	}
	t := &tsnap{s}
	t.scp("p-FullAWSAccess", "FullAWSAccess", allowStar, tRoot)
	t.account(tMgmt, "management", tRoot)
	return t
}

func (t *tsnap) ou(id, name, parent string) *tsnap {
	t.s.Organization.OrganizationalUnits = append(t.s.Organization.OrganizationalUnits, snapshot.OrganizationalUnit{
		ID: id, ARN: "arn:aws:organizations::" + tMgmt + ":ou/" + tOrg + "/" + id, Name: name, ParentID: parent})
	t.attachFull(id, "ORGANIZATIONAL_UNIT")
	return t
}

// attachFull attaches FullAWSAccess (the first policy) to a target.
func (t *tsnap) attachFull(id, typ string) {
	full := &t.s.Organization.Policies[0]
	full.Targets = append(full.Targets, snapshot.PolicyTarget{TargetID: id, Type: typ})
}

// detachFull detaches FullAWSAccess from a target, leaving its level with
// whatever else is attached.
func (t *tsnap) detachFull(id string) *tsnap {
	full := &t.s.Organization.Policies[0]
	full.Targets = slices.DeleteFunc(full.Targets, func(pt snapshot.PolicyTarget) bool { return pt.TargetID == id })
	return t
}

func (t *tsnap) scp(id, name, doc string, targets ...string) *tsnap {
	p := snapshot.OrgPolicy{ID: id, ARN: "arn:aws:organizations::" + tMgmt + ":policy/" + tOrg + "/service_control_policy/" + id, Name: name,
		Type: "SERVICE_CONTROL_POLICY", AWSManaged: name == "FullAWSAccess", Document: json.RawMessage(doc)}
	for _, tg := range targets {
		typ := "ORGANIZATIONAL_UNIT"
		switch {
		case tg == tRoot:
			typ = "ROOT"
		case policy.IsAccountID(tg):
			typ = "ACCOUNT"
		}
		p.Targets = append(p.Targets, snapshot.PolicyTarget{TargetID: tg, Type: typ})
	}
	t.s.Organization.Policies = append(t.s.Organization.Policies, p)
	return t
}

func (t *tsnap) account(id, name, parent string) *tacct {
	t.attachFull(id, "ACCOUNT")
	t.s.Accounts = append(t.s.Accounts, snapshot.Account{
		ID: id, Name: name, Status: "ACTIVE", ParentID: parent,
		IAM: &snapshot.IAM{
			Users: []snapshot.User{}, Groups: []snapshot.Group{}, Roles: []snapshot.Role{}, Policies: []snapshot.Policy{},
			Summary:          map[string]int{},
			CredentialReport: &snapshot.CredentialReport{Rows: []snapshot.CredentialReportRow{}},
			Aliases:          []string{}, SAMLProviders: []snapshot.SAMLProvider{}, OIDCProviders: []snapshot.OIDCProvider{}, VirtualMFA: []snapshot.VirtualMFA{},
		},
	})
	return &tacct{&t.s.Accounts[len(t.s.Accounts)-1]}
}

// acct returns an account added before (accounts are stored by value, so
// keep using the returned handle only until the next account is added).
func (t *tsnap) acct(id string) *tacct {
	for i := range t.s.Accounts {
		if t.s.Accounts[i].ID == id {
			return &tacct{&t.s.Accounts[i]}
		}
	}
	panic("no account " + id)
}

func (t *tsnap) json() []byte {
	b, err := snapshot.Marshal(t.s)
	if err != nil {
		panic(err)
	}
	return b
}

// Options of users and roles.

func inline(name, doc string) opt {
	return func(x any) {
		p := snapshot.InlinePolicy{Name: name, Document: json.RawMessage(doc)}
		switch v := x.(type) {
		case *snapshot.User:
			v.InlinePolicies = append(v.InlinePolicies, p)
		case *snapshot.Role:
			v.InlinePolicies = append(v.InlinePolicies, p)
		case *snapshot.Group:
			v.InlinePolicies = append(v.InlinePolicies, p)
		}
	}
}

func attach(arn string) opt {
	return func(x any) {
		p := snapshot.AttachedPolicy{ARN: arn, Name: lastSegment(arn)}
		switch v := x.(type) {
		case *snapshot.User:
			v.AttachedPolicies = append(v.AttachedPolicies, p)
		case *snapshot.Role:
			v.AttachedPolicies = append(v.AttachedPolicies, p)
		case *snapshot.Group:
			v.AttachedPolicies = append(v.AttachedPolicies, p)
		}
	}
}

func boundary(arn string) opt {
	return func(x any) {
		p := &snapshot.AttachedPolicy{ARN: arn, Name: lastSegment(arn)}
		switch v := x.(type) {
		case *snapshot.User:
			v.PermissionsBoundary = p
		case *snapshot.Role:
			v.PermissionsBoundary = p
		}
	}
}

func inGroup(name string) opt {
	return func(x any) {
		if u, ok := x.(*snapshot.User); ok {
			u.Groups = append(u.Groups, name)
		}
	}
}

func withMFA() opt {
	return func(x any) {
		if u, ok := x.(*snapshot.User); ok {
			u.MFADevices = append(u.MFADevices, snapshot.MFADevice{SerialNumber: "arn:aws:iam::" + arnAccount(u.ARN) + ":mfa/" + u.Name, Type: snapshot.MFAVirtual})
		}
	}
}

func (a *tacct) user(name string, opts ...opt) *tacct {
	u := snapshot.User{Name: name, ID: "AIDA" + a.a.ID + name, ARN: "arn:aws:iam::" + a.a.ID + ":user/" + name, Path: "/",
		Groups: []string{}, InlinePolicies: []snapshot.InlinePolicy{}, AttachedPolicies: []snapshot.AttachedPolicy{}, MFADevices: []snapshot.MFADevice{}}
	for _, o := range opts {
		o(&u)
	}
	a.a.IAM.Users = append(a.a.IAM.Users, u)
	a.a.IAM.CredentialReport.Rows = append(a.a.IAM.CredentialReport.Rows, snapshot.CredentialReportRow{
		User: name, ARN: u.ARN, MFAActive: len(u.MFADevices) > 0, AccessKeys: []snapshot.AccessKey{{Slot: 1}, {Slot: 2}}})
	for _, g := range u.Groups {
		for i := range a.a.IAM.Groups {
			if a.a.IAM.Groups[i].Name == g {
				a.a.IAM.Groups[i].Members = append(a.a.IAM.Groups[i].Members, name)
			}
		}
	}
	return a
}

func (a *tacct) group(name string, opts ...opt) *tacct {
	g := snapshot.Group{Name: name, ID: "AGPA" + a.a.ID + name, ARN: "arn:aws:iam::" + a.a.ID + ":group/" + name, Path: "/",
		InlinePolicies: []snapshot.InlinePolicy{}, AttachedPolicies: []snapshot.AttachedPolicy{}, Members: []string{}}
	for _, o := range opts {
		o(&g)
	}
	a.a.IAM.Groups = append(a.a.IAM.Groups, g)
	return a
}

func (a *tacct) role(name, trust string, opts ...opt) *tacct {
	r := snapshot.Role{Name: name, ID: "AROA" + a.a.ID + name, ARN: "arn:aws:iam::" + a.a.ID + ":role/" + name, Path: "/",
		TrustPolicy: json.RawMessage(trust), InlinePolicies: []snapshot.InlinePolicy{}, AttachedPolicies: []snapshot.AttachedPolicy{}}
	for _, o := range opts {
		o(&r)
	}
	a.a.IAM.Roles = append(a.a.IAM.Roles, r)
	return a
}

func (a *tacct) policy(name, doc string) *tacct {
	a.a.IAM.Policies = append(a.a.IAM.Policies, snapshot.Policy{Name: name, ARN: "arn:aws:iam::" + a.a.ID + ":policy/" + name, Path: "/",
		DefaultVersionID: "v1", AttachmentCount: 1, Document: json.RawMessage(doc)})
	return a
}

// Policy document helpers.

func trustAWS(principal string, cond string) string {
	c := ""
	if cond != "" {
		c = `,"Condition":` + cond
	}
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + principal + `"},"Action":"sts:AssumeRole"` + c + `}]}`
}

func assume(resource string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"` + resource + `"}]}`
}

const mfaCond = `{"Bool":{"aws:MultiFactorAuthPresent":"true"}}`

// forceMFA is the IAM User Guide's policy that denies everything but
// managing one's own MFA device to a request without MFA.
const forceMFA = `{"Version":"2012-10-17","Statement":[{"Sid":"DenyAllExceptListedIfNoMFA","Effect":"Deny","NotAction":["iam:CreateVirtualMFADevice","iam:EnableMFADevice","iam:ListMFADevices","iam:ResyncMFADevice","sts:GetSessionToken"],"Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}]}`

// Identity Center helpers.

const tInstance = "arn:aws:sso:::instance/ssoins-graphtest"

func (t *tsnap) identityCenter() *snapshot.IdentityCenter {
	if t.s.Identity == nil {
		t.s.Identity = &snapshot.IdentityCenter{
			Instances:      []snapshot.SSOInstance{{ARN: tInstance, IdentityStoreID: "d-graphtest", OwnerAccountID: tMgmt}},
			PermissionSets: []snapshot.PermissionSet{}, Assignments: []snapshot.Assignment{},
			Users: []snapshot.IdentityUser{}, Groups: []snapshot.IdentityGroup{}, Memberships: []snapshot.GroupMembership{},
		}
	}
	return t.s.Identity
}

func psARN(id string) string { return "arn:aws:sso:::permissionSet/ssoins-graphtest/" + id }

func (t *tsnap) permissionSet(id, name string, managed ...string) *tsnap {
	ic := t.identityCenter()
	ps := snapshot.PermissionSet{ARN: psARN(id), InstanceARN: tInstance, Name: name, ManagedPolicies: []snapshot.AttachedPolicy{}, CustomerManagedPolicies: []snapshot.CustomerPolicyRef{}}
	for _, m := range managed {
		ps.ManagedPolicies = append(ps.ManagedPolicies, snapshot.AttachedPolicy{ARN: m, Name: lastSegment(m)})
	}
	ic.PermissionSets = append(ic.PermissionSets, ps)
	return t
}

func (t *tsnap) icUser(id, name string) *tsnap {
	ic := t.identityCenter()
	ic.Users = append(ic.Users, snapshot.IdentityUser{ID: id, IdentityStoreID: "d-graphtest", UserName: name})
	return t
}

func (t *tsnap) icGroup(id, name string, members ...string) *tsnap {
	ic := t.identityCenter()
	ic.Groups = append(ic.Groups, snapshot.IdentityGroup{ID: id, IdentityStoreID: "d-graphtest", DisplayName: name})
	for _, m := range members {
		ic.Memberships = append(ic.Memberships, snapshot.GroupMembership{IdentityStoreID: "d-graphtest", GroupID: id, UserID: m})
	}
	return t
}

func (t *tsnap) assign(acct, ps, typ, principalID string) *tsnap {
	ic := t.identityCenter()
	ic.Assignments = append(ic.Assignments, snapshot.Assignment{InstanceARN: tInstance, AccountID: acct, PermissionSetARN: psARN(ps), PrincipalType: typ, PrincipalID: principalID})
	return t
}

// Escalation helpers.

// tagged sets tags on a user or role.
func tagged(kv ...string) opt {
	return func(x any) {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		switch v := x.(type) {
		case *snapshot.User:
			v.Tags = m
		case *snapshot.Role:
			v.Tags = m
		}
	}
}

// profiles records the instance profiles holding a role (none: an empty
// list, which the snapshot says; without this option they are unknown).
func profiles(names ...string) opt {
	return func(x any) {
		if r, ok := x.(*snapshot.Role); ok {
			r.InstanceProfiles = []snapshot.InstanceProfile{}
			for _, n := range names {
				r.InstanceProfiles = append(r.InstanceProfiles, snapshot.InstanceProfile{Name: n, ARN: "arn:aws:iam::" + arnAccount(r.ARN) + ":instance-profile/" + n, Path: "/"})
			}
		}
	}
}

// rolePath puts a role under an IAM path.
func rolePath(path string) opt {
	return func(x any) {
		if r, ok := x.(*snapshot.Role); ok {
			r.Path = path
			r.ARN = "arn:aws:iam::" + arnAccount(r.ARN) + ":role" + path + r.Name
		}
	}
}

// withPassword marks a user of the account as having a console password
// in the credential report.
func (a *tacct) withPassword(name string) *tacct {
	for i := range a.a.IAM.CredentialReport.Rows {
		if a.a.IAM.CredentialReport.Rows[i].User == name {
			a.a.IAM.CredentialReport.Rows[i].PasswordEnabled = true
		}
	}
	return a
}

// allow is an identity policy of Allow statements, each "actions|resource"
// or "actions|resource|condition-json".
func allow(stmts ...string) string {
	var parts []string
	for _, s := range stmts {
		f := strings.SplitN(s, "|", 3)
		acts := strings.Split(f[0], ",")
		st := `{"Effect":"Allow","Action":["` + strings.Join(acts, `","`) + `"],"Resource":"` + f[1] + `"`
		if len(f) == 3 {
			st += `,"Condition":` + f[2]
		}
		parts = append(parts, st+"}")
	}
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(parts, ",") + `]}`
}

func trustService(svc, cond string) string {
	c := ""
	if cond != "" {
		c = `,"Condition":` + cond
	}
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"` + svc + `"},"Action":"sts:AssumeRole"` + c + `}]}`
}
