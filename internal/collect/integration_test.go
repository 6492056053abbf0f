package collect_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/orgaudit/orgaudit/internal/collect"
	"github.com/orgaudit/orgaudit/internal/collect/mototest"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

func TestMain(m *testing.M) { os.Exit(mototest.Main(m)) }

// The standard organization is seeded once and shared by the tests that
// only read it (collection is read-only); tests that need another state
// reset moto and drop it.
var std struct {
	mu  sync.Mutex
	org *mototest.Org
}

func standardOrg(t *testing.T) (*mototest.Server, *mototest.Org) {
	t.Helper()
	srv := mototest.Shared(t)
	std.mu.Lock()
	defer std.mu.Unlock()
	if std.org == nil {
		if err := srv.Reset(context.Background()); err != nil {
			t.Fatal(err)
		}
		org, err := mototest.NewSeeder(srv.URL).SeedStandard(context.Background())
		if err != nil {
			t.Fatalf("seed: %v\nmoto log: %s", err, srv.Log())
		}
		std.org = org
	}
	mototest.UseCredentials(t, "AKIAORGAUDITTEST0001", "orgaudit-test-secret")
	return srv, std.org
}

// emptyMoto resets moto for a test that seeds its own state.
func emptyMoto(t *testing.T) *mototest.Server {
	t.Helper()
	std.mu.Lock()
	std.org = nil
	std.mu.Unlock()
	srv := mototest.Require(t)
	mototest.UseCredentials(t, "AKIAORGAUDITTEST0001", "orgaudit-test-secret")
	return srv
}

func testOptions(endpoint string) collect.Options {
	return collect.Options{
		EndpointURL:          endpoint,
		MaxBackoff:           20 * time.Millisecond,
		CredentialReportWait: 20 * time.Second,
	}
}

func runCollect(t *testing.T, opts collect.Options) *snapshot.Snapshot {
	t.Helper()
	s, err := collect.Run(context.Background(), opts)
	if err != nil {
		t.Fatalf("collect: %v", err)
	}
	raw, err := snapshot.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := snapshot.Parse(raw); err != nil {
		t.Fatalf("collected snapshot does not validate: %v", err)
	}
	return s
}

func account(t *testing.T, s *snapshot.Snapshot, id string) *snapshot.Account {
	t.Helper()
	for i := range s.Accounts {
		if s.Accounts[i].ID == id {
			return &s.Accounts[i]
		}
	}
	t.Fatalf("account %s not in snapshot", id)
	return nil
}

func role(t *testing.T, a *snapshot.Account, name string) snapshot.Role {
	t.Helper()
	for _, r := range a.IAM.Roles {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("role %s not in account %s", name, a.ID)
	return snapshot.Role{}
}

func user(t *testing.T, a *snapshot.Account, name string) snapshot.User {
	t.Helper()
	for _, u := range a.IAM.Users {
		if u.Name == name {
			return u
		}
	}
	t.Fatalf("user %s not in account %s", name, a.ID)
	return snapshot.User{}
}

func reportRow(t *testing.T, a *snapshot.Account, name string) snapshot.CredentialReportRow {
	t.Helper()
	if a.IAM.CredentialReport == nil {
		t.Fatalf("account %s has no credential report", a.ID)
	}
	for _, r := range a.IAM.CredentialReport.Rows {
		if r.User == name {
			return r
		}
	}
	t.Fatalf("no credential report row for %s in %s", name, a.ID)
	return snapshot.CredentialReportRow{}
}

// statements decodes a policy document's statements (object or list).
func statements(t *testing.T, doc json.RawMessage) []map[string]any {
	t.Helper()
	var d struct{ Statement json.RawMessage }
	if err := json.Unmarshal(doc, &d); err != nil {
		t.Fatalf("document %s: %v", doc, err)
	}
	var list []map[string]any
	if err := json.Unmarshal(d.Statement, &list); err == nil {
		return list
	}
	var one map[string]any
	if err := json.Unmarshal(d.Statement, &one); err != nil {
		t.Fatalf("statement %s: %v", d.Statement, err)
	}
	return []map[string]any{one}
}

func gapsOf(s *snapshot.Snapshot, account string) []snapshot.Gap {
	var out []snapshot.Gap
	for _, g := range s.Metadata.Gaps {
		if g.AccountID == account {
			out = append(out, g)
		}
	}
	return out
}

func hasGap(s *snapshot.Snapshot, account, section, operation, code string) bool {
	for _, g := range s.Metadata.Gaps {
		if g.AccountID == account && g.Section == section && g.Operation == operation && (code == "" || g.ErrorCode == code) {
			return true
		}
	}
	return false
}

var accessKeyID = regexp.MustCompile(`\b(?:AKIA|ASIA)[A-Z0-9]{16}\b`)

func TestCollectOrganization(t *testing.T) {
	srv, org := standardOrg(t)
	s := runCollect(t, testOptions(srv.URL))

	md := s.Metadata
	if md.Scope != snapshot.ScopeOrganization || md.ScopeNote != "" || md.Partition != "aws" || md.Region != "us-east-1" {
		t.Errorf("metadata: scope %q note %q partition %q region %q", md.Scope, md.ScopeNote, md.Partition, md.Region)
	}
	if md.Caller.AccountID != mototest.ManagementAccountID || md.CollectedAt.IsZero() {
		t.Errorf("caller %+v collected_at %v", md.Caller, md.CollectedAt)
	}

	// Organization tree.
	o := s.Organization
	if o == nil || o.ID != org.ID || o.ManagementAccountID != mototest.ManagementAccountID || o.FeatureSet != "ALL" {
		t.Fatalf("organization: %+v", o)
	}
	if len(o.Roots) != 1 || o.Roots[0].ID != org.RootID {
		t.Errorf("roots: %+v", o.Roots)
	}
	wantParent := map[string]string{
		org.OUs["Security"]: org.RootID, org.OUs["Workloads"]: org.RootID,
		org.OUs["Prod"]: org.OUs["Workloads"], org.OUs["NonProd"]: org.OUs["Workloads"],
	}
	if len(o.OrganizationalUnits) != len(wantParent) {
		t.Errorf("OUs: %+v", o.OrganizationalUnits)
	}
	for _, ou := range o.OrganizationalUnits {
		if wantParent[ou.ID] != ou.ParentID {
			t.Errorf("OU %s (%s) has parent %s, want %s", ou.Name, ou.ID, ou.ParentID, wantParent[ou.ID])
		}
		if ou.Name == "Workloads" && ou.Tags["env"] != "workloads" {
			t.Errorf("Workloads tags: %v", ou.Tags)
		}
	}

	// Every account in its OU, sorted by id.
	if len(s.Accounts) != 4 {
		t.Fatalf("%d accounts, want 4", len(s.Accounts))
	}
	for i := 1; i < len(s.Accounts); i++ {
		if s.Accounts[i-1].ID >= s.Accounts[i].ID {
			t.Errorf("accounts not sorted by id: %s before %s", s.Accounts[i-1].ID, s.Accounts[i].ID)
		}
	}
	for name, parent := range map[string]string{
		"management": org.RootID, "identity": org.OUs["Security"], "prod": org.OUs["Prod"], "dev": org.OUs["NonProd"],
	} {
		a := account(t, s, org.Accounts[name])
		if a.ParentID != parent || a.Status != "ACTIVE" || a.IAM == nil {
			t.Errorf("account %s: parent %s (want %s), status %s, iam nil %v", name, a.ParentID, parent, a.Status, a.IAM == nil)
		}
		if name != "management" && (a.Name != name || a.Tags["owner"] != "team-"+name || a.JoinedMethod != "CREATED") {
			t.Errorf("account %s: name %q tags %v joined %q", name, a.Name, a.Tags, a.JoinedMethod)
		}
	}

	// SCPs with parsed documents and targets.
	scps := map[string]snapshot.OrgPolicy{}
	for _, p := range o.Policies {
		scps[p.Name] = p
	}
	if p := scps["DenyLeaveOrganization"]; p.ID != org.SCPs["DenyLeaveOrganization"] || len(p.Targets) != 1 ||
		p.Targets[0].TargetID != org.OUs["Workloads"] || p.Targets[0].Type != "ORGANIZATIONAL_UNIT" || p.AWSManaged {
		t.Errorf("DenyLeaveOrganization: %+v", p)
	} else if st := statements(t, p.Document); st[0]["Action"] != "organizations:LeaveOrganization" || st[0]["Effect"] != "Deny" {
		t.Errorf("DenyLeaveOrganization document: %s", p.Document)
	}
	if p := scps["DenyIAMUsers"]; len(p.Targets) != 1 || p.Targets[0].TargetID != org.Accounts["prod"] || p.Targets[0].Type != "ACCOUNT" {
		t.Errorf("DenyIAMUsers: %+v", p)
	} else if st := statements(t, p.Document); len(st) != 1 || st[0]["Effect"] != "Deny" {
		t.Errorf("DenyIAMUsers document (statement object): %s", p.Document)
	}
	if p := scps["FullAWSAccess"]; !p.AWSManaged || len(p.Targets) == 0 {
		t.Errorf("FullAWSAccess: %+v", p)
	}
	if len(o.DelegatedAdmins) != 1 || o.DelegatedAdmins[0].AccountID != org.Accounts["identity"] ||
		strings.Join(o.DelegatedAdmins[0].ServicePrincipals, ",") != "guardduty.amazonaws.com" {
		t.Errorf("delegated administrators: %+v", o.DelegatedAdmins)
	}

	// Identity account: users in groups with MFA state from the virtual
	// MFA list and the credential report.
	idn := account(t, s, org.Accounts["identity"])
	alice := user(t, idn, "alice")
	if strings.Join(alice.Groups, ",") != "admins,developers" || alice.Tags["team"] != "platform" {
		t.Errorf("alice: groups %v tags %v", alice.Groups, alice.Tags)
	}
	if len(alice.MFADevices) != 1 || alice.MFADevices[0].Type != snapshot.MFAVirtual ||
		alice.MFADevices[0].SerialNumber != "arn:aws:iam::"+idn.ID+":mfa/alice" || alice.MFADevices[0].EnableDate == nil {
		t.Errorf("alice MFA devices: %+v", alice.MFADevices)
	}
	if row := reportRow(t, idn, "alice"); !row.MFAActive || !row.PasswordEnabled || !row.AccessKeys[0].Active || row.AccessKeys[1].Active {
		t.Errorf("alice report row: %+v", row)
	}
	bob := user(t, idn, "bob")
	if strings.Join(bob.Groups, ",") != "developers" || len(bob.MFADevices) != 0 || bob.Path != "/dev/" {
		t.Errorf("bob: %+v", bob)
	}
	if row := reportRow(t, idn, "bob"); row.MFAActive || row.PasswordEnabled || !row.AccessKeys[0].Active {
		t.Errorf("bob report row: %+v", row)
	}
	groups := map[string]snapshot.Group{}
	for _, g := range idn.IAM.Groups {
		groups[g.Name] = g
	}
	if g := groups["developers"]; strings.Join(g.Members, ",") != "alice,bob" || len(g.AttachedPolicies) != 1 ||
		g.AttachedPolicies[0].Name != "ReadOnlyAccess" {
		t.Errorf("developers: %+v", g)
	}
	if g := groups["admins"]; len(g.InlinePolicies) != 1 || g.InlinePolicies[0].Name != "assume-admin" {
		t.Errorf("admins: %+v", g)
	} else if st := statements(t, g.InlinePolicies[0].Document); st[0]["Action"] != "sts:AssumeRole" || st[0]["Condition"] == nil {
		t.Errorf("admins inline policy: %s", g.InlinePolicies[0].Document)
	}
	if pp := idn.IAM.PasswordPolicy; pp == nil || pp.MinimumPasswordLength != 14 || !pp.RequireSymbols || pp.PasswordReusePrevention != 24 {
		t.Errorf("password policy: %+v", pp)
	}
	if strings.Join(idn.IAM.Aliases, ",") != "acme-identity" || idn.Name != "identity" {
		t.Errorf("aliases %v name %s", idn.IAM.Aliases, idn.Name)
	}
	if idn.IAM.Summary["Users"] != 2 || idn.IAM.Summary["Groups"] != 2 {
		t.Errorf("summary: %v", idn.IAM.Summary)
	}

	// Prod: roles with parsed trust policies, with and without MFA.
	prod := account(t, s, org.Accounts["prod"])
	names := []string{}
	for _, r := range prod.IAM.Roles {
		names = append(names, r.Name)
		if len(statements(t, r.TrustPolicy)) == 0 {
			t.Errorf("role %s has no trust statements", r.Name)
		}
	}
	if got := strings.Join(names, ","); got != "Admin,OrganizationAccountAccessRole,ReadOnly,ci-deploy" {
		t.Errorf("prod roles %s", got)
	}
	admin := role(t, prod, "Admin")
	st := statements(t, admin.TrustPolicy)[0]
	cond, _ := json.Marshal(st["Condition"])
	if !strings.Contains(string(cond), `"aws:MultiFactorAuthPresent":"true"`) {
		t.Errorf("Admin trust policy lost its MFA condition: %s", admin.TrustPolicy)
	}
	if p, _ := st["Principal"].(map[string]any); p["AWS"] != "arn:aws:iam::"+org.Accounts["identity"]+":root" {
		t.Errorf("Admin trust principal: %v", st["Principal"])
	}
	if admin.Description != "break-glass administrators" || admin.MaxSessionDuration != 3600 {
		t.Errorf("Admin description %q max session %d", admin.Description, admin.MaxSessionDuration)
	}
	ro := role(t, prod, "ReadOnly")
	if statements(t, ro.TrustPolicy)[0]["Condition"] != nil || ro.MaxSessionDuration != 43200 {
		t.Errorf("ReadOnly: %s %d", ro.TrustPolicy, ro.MaxSessionDuration)
	}
	ci := role(t, prod, "ci-deploy")
	boundaryARN := "arn:aws:iam::" + prod.ID + ":policy/boundaries/deploy-boundary"
	if ci.Path != "/ci/" || ci.PermissionsBoundary == nil || ci.PermissionsBoundary.ARN != boundaryARN ||
		ci.PermissionsBoundary.Name != "deploy-boundary" || len(ci.InlinePolicies) != 1 || ci.Tags["pipeline"] != "github" {
		t.Errorf("ci-deploy: %+v", ci)
	}
	if len(prod.IAM.Policies) != 1 || prod.IAM.Policies[0].Name != "deploy-boundary" || prod.IAM.Policies[0].ARN != boundaryARN ||
		prod.IAM.Policies[0].AttachmentCount != 1 || prod.IAM.Policies[0].DefaultVersionID != "v1" {
		t.Errorf("prod customer managed policies (name derived from the ARN): %+v", prod.IAM.Policies)
	}
	if len(prod.IAM.OIDCProviders) != 1 || prod.IAM.OIDCProviders[0].URL != "token.actions.githubusercontent.com" ||
		strings.Join(prod.IAM.OIDCProviders[0].ClientIDs, ",") != "sts.amazonaws.com" || len(prod.IAM.OIDCProviders[0].Thumbprints) != 1 {
		t.Errorf("prod OIDC providers: %+v", prod.IAM.OIDCProviders)
	}
	if prod.IAM.PasswordPolicy != nil || len(gapsBesidesMoto(s, prod.ID)) != 0 {
		t.Errorf("prod: no password policy is a fact, not a gap: %+v %+v", prod.IAM.PasswordPolicy, gapsOf(s, prod.ID))
	}
	dev := account(t, s, org.Accounts["dev"])
	if len(dev.IAM.SAMLProviders) != 1 || !strings.HasSuffix(dev.IAM.SAMLProviders[0].ARN, ":saml-provider/corporate-idp") || len(dev.IAM.OIDCProviders) != 0 {
		t.Errorf("dev providers: %+v %+v", dev.IAM.SAMLProviders, dev.IAM.OIDCProviders)
	}
	if statements(t, role(t, dev, "Admin").TrustPolicy)[0]["Condition"] != nil {
		t.Error("dev Admin trust policy has a condition")
	}

	// Management account, read with the caller's credentials.
	mgmt := account(t, s, mototest.ManagementAccountID)
	legacy := user(t, mgmt, "legacy-admin")
	if len(legacy.AttachedPolicies) != 1 || legacy.AttachedPolicies[0].ARN != "arn:aws:iam::aws:policy/AdministratorAccess" || len(legacy.MFADevices) != 0 {
		t.Errorf("legacy-admin: %+v", legacy)
	}
	if len(mgmt.IAM.VirtualMFA) != 1 || mgmt.IAM.VirtualMFA[0].UserARN != "" || !strings.HasSuffix(mgmt.IAM.VirtualMFA[0].SerialNumber, ":mfa/spare") {
		t.Errorf("management virtual MFA devices: %+v", mgmt.IAM.VirtualMFA)
	}

	// AWS managed policies once per snapshot, only those attached.
	got := map[string]snapshot.Policy{}
	for _, p := range s.AWSPolicies {
		got[p.Name] = p
	}
	if len(s.AWSPolicies) != 2 || got["AdministratorAccess"].AttachmentCount != 3 || got["ReadOnlyAccess"].AttachmentCount != 2 {
		t.Errorf("aws_managed_policies: %d policies, AdministratorAccess %d attachments, ReadOnlyAccess %d",
			len(s.AWSPolicies), got["AdministratorAccess"].AttachmentCount, got["ReadOnlyAccess"].AttachmentCount)
	}
	if st := statements(t, got["AdministratorAccess"].Document); st[0]["Action"] != "*" {
		t.Errorf("AdministratorAccess document: %s", got["AdministratorAccess"].Document)
	}

	// Identity Center.
	ic := s.Identity
	if ic == nil || len(ic.Instances) != 1 || ic.Instances[0].ARN != org.InstanceARN || ic.Instances[0].IdentityStoreID != org.IdentityStoreID {
		t.Fatalf("identity center: %+v", ic)
	}
	if len(ic.PermissionSets) != 1 {
		t.Fatalf("permission sets: %+v", ic.PermissionSets)
	}
	ps := ic.PermissionSets[0]
	if ps.ARN != org.PermissionSetARN || ps.Name != "AdministratorAccess" || ps.SessionDuration != "PT8H" ||
		len(ps.ManagedPolicies) != 1 || ps.ManagedPolicies[0].ARN != "arn:aws:iam::aws:policy/AdministratorAccess" ||
		len(ps.CustomerManagedPolicies) != 1 || ps.CustomerManagedPolicies[0] != (snapshot.CustomerPolicyRef{Name: "deploy-boundary", Path: "/boundaries/"}) {
		t.Errorf("permission set: %+v", ps)
	}
	if st := statements(t, ps.InlinePolicy); st[0]["Action"] != "organizations:*" {
		t.Errorf("permission set inline policy: %s", ps.InlinePolicy)
	}
	wantAssignment := snapshot.Assignment{InstanceARN: org.InstanceARN, AccountID: org.Accounts["prod"], PermissionSetARN: org.PermissionSetARN, PrincipalType: "GROUP", PrincipalID: org.SSOGroupID}
	if len(ic.Assignments) != 1 || ic.Assignments[0] != wantAssignment {
		t.Errorf("assignments: %+v", ic.Assignments)
	}
	if len(ic.Users) != 1 || ic.Users[0].UserName != "jane" || strings.Join(ic.Users[0].Emails, ",") != "jane@example.com" ||
		len(ic.Groups) != 1 || ic.Groups[0].DisplayName != "Platform" ||
		len(ic.Memberships) != 1 || ic.Memberships[0].GroupID != org.SSOGroupID || ic.Memberships[0].UserID != org.SSOUserID {
		t.Errorf("identity store: %+v %+v %+v", ic.Users, ic.Groups, ic.Memberships)
	}

	// Gaps: exactly what moto does not implement: handshakes, permission
	// set boundaries, every account's enabled regions and the management
	// account's Access Analyzer in the one region the run falls back to.
	if len(md.Gaps) != 2+len(s.Accounts)+1 ||
		!hasGap(s, "", snapshot.SectionHandshakes, "organizations:ListHandshakesForOrganization", "HTTP500") ||
		!hasGap(s, "", snapshot.SectionIdentityCenter, "sso:GetPermissionsBoundaryForPermissionSet", "HTTP500") {
		t.Errorf("gaps: %+v", md.Gaps)
	}
	if len(o.Handshakes) != 0 {
		t.Errorf("handshakes: %+v", o.Handshakes)
	}

	// API calls per account.
	for _, a := range s.Accounts {
		if n := md.APICalls[a.ID]; n == 0 || n > 14 {
			t.Errorf("account %s: %d API calls", a.ID, n)
		}
	}
	if n := md.APICalls[org.Accounts["identity"]]; n > 13 {
		t.Errorf("typical account made %d API calls, want at most 13", n)
	}
	if md.APICalls[collect.BucketOrganization] == 0 {
		t.Error("no organization API calls counted")
	}

	raw, _ := snapshot.Marshal(s)
	if m := accessKeyID.Find(raw); m != nil {
		t.Errorf("snapshot contains an access key id: %s", m)
	}
}

// TestCollectDeterministic: two runs over the same organization give the
// same bytes, once the collection time and role last-use (moto updates it
// on every AssumeRole) are set aside.
func TestCollectDeterministic(t *testing.T) {
	srv, _ := standardOrg(t)
	opts := testOptions(srv.URL)
	opts.Concurrency = 3
	a := normalized(t, runCollect(t, opts))
	opts.Concurrency = 1
	b := normalized(t, runCollect(t, opts))
	if !bytes.Equal(a, b) {
		t.Errorf("two runs differ: %s", firstDifference(a, b))
	}
}

func normalized(t *testing.T, s *snapshot.Snapshot) []byte {
	t.Helper()
	c := *s
	c.Metadata.CollectedAt = time.Time{}
	c.Metadata.APICalls = nil
	c.Accounts = append([]snapshot.Account(nil), s.Accounts...)
	for i := range c.Accounts {
		if c.Accounts[i].IAM == nil {
			continue
		}
		iamCopy := *c.Accounts[i].IAM
		iamCopy.Roles = append([]snapshot.Role(nil), iamCopy.Roles...)
		for j := range iamCopy.Roles {
			iamCopy.Roles[j].LastUsed = nil
		}
		c.Accounts[i].IAM = &iamCopy
	}
	raw, err := snapshot.Marshal(&c)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestCollectAccountsFilter(t *testing.T) {
	srv, org := standardOrg(t)
	opts := testOptions(srv.URL)
	opts.Accounts = []string{org.Accounts["prod"]}
	s := runCollect(t, opts)
	if len(s.Accounts) != 4 || s.Organization == nil || len(s.Organization.OrganizationalUnits) != 4 {
		t.Fatalf("the organization tree must still be read: %d accounts", len(s.Accounts))
	}
	for _, a := range s.Accounts {
		want := a.ID == org.Accounts["prod"] || a.ID == mototest.ManagementAccountID
		if (a.IAM != nil) != want {
			t.Errorf("account %s: IAM read %v, want %v", a.ID, a.IAM != nil, want)
		}
	}
	if !strings.Contains(s.Metadata.ScopeNote, "--accounts") {
		t.Errorf("scope note %q does not mention --accounts", s.Metadata.ScopeNote)
	}
	if _, ok := s.Metadata.APICalls[org.Accounts["dev"]]; ok {
		t.Error("API calls made in an account left out by --accounts")
	}
	if s.Identity == nil || len(s.Identity.Assignments) != 1 {
		t.Errorf("assignments of prod: %+v", s.Identity)
	}
}

func TestCollectWithoutOrganization(t *testing.T) {
	srv := emptyMoto(t)
	ctx := context.Background()
	seed := mototest.NewSeeder(srv.URL)
	if _, err := iam.NewFromConfig(seed.Config()).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("solo")}); err != nil {
		t.Fatal(err)
	}
	opts := testOptions(srv.URL)
	if testing.Verbose() {
		opts.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	s := runCollect(t, opts)
	if s.Metadata.Scope != snapshot.ScopeAccount || s.Organization != nil {
		t.Fatalf("scope %q organization %+v", s.Metadata.Scope, s.Organization)
	}
	if !strings.Contains(s.Metadata.ScopeNote, "not a member of an organization") {
		t.Errorf("scope note: %q", s.Metadata.ScopeNote)
	}
	if len(s.Accounts) != 1 || s.Accounts[0].ID != mototest.ManagementAccountID || s.Accounts[0].IAM == nil {
		t.Fatalf("accounts: %+v", s.Accounts)
	}
	user(t, &s.Accounts[0], "solo")
	for _, g := range s.Metadata.Gaps {
		if strings.HasPrefix(g.Section, "organization") {
			t.Errorf("not being in an organization is a fact, not a gap: %+v", g)
		}
	}
}

func TestCollectFromMemberAccount(t *testing.T) {
	srv, org := standardOrg(t)
	ctx := context.Background()
	out, err := sts.NewFromConfig(mototest.NewSeeder(srv.URL).Config()).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::" + org.Accounts["dev"] + ":role/OrganizationAccountAccessRole"), RoleSessionName: aws.String("member"),
	})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	t.Setenv("AWS_ACCESS_KEY_ID", aws.ToString(c.AccessKeyId))
	t.Setenv("AWS_SECRET_ACCESS_KEY", aws.ToString(c.SecretAccessKey))
	t.Setenv("AWS_SESSION_TOKEN", aws.ToString(c.SessionToken))
	var logs bytes.Buffer
	opts := testOptions(srv.URL)
	opts.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s := runCollect(t, opts)
	if s.Metadata.Scope != snapshot.ScopeAccount || s.Organization != nil || s.Metadata.Caller.AccountID != org.Accounts["dev"] {
		t.Fatalf("scope %q caller %+v", s.Metadata.Scope, s.Metadata.Caller)
	}
	if note := s.Metadata.ScopeNote; !strings.Contains(note, "not its management account") || !strings.Contains(note, org.ID) {
		t.Errorf("scope note: %q", note)
	}
	if len(s.Accounts) != 1 || s.Accounts[0].ID != org.Accounts["dev"] || s.Accounts[0].IAM == nil {
		t.Fatalf("accounts: %+v", s.Accounts)
	}
	role(t, &s.Accounts[0], "Admin")
	raw, _ := snapshot.Marshal(s)
	for _, secret := range []string{aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken)} {
		if bytes.Contains(raw, []byte(secret)) || strings.Contains(logs.String(), secret) {
			t.Errorf("session credential leaked into the snapshot or logs")
		}
	}
}

// TestAllowlistAgainstMoto: a write through a collector-configured client
// fails before it reaches moto (a counting proxy sees nothing, and the
// user does not exist afterwards).
func TestAllowlistAgainstMoto(t *testing.T) {
	srv, _ := standardOrg(t)
	proxy, err := mototest.NewFaultProxy(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	ctx := context.Background()
	cfg, err := collect.NewAWSConfig(ctx, collect.Options{EndpointURL: proxy.URL})
	if err != nil {
		t.Fatal(err)
	}
	_, err = iam.NewFromConfig(cfg).CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("mallory")})
	if !errors.Is(err, collect.ErrOperationNotAllowed) {
		t.Fatalf("CreateUser: %v, want ErrOperationNotAllowed", err)
	}
	if n := proxy.Counts()["requests"]; n != 0 {
		t.Fatalf("%d requests reached the endpoint", n)
	}
	_, err = iam.NewFromConfig(mototest.NewSeeder(srv.URL).Config()).GetUser(ctx, &iam.GetUserInput{UserName: aws.String("mallory")})
	if err == nil {
		t.Fatal("user mallory exists")
	}
	if _, err := iam.NewFromConfig(cfg).GetAccountSummary(ctx, &iam.GetAccountSummaryInput{}); err != nil {
		t.Fatalf("allowed read: %v", err)
	}
	if n := proxy.Counts()["requests"]; n != 1 {
		t.Fatalf("allowed read: %d requests", n)
	}
}

// TestCollectProfileRoleChain: --profile with a role_arn/source_profile
// chain in the shared config file works through the SDK's default chain.
func TestCollectProfileRoleChain(t *testing.T) {
	srv, _ := standardOrg(t)
	dir := t.TempDir()
	config := "[profile base]\naws_access_key_id = AKIAPROFILEBASE00001\naws_secret_access_key = base-secret\nregion = us-east-1\n" +
		"endpoint_url = " + srv.URL + "\n\n" +
		"[profile audit]\nrole_arn = arn:aws:iam::123456789012:role/OrgAuditCaller\nsource_profile = base\nregion = us-east-1\n" +
		"endpoint_url = " + srv.URL + "\n"
	if err := os.WriteFile(dir+"/config", []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CONFIG_FILE", dir+"/config")
	// The SDK resolves endpoint_url after the credential chain, so the
	// chain's own STS client needs the service-specific variable.
	t.Setenv("AWS_ENDPOINT_URL_STS", srv.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	opts := testOptions("")
	opts.Profile = "audit"
	opts.Accounts = []string{mototest.ManagementAccountID}
	s := runCollect(t, opts)
	if !strings.Contains(s.Metadata.Caller.ARN, "assumed-role/OrgAuditCaller") {
		t.Errorf("caller %s: the profile's role chain was not used", s.Metadata.Caller.ARN)
	}
	if s.Organization == nil {
		t.Error("no organization read through the profile")
	}
}

// firstDifference shows the first line where a and b differ.
func firstDifference(a, b []byte) string {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(la) && i < len(lb); i++ {
		if la[i] != lb[i] {
			return fmt.Sprintf("line %d: %q != %q", i+1, la[i], lb[i])
		}
	}
	return fmt.Sprintf("%d lines != %d lines", len(la), len(lb))
}

// TestCollectWebIdentity: CI OIDC credentials (a web identity token file
// and a role ARN in the environment) work through the default chain.
func TestCollectWebIdentity(t *testing.T) {
	srv, _ := standardOrg(t)
	token := t.TempDir() + "/token"
	if err := os.WriteFile(token, []byte("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOmFjbWUvYXVkaXQifQ.c2ln"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	t.Setenv("AWS_WEB_IDENTITY_TOKEN_FILE", token)
	t.Setenv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/github-actions-audit")
	t.Setenv("AWS_ROLE_SESSION_NAME", "ci")
	t.Setenv("AWS_ENDPOINT_URL_STS", srv.URL)
	opts := testOptions(srv.URL)
	opts.Accounts = []string{mototest.ManagementAccountID}
	s := runCollect(t, opts)
	if !strings.Contains(s.Metadata.Caller.ARN, "assumed-role/github-actions-audit") || s.Organization == nil {
		t.Errorf("caller %s, organization read %v", s.Metadata.Caller.ARN, s.Organization != nil)
	}
}
