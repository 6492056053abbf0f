package collect_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	acctsvc "github.com/aws/aws-sdk-go-v2/service/account"
	atypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/orgaudit/orgaudit/internal/cli"
	"github.com/orgaudit/orgaudit/internal/collect"
	"github.com/orgaudit/orgaudit/internal/collect/mototest"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// A self-signed certificate body: moto stores it without checking it, and
// answers every server certificate as expired in 2012.
const certBody = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUOrgauditTestCertificate0000000wCgYIKoZIzj0EAwIw\n-----END CERTIFICATE-----\n"

// cisOrg seeds the standard organization (trusted access for AWS Account
// Management disabled again unless trusted) plus what the CIS IAM section
// reads: a
// security contact for the management and prod accounts (none for
// identity and dev), and a server certificate in dev.
func cisOrg(t *testing.T, trusted bool) (*mototest.Server, *mototest.Org) {
	t.Helper()
	srv := emptyMoto(t)
	ctx := context.Background()
	if err := srv.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	seed := mototest.NewSeeder(srv.URL)
	org, err := seed.SeedStandard(ctx)
	if err != nil {
		t.Fatalf("seed: %v\n%s", err, srv.Log())
	}
	if !trusted {
		if _, err := organizations.NewFromConfig(seed.Config()).DisableAWSServiceAccess(ctx, &organizations.DisableAWSServiceAccessInput{
			ServicePrincipal: aws.String("account.amazonaws.com"),
		}); err != nil {
			t.Fatal(err)
		}
	}
	ac := acctsvc.NewFromConfig(seed.Config())
	for _, id := range []*string{nil, aws.String(org.Accounts["prod"])} {
		if _, err := ac.PutAlternateContact(ctx, &acctsvc.PutAlternateContactInput{
			AccountId: id, AlternateContactType: atypes.AlternateContactTypeSecurity,
			Name: aws.String("Security Team"), Title: aws.String("SOC"), EmailAddress: aws.String("security@example.com"), PhoneNumber: aws.String("+1-555-0100"),
		}); err != nil {
			t.Fatal(err)
		}
	}
	devCfg, err := seed.AccountConfig(ctx, org.Accounts["dev"])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := iam.NewFromConfig(devCfg).UploadServerCertificate(ctx, &iam.UploadServerCertificateInput{
		ServerCertificateName: aws.String("legacy-elb"), CertificateBody: aws.String(certBody), PrivateKey: aws.String("-----BEGIN PRIVATE KEY-----\nX\n-----END PRIVATE KEY-----\n"),
	}); err != nil {
		t.Fatal(err)
	}
	return srv, org
}

// motoLacks tells the gaps of every collection against moto, which does
// not implement account:ListRegions or IAM Access Analyzer.
func motoLacks(g snapshot.Gap) bool {
	return g.Section == snapshot.SectionRegions || g.Section == snapshot.SectionAccessAnalyzer
}

// gapsBesidesMoto are the gaps of an account that moto alone does not
// explain.
func gapsBesidesMoto(s *snapshot.Snapshot, account string) []snapshot.Gap {
	var out []snapshot.Gap
	for _, g := range gapsOf(s, account) {
		if !motoLacks(g) {
			out = append(out, g)
		}
	}
	return out
}

// TestCollectCISSection reads the security contacts, server certificates,
// enabled regions and Access Analyzer of every account from moto, which
// implements the first two and answers the others with errors: those are
// gaps, never "none".
func TestCollectCISSection(t *testing.T) {
	srv, org := cisOrg(t, true)
	s := runCollect(t, testOptions(srv.URL))

	for name, want := range map[string]bool{"management": true, "prod": true, "identity": false, "dev": false} {
		a := account(t, s, org.Accounts[name])
		if a.AlternateContacts == nil {
			t.Errorf("%s: alternate contacts not read: %+v", name, gapsOf(s, a.ID))
			continue
		}
		if got := a.AlternateContacts.Security != nil; got != want {
			t.Errorf("%s: security contact %+v, want registered %v", name, a.AlternateContacts.Security, want)
		}
	}
	if c := account(t, s, org.Accounts["prod"]).AlternateContacts.Security; c.Email != "security@example.com" || c.Name != "Security Team" || c.Phone != "+1-555-0100" || c.Title != "SOC" {
		t.Errorf("prod security contact: %+v", c)
	}
	dev := account(t, s, org.Accounts["dev"])
	if certs := dev.IAM.ServerCertificates; len(certs) != 1 || certs[0].Name != "legacy-elb" || certs[0].Expiration == nil || certs[0].Expiration.Year() != 2012 ||
		!strings.HasSuffix(certs[0].ARN, ":server-certificate/legacy-elb") {
		t.Errorf("dev server certificates: %+v", certs)
	}
	for _, name := range []string{"management", "identity", "prod"} {
		if c := account(t, s, org.Accounts[name]).IAM.ServerCertificates; c == nil || len(c) != 0 {
			t.Errorf("%s: server certificates %v, want none (an empty list)", name, c)
		}
	}

	// moto does not implement account:ListRegions or Access Analyzer:
	// every account's regions are a gap, the run falls back to its own
	// region, and the management account's ListAnalyzers there is a gap
	// that is not asked again of every member account.
	md := s.Metadata
	if strings.Join(md.Regions, ",") != mototest.Region || md.RegionsSource != snapshot.RegionsFromDefault {
		t.Errorf("regions %v from %q", md.Regions, md.RegionsSource)
	}
	for _, a := range s.Accounts {
		if len(a.EnabledRegions) != 0 || !hasGap(s, a.ID, snapshot.SectionRegions, "account:ListRegions", "") {
			t.Errorf("%s: enabled regions %v, gaps %+v", a.ID, a.EnabledRegions, gapsOf(s, a.ID))
		}
		wantAA := a.ID == mototest.ManagementAccountID
		if got := hasGap(s, a.ID, snapshot.SectionAccessAnalyzer, "access-analyzer:ListAnalyzers", ""); got != wantAA || a.IAM.AccessAnalyzer != nil {
			t.Errorf("%s: access analyzer %+v, gap %v want %v", a.ID, a.IAM.AccessAnalyzer, got, wantAA)
		}
	}
	// identity is a typical member account without identity providers or
	// server certificates: AssumeRole and 8 IAM reads (its summary counts
	// no certificate, so they are not listed), then GetAlternateContact
	// and ListRegions. dev's certificate adds ListServerCertificates,
	// prod's OIDC provider its list and detail calls.
	if n := md.APICalls[org.Accounts["identity"]]; n != 11 {
		t.Errorf("identity made %d API calls, want 11", n)
	}
	if n := md.APICalls[org.Accounts["dev"]]; n != 12 {
		t.Errorf("dev made %d API calls, want 12", n)
	}
	for _, a := range s.Accounts {
		if n := md.APICalls[a.ID]; a.ID != org.Accounts["prod"] && n > 13 {
			t.Errorf("account %s made %d API calls, want at most 13", a.ID, n)
		}
	}
}

// TestCollectCISTrustedAccessDisabled: without trusted access for AWS
// Account Management, member accounts are not asked (AWS would refuse)
// and their gaps say how to enable it; the management account is still
// read with its own credentials.
func TestCollectCISTrustedAccessDisabled(t *testing.T) {
	srv, org := cisOrg(t, false)
	proxy, err := mototest.NewFaultProxy(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	s := runCollect(t, testOptions(proxy.URL))
	if mgmt := account(t, s, mototest.ManagementAccountID); mgmt.AlternateContacts == nil || mgmt.AlternateContacts.Security == nil {
		t.Errorf("management account contact: %+v", mgmt.AlternateContacts)
	}
	for _, name := range []string{"identity", "prod", "dev"} {
		a := account(t, s, org.Accounts[name])
		if a.AlternateContacts != nil || !hasGap(s, a.ID, snapshot.SectionAlternateContacts, "account:GetAlternateContact", collect.CodeTrustedAccessNotEnabled) ||
			!hasGap(s, a.ID, snapshot.SectionRegions, "account:ListRegions", collect.CodeTrustedAccessNotEnabled) {
			t.Errorf("%s: contacts %+v, gaps %+v", name, a.AlternateContacts, gapsOf(s, a.ID))
		}
		for _, g := range gapsOf(s, a.ID) {
			if g.ErrorCode == collect.CodeTrustedAccessNotEnabled && !strings.Contains(g.Message, "enable-aws-service-access --service-principal account.amazonaws.com") {
				t.Errorf("gap does not say how to enable trusted access: %s", g.Message)
			}
		}
	}
	for _, p := range proxy.Params("GetAlternateContact") {
		t.Errorf("a member account was asked: %v", p)
	}
}

// TestCollectCISRefusals: each new call refused (or, for the calls moto
// lacks, answered by the proxy) gives a gap for that piece alone, never an
// empty answer; Access Analyzer answers decide whether member accounts are
// asked.
func TestCollectCISRefusals(t *testing.T) {
	srv, org := cisOrg(t, true)
	proxy, err := mototest.NewFaultProxy(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	regions := `{"Regions":[{"RegionName":"eu-west-1","RegionOptStatus":"ENABLED"},{"RegionName":"us-east-1","RegionOptStatus":"ENABLED_BY_DEFAULT"}]}`
	orgAnalyzer := `{"analyzers":[{"arn":"arn:aws:access-analyzer:us-east-1:123456789012:analyzer/org","name":"org","type":"ORGANIZATION","status":"ACTIVE","createdAt":"2026-01-01T00:00:00Z"}]}`
	accountAnalyzer := `{"analyzers":[{"arn":"arn:aws:access-analyzer:us-east-1:` + org.Accounts["prod"] + `:analyzer/own","name":"own","type":"ACCOUNT","status":"ACTIVE","createdAt":"2026-01-01T00:00:00Z"}]}`
	prod, dev, idn := org.Accounts["prod"], org.Accounts["dev"], org.Accounts["identity"]
	opts := testOptions(proxy.URL)

	t.Run("organization analyzer covers every member", func(t *testing.T) {
		proxy.Rules = []mototest.Rule{
			{Operation: "ListRegions", Body: regions},
			{Operation: "ListAnalyzers", AccountID: mototest.ManagementAccountID, Body: orgAnalyzer},
			{Operation: "GetAlternateContact", AccountID: prod, Status: 403, Code: "AccessDeniedException"},
			{Operation: "ListServerCertificates", AccountID: dev, Status: 403, Code: "AccessDenied"},
		}
		s := runCollect(t, opts)
		if strings.Join(s.Metadata.Regions, ",") != "eu-west-1,us-east-1" || s.Metadata.RegionsSource != snapshot.RegionsFromEnabled {
			t.Errorf("regions %v from %q", s.Metadata.Regions, s.Metadata.RegionsSource)
		}
		mgmt := account(t, s, mototest.ManagementAccountID)
		if aa := mgmt.IAM.AccessAnalyzer; aa == nil || strings.Join(aa.Regions, ",") != "eu-west-1,us-east-1" || len(aa.Analyzers) != 2 || aa.Analyzers[0].Type != "ORGANIZATION" {
			t.Errorf("management access analyzer: %+v", aa)
		}
		if p := account(t, s, prod); p.AlternateContacts != nil || !hasGap(s, prod, snapshot.SectionAlternateContacts, "account:GetAlternateContact", "AccessDeniedException") {
			t.Errorf("prod contacts %+v, gaps %+v", p.AlternateContacts, gapsOf(s, prod))
		} else if g := gapsOf(s, prod)[0]; !strings.Contains(g.Message, "trusted access") {
			t.Errorf("refused member call without the trusted access hint: %s", g.Message)
		}
		if d := account(t, s, dev); d.IAM.ServerCertificates != nil || !hasGap(s, dev, snapshot.SectionServerCertificates, "iam:ListServerCertificates", "AccessDenied") {
			t.Errorf("dev certificates %+v, gaps %+v", d.IAM.ServerCertificates, gapsOf(s, dev))
		}
		for _, id := range []string{prod, dev, idn} {
			a := account(t, s, id)
			if a.IAM.AccessAnalyzer != nil || strings.Join(a.EnabledRegions, ",") != "eu-west-1,us-east-1" {
				t.Errorf("%s: access analyzer %+v (an organization analyzer covers it), regions %v", id, a.IAM.AccessAnalyzer, a.EnabledRegions)
			}
			if n := s.Metadata.APICalls[id]; id != prod && n > 13 {
				t.Errorf("%s: %d API calls", id, n)
			}
		}
	})

	t.Run("no organization analyzer: members are asked", func(t *testing.T) {
		proxy.Rules = []mototest.Rule{
			{Operation: "ListRegions", Body: regions},
			{Operation: "ListAnalyzers", AccountID: mototest.ManagementAccountID, Body: `{"analyzers":[]}`},
			{Operation: "ListAnalyzers", AccountID: prod, Body: accountAnalyzer},
			{Operation: "ListAnalyzers", AccountID: dev, Status: 403, Code: "AccessDeniedException"},
		}
		s := runCollect(t, opts)
		if aa := account(t, s, prod).IAM.AccessAnalyzer; aa == nil || len(aa.Regions) != 2 || len(aa.Analyzers) != 2 || aa.Analyzers[0].Type != "ACCOUNT" {
			t.Errorf("prod access analyzer: %+v", aa)
		}
		if aa := account(t, s, dev).IAM.AccessAnalyzer; aa != nil {
			t.Errorf("dev access analyzer %+v, want unknown", aa)
		}
		for _, region := range []string{"eu-west-1", "us-east-1"} {
			found := false
			for _, g := range gapsOf(s, dev) {
				found = found || (g.Section == snapshot.SectionAccessAnalyzer && g.ErrorCode == "AccessDeniedException" && strings.HasPrefix(g.Message, region+": "))
			}
			if !found {
				t.Errorf("dev: no access analyzer gap for %s: %+v", region, gapsOf(s, dev))
			}
		}
	})

	t.Run("management refused", func(t *testing.T) {
		proxy.Rules = []mototest.Rule{
			{Operation: "ListRegions", AccountID: mototest.ManagementAccountID, Status: 403, Code: "AccessDeniedException"},
			{Operation: "ListRegions", Body: regions},
			{Operation: "ListAnalyzers", AccountID: mototest.ManagementAccountID, Status: 403, Code: "AccessDeniedException"},
			{Operation: "ListAWSServiceAccessForOrganization", Status: 403, Code: "AccessDeniedException"},
		}
		s := runCollect(t, opts)
		mgmt := account(t, s, mototest.ManagementAccountID)
		if len(mgmt.EnabledRegions) != 0 || !hasGap(s, mgmt.ID, snapshot.SectionRegions, "account:ListRegions", "AccessDeniedException") {
			t.Errorf("management regions %v, gaps %+v", mgmt.EnabledRegions, gapsOf(s, mgmt.ID))
		}
		if mgmt.IAM.AccessAnalyzer != nil || !hasGap(s, mgmt.ID, snapshot.SectionAccessAnalyzer, "access-analyzer:ListAnalyzers", "AccessDeniedException") {
			t.Errorf("management analyzers %+v", mgmt.IAM.AccessAnalyzer)
		}
		// Whether trusted access is enabled is unknown: members are asked.
		if p := account(t, s, prod); p.AlternateContacts == nil || p.AlternateContacts.Security == nil {
			t.Errorf("prod contacts: %+v, gaps %+v", p.AlternateContacts, gapsOf(s, prod))
		}
		for _, id := range []string{prod, dev, idn} {
			if account(t, s, id).IAM.AccessAnalyzer != nil {
				t.Errorf("%s was asked for analyzers in regions the management account could not answer", id)
			}
		}
	})

	t.Run("a summary without the counts: everything is listed", func(t *testing.T) {
		// A summary lacking a count is no evidence of absence: MFA
		// devices, SAML and OIDC providers and server certificates are
		// listed as without a summary (11 calls with the counts).
		proxy.Rules = []mototest.Rule{
			{Operation: "GetAccountSummary", AccountID: idn, Body: `<GetAccountSummaryResponse><GetAccountSummaryResult><SummaryMap><entry><key>Users</key><value>3</value></entry></SummaryMap></GetAccountSummaryResult></GetAccountSummaryResponse>`},
		}
		s := runCollect(t, opts)
		a := account(t, s, idn)
		if a.IAM.Summary["Users"] != 3 || len(a.IAM.Summary) != 1 {
			t.Fatalf("identity summary %v, want the proxy's", a.IAM.Summary)
		}
		if certs := a.IAM.ServerCertificates; certs == nil || len(certs) != 0 {
			t.Errorf("identity certificates: %+v, want listed and empty", certs)
		}
		if n := s.Metadata.APICalls[idn]; n != 14 {
			t.Errorf("identity with a summary without counts made %d API calls, want 14", n)
		}
	})

	t.Run("no account summary: certificates are listed", func(t *testing.T) {
		// The summary's certificate count spares the list where it is 0;
		// without a summary nothing is taken for absent.
		proxy.Rules = []mototest.Rule{
			{Operation: "GetAccountSummary", AccountID: dev, Status: 403, Code: "AccessDenied"},
			{Operation: "GetAccountSummary", AccountID: idn, Status: 403, Code: "AccessDenied"},
		}
		s := runCollect(t, opts)
		if certs := account(t, s, dev).IAM.ServerCertificates; len(certs) != 1 || certs[0].Name != "legacy-elb" {
			t.Errorf("dev certificates without a summary: %+v", certs)
		}
		if certs := account(t, s, idn).IAM.ServerCertificates; certs == nil || len(certs) != 0 {
			t.Errorf("identity certificates without a summary: %+v, want listed and empty", certs)
		}
		if !hasGap(s, idn, snapshot.SectionAccountSummary, "iam:GetAccountSummary", "AccessDenied") {
			t.Errorf("identity: no summary gap: %+v", gapsOf(s, idn))
		}
		// Without a summary MFA devices, SAML and OIDC providers and
		// server certificates are all listed: 11 + 3.
		if n := s.Metadata.APICalls[idn]; n != 14 {
			t.Errorf("identity without a summary made %d API calls, want 14", n)
		}
	})
}

// TestCollectCISThenCheck: `orgaudit check` on a moto-collected
// organization decides each new control per account: what moto can answer
// is a finding or a pass, what it cannot is not evaluated for that account.
func TestCollectCISThenCheck(t *testing.T) {
	srv, org := cisOrg(t, true)
	t.Setenv("AWS_MAX_ATTEMPTS", "2")
	path := filepath.Join(t.TempDir(), "snapshot.json")
	if code, _, stderr := execute(context.Background(), "collect", "--endpoint-url", srv.URL, "--output", path); code != cli.ExitIncomplete {
		t.Fatalf("collect: exit %d\n%s", code, stderr)
	}
	code, stdout, stderr := execute(context.Background(), "check", "--snapshot", path, "--format", "json")
	if code != cli.ExitFindings {
		t.Fatalf("check: exit %d\n%s", code, stderr)
	}
	var rep struct {
		Findings []struct {
			RuleID    string `json:"rule_id"`
			AccountID string `json:"account_id"`
			Resource  string `json:"resource"`
		} `json:"findings"`
		NotEvaluated []struct {
			RuleID    string `json:"rule_id"`
			AccountID string `json:"account_id"`
		} `json:"not_evaluated"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, f := range rep.Findings {
		found[f.RuleID+" "+f.AccountID] = true
	}
	notEval := map[string]bool{}
	for _, n := range rep.NotEvaluated {
		notEval[n.RuleID+" "+n.AccountID] = true
	}
	for name, id := range org.Accounts {
		contact := name == "identity" || name == "dev"
		if found["OA-ORG-008 "+id] != contact {
			t.Errorf("%s: security contact finding %v, want %v", name, found["OA-ORG-008 "+id], contact)
		}
		if found["OA-IAM-013 "+id] != (name == "dev") {
			t.Errorf("%s: expired certificate finding %v", name, found["OA-IAM-013 "+id])
		}
		// moto lacks Access Analyzer: unknown in every account, never "not enabled".
		if found["OA-IAM-014 "+id] || !notEval["OA-IAM-014 "+id] {
			t.Errorf("%s: access analyzer finding %v, not evaluated %v", name, found["OA-IAM-014 "+id], notEval["OA-IAM-014 "+id])
		}
		// No account has a role with AWSSupportAccess.
		if !found["OA-REACH-006 "+id] {
			t.Errorf("%s: no support role finding", name)
		}
	}
}
