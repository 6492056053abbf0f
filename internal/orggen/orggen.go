// Package orggen generates synthetic organizations of any size for
// benchmarks: a management account, an identity account holding the IAM
// users people sign in with, and member accounts spread over Dev, Staging
// and Prod OUs, each with a realistic mix of roles and trust policies
// (administrator and read-only roles trusting the identity account with
// MFA, OrganizationAccountAccessRole trusting the management account,
// deployment chains from CI roles, vendor roles with and without
// sts:ExternalId, org-restricted wildcard trusts, service roles, a SAML
// role), and a realistic share of privilege-escalation permissions: CI
// roles that may pass the Lambda roles of their account (one account in
// two), a developer role allowed to attach policies to itself (one in
// ten), a legacy deployer user that may rewrite trust policies (one in
// twenty), a helpdesk group in the identity account that resets the
// people's credentials. Some trusts deny a person who left (one account
// in ten) or admit "*" only from the identity account (one in
// twenty-five). The output is deterministic for a given Options value.
package orggen

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// Options size the generated organization.
type Options struct {
	// Accounts is the total number of accounts, management and identity
	// accounts included (minimum 3).
	Accounts int
	// RolesPerAccount is the number of roles in each member account
	// (default 40).
	RolesPerAccount int
	// UsersPerAccount is the number of IAM users in each member account
	// (default 2); the identity account gets ten times as many.
	UsersPerAccount int
	// Seed makes different organizations of the same size.
	Seed uint64
}

// CollectedAt is the collection time of every generated snapshot.
var CollectedAt = time.Date(2026, 11, 1, 6, 0, 0, 0, time.UTC)

const (
	mgmtID     = "100000000000"
	identityID = "100000000001"
	orgID      = "o-generated01"
	rootID     = "r-gen0"
	adminARN   = "arn:aws:iam::aws:policy/AdministratorAccess"
	readARN    = "arn:aws:iam::aws:policy/ReadOnlyAccess"
	powerARN   = "arn:aws:iam::aws:policy/PowerUserAccess"
)

// environment OUs, in the order accounts are dealt into them.
var envs = []struct{ id, name, parent string }{
	{"ou-gen0-dev", "Dev", rootID},
	{"ou-gen0-staging", "Staging", rootID},
	{"ou-gen0-prod", "Prod", rootID},
	{"ou-gen0-prodwl", "Workloads", "ou-gen0-prod"},
}

// AccountID returns the id of the i-th member account (i from 0).
func AccountID(i int) string { return fmt.Sprintf("2%011d", i) }

// Generate builds the organization.
func Generate(opts Options) *snapshot.Snapshot {
	if opts.Accounts < 3 {
		opts.Accounts = 3
	}
	if opts.RolesPerAccount <= 0 {
		opts.RolesPerAccount = 40
	}
	if opts.UsersPerAccount <= 0 {
		opts.UsersPerAccount = 2
	}
	g := &gen{opts: opts, rng: rand.New(rand.NewPCG(opts.Seed, 0x6f7267617564)), members: opts.Accounts - 2}
	return g.snapshot()
}

type gen struct {
	opts    Options
	rng     *rand.Rand
	members int
}

func doc(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("orggen: marshal policy: %v", err)) // static shapes only: cannot fail
	}
	return b
}

type obj = map[string]any

func stmt(effect string, principal any, action any, cond obj) obj {
	s := obj{"Effect": effect, "Action": action}
	if principal != nil {
		s["Principal"] = principal
	}
	if cond != nil {
		s["Condition"] = cond
	}
	return s
}

func trust(principal any, cond obj) json.RawMessage {
	return doc(obj{"Version": "2012-10-17", "Statement": []obj{stmt("Allow", principal, "sts:AssumeRole", cond)}})
}

func allow(action, resource any) json.RawMessage {
	return doc(obj{"Version": "2012-10-17", "Statement": []obj{{"Effect": "Allow", "Action": action, "Resource": resource}}})
}

var mfa = obj{"Bool": obj{"aws:MultiFactorAuthPresent": "true"}}

func (g *gen) daysAgo(d int) *time.Time {
	t := CollectedAt.AddDate(0, 0, -d)
	return &t
}

// envOf deals member account i into an environment: 40% dev, 20% staging,
// 40% prod (half of it in the nested Workloads OU).
func envOf(i int) (ou string, env string) {
	switch i % 10 {
	case 0, 1, 2, 3:
		return envs[0].id, "development"
	case 4, 5:
		return envs[1].id, "staging"
	case 6, 7:
		return envs[2].id, "production"
	default:
		return envs[3].id, "production"
	}
}

func (g *gen) snapshot() *snapshot.Snapshot {
	s := &snapshot.Snapshot{
		SchemaVersion: snapshot.SchemaVersion,
		Metadata: snapshot.Metadata{
			CollectedAt: CollectedAt,
			ToolVersion: "orggen",
			Partition:   "aws",
			Region:      "us-east-1",
			Scope:       snapshot.ScopeOrganization,
			Caller:      snapshot.Caller{AccountID: mgmtID, ARN: "arn:aws:sts::" + mgmtID + ":assumed-role/OrgAuditor/generated"},
			Gaps:        []snapshot.Gap{},
		},
		AWSPolicies: []snapshot.Policy{
			{Name: "AdministratorAccess", ARN: adminARN, Path: "/", DefaultVersionID: "v1", Document: allow("*", "*")},
			{Name: "PowerUserAccess", ARN: powerARN, Path: "/", DefaultVersionID: "v5", Document: doc(obj{"Version": "2012-10-17", "Statement": []obj{
				{"Effect": "Allow", "NotAction": []string{"iam:*", "organizations:*", "account:*"}, "Resource": "*"},
			}})},
			{Name: "ReadOnlyAccess", ARN: readARN, Path: "/", DefaultVersionID: "v118", Document: allow([]string{"ec2:Describe*", "s3:Get*", "s3:List*", "iam:Get*", "iam:List*"}, "*")},
		},
	}
	org := &snapshot.Organization{
		ID: orgID, ARN: "arn:aws:organizations::" + mgmtID + ":organization/" + orgID, FeatureSet: "ALL",
		ManagementAccountID: mgmtID, ManagementAccountEmail: "aws+management@generated.example",
		Roots: []snapshot.Root{{ID: rootID, ARN: "arn:aws:organizations::" + mgmtID + ":root/" + orgID + "/" + rootID, Name: "Root",
			PolicyTypes: []snapshot.PolicyType{{Type: "SERVICE_CONTROL_POLICY", Status: "ENABLED"}}}},
		OrganizationalUnits: []snapshot.OrganizationalUnit{{ID: "ou-gen0-security", ARN: "arn:aws:organizations::" + mgmtID + ":ou/" + orgID + "/ou-gen0-security", Name: "Security", ParentID: rootID}},
		Policies: []snapshot.OrgPolicy{
			{ID: "p-FullAWSAccess", ARN: "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess", Name: "FullAWSAccess", Type: "SERVICE_CONTROL_POLICY", AWSManaged: true,
				Document: allow("*", "*"), Targets: []snapshot.PolicyTarget{{TargetID: rootID, Type: "ROOT", Name: "Root"}}},
			{ID: "p-prodguard", ARN: "arn:aws:organizations::" + mgmtID + ":policy/" + orgID + "/service_control_policy/p-prodguard", Name: "ProdGuardrails", Type: "SERVICE_CONTROL_POLICY",
				Document: doc(obj{"Version": "2012-10-17", "Statement": []obj{
					{"Sid": "DenyLeave", "Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"},
					{"Sid": "DevCannotAssume", "Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "*", "Condition": obj{"StringEquals": obj{"aws:PrincipalTag/environment": "development"}}},
				}}), Targets: []snapshot.PolicyTarget{{TargetID: "ou-gen0-prod", Type: "ORGANIZATIONAL_UNIT", Name: "Prod"}}},
		},
		Handshakes:      []snapshot.Handshake{},
		DelegatedAdmins: []snapshot.DelegatedAdministrator{},
	}
	for _, e := range envs {
		org.OrganizationalUnits = append(org.OrganizationalUnits, snapshot.OrganizationalUnit{
			ID: e.id, ARN: "arn:aws:organizations::" + mgmtID + ":ou/" + orgID + "/" + e.id, Name: e.name, ParentID: e.parent})
	}
	s.Organization = org

	s.Accounts = append(s.Accounts, g.management(), g.identity())
	for i := 0; i < g.members; i++ {
		s.Accounts = append(s.Accounts, g.member(i))
	}
	s.Identity = g.identityCenter()
	// As in AWS, FullAWSAccess is attached to every OU and account, not
	// only the root: a level without an Allow would allow nothing.
	full := &org.Policies[0]
	for _, ou := range org.OrganizationalUnits {
		full.Targets = append(full.Targets, snapshot.PolicyTarget{TargetID: ou.ID, Type: "ORGANIZATIONAL_UNIT", Name: ou.Name})
	}
	for _, a := range s.Accounts {
		full.Targets = append(full.Targets, snapshot.PolicyTarget{TargetID: a.ID, Type: "ACCOUNT", Name: a.Name})
	}
	return s
}

func (g *gen) account(id, name, parent string, tags map[string]string) snapshot.Account {
	return snapshot.Account{
		ID: id, ARN: "arn:aws:organizations::" + mgmtID + ":account/" + orgID + "/" + id, Name: name,
		Email: "aws+" + name + "@generated.example", Status: "ACTIVE", JoinedMethod: "CREATED", JoinedAt: g.daysAgo(700),
		ParentID: parent, Tags: tags,
	}
}

func (g *gen) emptyIAM(id string, rootMFA bool) *snapshot.IAM {
	mfaFlag := 0
	if rootMFA {
		mfaFlag = 1
	}
	return &snapshot.IAM{
		Users: []snapshot.User{}, Groups: []snapshot.Group{}, Roles: []snapshot.Role{}, Policies: []snapshot.Policy{},
		Summary: map[string]int{"AccountMFAEnabled": mfaFlag, "AccountAccessKeysPresent": 0},
		CredentialReport: &snapshot.CredentialReport{GeneratedAt: g.daysAgo(0), Rows: []snapshot.CredentialReportRow{{
			User: snapshot.RootUserName, ARN: "arn:aws:iam::" + id + ":root", UserCreationTime: g.daysAgo(700), MFAActive: rootMFA,
			AccessKeys: []snapshot.AccessKey{{Slot: 1}, {Slot: 2}},
		}}},
		Aliases: []string{}, SAMLProviders: []snapshot.SAMLProvider{}, OIDCProviders: []snapshot.OIDCProvider{}, VirtualMFA: []snapshot.VirtualMFA{},
	}
}

func (g *gen) role(acct, name string, trustDoc json.RawMessage, attached ...string) snapshot.Role {
	r := snapshot.Role{
		Name: name, ID: fmt.Sprintf("AROA%s%05d", acct, g.rng.IntN(100000)), ARN: "arn:aws:iam::" + acct + ":role/" + name, Path: "/",
		CreateDate: g.daysAgo(600), MaxSessionDuration: 3600, TrustPolicy: trustDoc,
		InlinePolicies: []snapshot.InlinePolicy{}, AttachedPolicies: []snapshot.AttachedPolicy{},
	}
	for _, a := range attached {
		r.AttachedPolicies = append(r.AttachedPolicies, snapshot.AttachedPolicy{ARN: a, Name: policyName(a)})
	}
	if g.rng.IntN(10) < 8 {
		r.LastUsed = &snapshot.RoleLastUsed{Date: g.daysAgo(g.rng.IntN(200)), Region: "us-east-1"}
	}
	return r
}

func policyName(arn string) string {
	for i := len(arn) - 1; i >= 0; i-- {
		if arn[i] == '/' {
			return arn[i+1:]
		}
	}
	return arn
}

func (g *gen) user(iam *snapshot.IAM, acct, name string, groups []string, mfa bool) {
	arn := "arn:aws:iam::" + acct + ":user/" + name
	u := snapshot.User{Name: name, ID: fmt.Sprintf("AIDA%s%05d", acct, g.rng.IntN(100000)), ARN: arn, Path: "/", CreateDate: g.daysAgo(500),
		Groups: groups, InlinePolicies: []snapshot.InlinePolicy{}, AttachedPolicies: []snapshot.AttachedPolicy{}, MFADevices: []snapshot.MFADevice{}}
	if groups == nil {
		u.Groups = []string{}
	}
	if mfa {
		serial := "arn:aws:iam::" + acct + ":mfa/" + name
		u.MFADevices = append(u.MFADevices, snapshot.MFADevice{SerialNumber: serial, Type: snapshot.MFAVirtual, EnableDate: g.daysAgo(499)})
		iam.VirtualMFA = append(iam.VirtualMFA, snapshot.VirtualMFA{SerialNumber: serial, UserARN: arn, EnableDate: g.daysAgo(499)})
	}
	iam.Users = append(iam.Users, u)
	iam.CredentialReport.Rows = append(iam.CredentialReport.Rows, snapshot.CredentialReportRow{
		User: name, ARN: arn, UserCreationTime: g.daysAgo(500), PasswordEnabled: true, PasswordLastUsed: g.daysAgo(g.rng.IntN(60)),
		MFAActive: mfa, AccessKeys: []snapshot.AccessKey{{Slot: 1, Active: g.rng.IntN(3) == 0, LastRotated: g.daysAgo(g.rng.IntN(300))}, {Slot: 2}},
	})
}

func (g *gen) management() snapshot.Account {
	a := g.account(mgmtID, "management", rootID, nil)
	a.IAM = g.emptyIAM(mgmtID, true)
	a.IAM.Roles = append(a.IAM.Roles,
		g.role(mgmtID, "OrgAuditor", trust(obj{"AWS": "arn:aws:iam::" + identityID + ":root"}, mfa), readARN),
		g.role(mgmtID, "AWSReservedSSO_AdministratorAccess_0123456789abcdef", trust(obj{"Federated": "arn:aws:iam::" + mgmtID + ":saml-provider/AWSSSO_0123456789abcdef_DO_NOT_DELETE"}, nil), adminARN),
	)
	return a
}

// identity holds the people: groups that grant sts:AssumeRole on the
// environment roles, and users in them.
func (g *gen) identity() snapshot.Account {
	a := g.account(identityID, "identity", "ou-gen0-security", nil)
	iam := g.emptyIAM(identityID, true)
	groups := []struct {
		name     string
		resource any
	}{
		{"Admins", "arn:aws:iam::*:role/Admin"},
		{"Developers", []string{"arn:aws:iam::*:role/Developer", "arn:aws:iam::*:role/ReadOnly"}},
		{"ReadOnly", "arn:aws:iam::*:role/ReadOnly"},
		{"OnCall", "*"},
		{"Helpdesk", "arn:aws:iam::" + identityID + ":role/ReadOnly"},
	}
	for _, gr := range groups {
		iam.Groups = append(iam.Groups, snapshot.Group{Name: gr.name, ID: "AGPA" + identityID + gr.name, ARN: "arn:aws:iam::" + identityID + ":group/" + gr.name, Path: "/",
			InlinePolicies: []snapshot.InlinePolicy{{Name: "assume", Document: allow("sts:AssumeRole", gr.resource)}}, AttachedPolicies: []snapshot.AttachedPolicy{}, Members: []string{}})
	}
	// The helpdesk resets the people's passwords and keys: it can take over
	// every user of the identity account.
	helpdesk := &iam.Groups[len(iam.Groups)-1]
	helpdesk.InlinePolicies = append(helpdesk.InlinePolicies, snapshot.InlinePolicy{Name: "credentials",
		Document: allow([]string{"iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile"}, "arn:aws:iam::"+identityID+":user/*")})
	n := 10 * g.opts.UsersPerAccount
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("person%03d", i)
		gr := groups[i%(len(groups)-1)].name
		if i == n-1 {
			gr = "Helpdesk"
		}
		g.user(iam, identityID, name, []string{gr}, i%7 != 0)
		for j := range iam.Groups {
			if iam.Groups[j].Name == gr {
				iam.Groups[j].Members = append(iam.Groups[j].Members, name)
			}
		}
	}
	iam.Roles = append(iam.Roles, g.role(identityID, "break-glass", trust(obj{"AWS": "arn:aws:iam::" + identityID + ":root"}, mfa), adminARN))
	a.IAM = iam
	return a
}

// member builds one workload account with RolesPerAccount roles.
func (g *gen) member(i int) snapshot.Account {
	id := AccountID(i)
	ou, env := envOf(i)
	a := g.account(id, fmt.Sprintf("%s-%04d", env[:4], i), ou, map[string]string{"environment": env})
	iam := g.emptyIAM(id, g.rng.IntN(20) != 0)
	idRoot := "arn:aws:iam::" + identityID + ":root"
	adminTrust := trust(obj{"AWS": idRoot}, mfa)
	if i%10 == 3 {
		// person001 left; the trust keeps them out until the account is cleaned up.
		adminTrust = doc(obj{"Version": "2012-10-17", "Statement": []obj{
			stmt("Allow", obj{"AWS": idRoot}, "sts:AssumeRole", mfa),
			{"Sid": "Leaver", "Effect": "Deny", "Principal": obj{"AWS": "arn:aws:iam::" + identityID + ":user/person001"}, "Action": "sts:AssumeRole"},
		}})
	}
	roles := []snapshot.Role{
		g.role(id, "OrganizationAccountAccessRole", trust(obj{"AWS": "arn:aws:iam::" + mgmtID + ":root"}, nil), adminARN),
		g.role(id, "Admin", adminTrust, adminARN),
		g.role(id, "Developer", trust(obj{"AWS": idRoot}, mfa), powerARN),
		g.role(id, "ReadOnly", trust(obj{"AWS": idRoot}, nil), readARN),
		g.role(id, "ci", trust(obj{"Federated": "arn:aws:iam::" + id + ":oidc-provider/token.actions.githubusercontent.com"}, obj{
			"StringLike": obj{"token.actions.githubusercontent.com:sub": "repo:generated/app:*"}}), powerARN),
	}
	roles[4].TrustPolicy = doc(obj{"Version": "2012-10-17", "Statement": []obj{stmt("Allow",
		obj{"Federated": "arn:aws:iam::" + id + ":oidc-provider/token.actions.githubusercontent.com"}, "sts:AssumeRoleWithWebIdentity",
		obj{"StringLike": obj{"token.actions.githubusercontent.com:sub": "repo:generated/app:*"}})}})
	// A deployment chain: this account's deploy role is assumable by the
	// ci role of the previous account in the same environment.
	prev := AccountID((i + g.members - 10) % g.members)
	deploy := g.role(id, "deploy", trust(obj{"AWS": "arn:aws:iam::" + prev + ":role/ci"}, nil))
	deploy.InlinePolicies = append(deploy.InlinePolicies, snapshot.InlinePolicy{Name: "deploy", Document: allow([]string{"ecs:*", "ecr:*", "s3:PutObject"}, "*")})
	roles = append(roles, deploy)
	roles[4].InlinePolicies = append(roles[4].InlinePolicies, snapshot.InlinePolicy{Name: "chain", Document: allow("sts:AssumeRole", "arn:aws:iam::*:role/deploy")})
	if i%2 == 0 {
		// CI deploys Lambda functions with the account's Lambda roles.
		roles[4].InlinePolicies = append(roles[4].InlinePolicies, snapshot.InlinePolicy{Name: "deploy-lambda", Document: doc(obj{"Version": "2012-10-17", "Statement": []obj{{
			"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::" + id + ":role/svc-lam-*",
			"Condition": obj{"StringEquals": obj{"iam:PassedToService": "lambda.amazonaws.com"}}}}})})
	}
	if i%10 == 7 {
		// A developer role allowed to manage its own policies.
		roles[2].InlinePolicies = append(roles[2].InlinePolicies, snapshot.InlinePolicy{Name: "self-service", Document: allow(
			[]string{"iam:AttachRolePolicy", "iam:DetachRolePolicy"}, "arn:aws:iam::"+id+":role/Developer")})
	}
	// Vendors: monitoring with an external id, sometimes a legacy one without.
	roles = append(roles, g.role(id, "vendor-monitoring", trust(obj{"AWS": "arn:aws:iam::464622532012:root"}, obj{"StringEquals": obj{"sts:ExternalId": "gen-" + id}}), readARN))
	if g.rng.IntN(4) == 0 {
		roles = append(roles, g.role(id, "vendor-legacy", trust(obj{"AWS": "arn:aws:iam::999988887777:root"}, nil), readARN))
	}
	if g.rng.IntN(5) == 0 {
		roles = append(roles, g.role(id, "org-shared", trust("*", obj{"StringEquals": obj{"aws:PrincipalOrgID": orgID}}), readARN))
	}
	if g.rng.IntN(50) == 0 {
		roles = append(roles, g.role(id, "open-to-all", trust(obj{"AWS": "*"}, nil), readARN))
	}
	if i%25 == 11 {
		roles = append(roles, g.role(id, "people-read", trust("*", obj{"StringEquals": obj{"aws:PrincipalAccount": identityID}}), readARN))
	}
	services := []string{"lambda.amazonaws.com", "ec2.amazonaws.com", "ecs-tasks.amazonaws.com", "states.amazonaws.com", "events.amazonaws.com"}
	for n := 0; len(roles) < g.opts.RolesPerAccount; n++ {
		svc := services[n%len(services)]
		r := g.role(id, fmt.Sprintf("svc-%s-%02d", svc[:3], n), trust(obj{"Service": svc}, nil))
		r.InlinePolicies = append(r.InlinePolicies, snapshot.InlinePolicy{Name: "app", Document: allow([]string{"s3:GetObject", "dynamodb:*", "sqs:*"}, "*")})
		if svc == "ec2.amazonaws.com" {
			r.InstanceProfiles = []snapshot.InstanceProfile{{Name: r.Name, ARN: "arn:aws:iam::" + id + ":instance-profile/" + r.Name, Path: "/"}}
		}
		roles = append(roles, r)
	}
	for ri := range roles {
		if roles[ri].InstanceProfiles == nil {
			roles[ri].InstanceProfiles = []snapshot.InstanceProfile{}
		}
	}
	iam.Roles = roles
	for u := 0; u < g.opts.UsersPerAccount; u++ {
		g.user(iam, id, fmt.Sprintf("local-%d", u), nil, u == 0)
	}
	if i%20 == 9 {
		// A deployer user from before roles: it may rewrite any trust policy.
		g.user(iam, id, "legacy-deployer", nil, false)
		last := &iam.Users[len(iam.Users)-1]
		last.InlinePolicies = append(last.InlinePolicies, snapshot.InlinePolicy{Name: "deploy", Document: allow([]string{"iam:UpdateAssumeRolePolicy", "iam:GetRole"}, "arn:aws:iam::"+id+":role/*")})
	}
	a.IAM = iam
	return a
}

func (g *gen) identityCenter() *snapshot.IdentityCenter {
	inst := "arn:aws:sso:::instance/ssoins-generated"
	ps := "arn:aws:sso:::permissionSet/ssoins-generated/ps-admin"
	ic := &snapshot.IdentityCenter{
		Instances: []snapshot.SSOInstance{{ARN: inst, IdentityStoreID: "d-generated", OwnerAccountID: mgmtID, Name: "generated", Status: "ACTIVE"}},
		PermissionSets: []snapshot.PermissionSet{{ARN: ps, InstanceARN: inst, Name: "AdministratorAccess", SessionDuration: "PT1H",
			ManagedPolicies: []snapshot.AttachedPolicy{{ARN: adminARN, Name: "AdministratorAccess"}}, CustomerManagedPolicies: []snapshot.CustomerPolicyRef{}}},
		Users:       []snapshot.IdentityUser{{ID: "u-ops", IdentityStoreID: "d-generated", UserName: "ops@generated.example"}},
		Groups:      []snapshot.IdentityGroup{{ID: "g-ops", IdentityStoreID: "d-generated", DisplayName: "operators"}},
		Memberships: []snapshot.GroupMembership{{IdentityStoreID: "d-generated", GroupID: "g-ops", UserID: "u-ops"}},
		Assignments: []snapshot.Assignment{},
	}
	for i := 0; i < g.members; i += 5 {
		ic.Assignments = append(ic.Assignments, snapshot.Assignment{InstanceARN: inst, AccountID: AccountID(i), PermissionSetARN: ps, PrincipalType: "GROUP", PrincipalID: "g-ops"})
	}
	return ic
}
