package collect_test

import (
	"context"
	"testing"
	"time"

	"github.com/orgaudit/orgaudit/internal/collect"
	"github.com/orgaudit/orgaudit/internal/collect/mototest"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// everyHoleHasAGap fails for each part of an active account that the
// snapshot lacks without a gap of its section (or, for IAM data, of the
// whole account) saying why.
func everyHoleHasAGap(t *testing.T, s *snapshot.Snapshot) {
	t.Helper()
	gapIn := func(account, section string) bool {
		for _, g := range gapsOf(s, account) {
			if g.Section == section || (g.Section == snapshot.SectionAccount && section != snapshot.SectionAlternateContacts && section != snapshot.SectionRegions) {
				return true
			}
		}
		return false
	}
	for _, a := range s.Accounts {
		if a.Status != "" && a.Status != "ACTIVE" {
			continue
		}
		holes := map[string]bool{
			snapshot.SectionAccount:           a.IAM == nil,
			snapshot.SectionAlternateContacts: a.AlternateContacts == nil,
			snapshot.SectionRegions:           a.EnabledRegions == nil,
		}
		if a.IAM != nil {
			holes[snapshot.SectionCredentialReport] = a.IAM.CredentialReport == nil
			holes[snapshot.SectionServerCertificates] = a.IAM.ServerCertificates == nil
			// The management account is always asked for its analyzers.
			holes[snapshot.SectionAccessAnalyzer] = a.ID == mototest.ManagementAccountID && a.IAM.AccessAnalyzer == nil
		}
		for section, hole := range holes {
			if hole && !gapIn(a.ID, section) {
				t.Errorf("account %s: %s not read and no gap says why (gaps %+v)", a.ID, section, gapsOf(s, a.ID))
			}
		}
	}
}

// TestCollectCISCallTimeouts: each call the CIS section added hangs; its
// deadlines end it, retried inside the SDK's retryer, as a Timeout gap of
// its own section, and the rest of the account is read. When whether
// trusted access for AWS Account Management is enabled cannot be told in
// time, member accounts are asked anyway.
func TestCollectCISCallTimeouts(t *testing.T) {
	srv, org := cisOrg(t, true)
	proxy := faultProxy(t, srv.URL)
	prod, dev := org.Accounts["prod"], org.Accounts["dev"]
	mgmt := mototest.ManagementAccountID
	proxy.Rules = []mototest.Rule{
		{Operation: "ListAWSServiceAccessForOrganization", Fault: mototest.FaultHang},
		{Operation: "GetAlternateContact", AccountID: prod, Fault: mototest.FaultHang},
		{Operation: "ListRegions", AccountID: mgmt, Fault: mototest.FaultHang},
		{Operation: "ListServerCertificates", AccountID: dev, Fault: mototest.FaultHang},
		{Operation: "ListAnalyzers", AccountID: mgmt, Fault: mototest.FaultHang},
	}
	opts := testOptions(proxy.URL)
	opts.Timeouts = shortTimeouts
	opts.MaxAttempts = 2
	start := time.Now()
	s := runCollect(t, opts)
	if took := time.Since(start); took > 30*time.Second {
		t.Errorf("hung calls held the run for %s", took)
	}
	for _, want := range []struct{ account, section, operation string }{
		{prod, snapshot.SectionAlternateContacts, "account:GetAlternateContact"},
		{mgmt, snapshot.SectionRegions, "account:ListRegions"},
		{dev, snapshot.SectionServerCertificates, "iam:ListServerCertificates"},
		{mgmt, snapshot.SectionAccessAnalyzer, "access-analyzer:ListAnalyzers"},
	} {
		if !hasGap(s, want.account, want.section, want.operation, collect.CodeTimeout) {
			t.Errorf("%s of %s hung: no Timeout gap (gaps %+v)", want.operation, want.account, gapsOf(s, want.account))
		}
	}
	if n := proxy.Counts()["rule"]; n != 2*len(proxy.Rules) {
		t.Errorf("%d attempts of the hung calls, want %d (2 each)", n, 2*len(proxy.Rules))
	}
	for _, name := range []string{"identity", "dev"} {
		if a := account(t, s, org.Accounts[name]); a.AlternateContacts == nil {
			t.Errorf("%s: alternate contacts not asked after trusted access could not be told: %+v", name, gapsOf(s, a.ID))
		}
	}
	if d := account(t, s, dev); d.IAM == nil || len(d.IAM.Roles) == 0 || d.IAM.CredentialReport == nil {
		t.Error("dev: the rest of the account was not read")
	}
	everyHoleHasAGap(t, s)
}

// TestCollectCISRunTimeout: --timeout falls while a CIS call hangs (before
// its own deadlines would end it): the run ends with what it has, every
// call cut short and every read not started is a Timeout gap, and Run
// returns the snapshot, not the run's context error.
func TestCollectCISRunTimeout(t *testing.T) {
	srv, org := cisOrg(t, true)
	proxy := faultProxy(t, srv.URL)
	opts := testOptions(proxy.URL)
	opts.MaxAttempts = 2
	start := time.Now()
	runCollect(t, opts)
	// Long enough for everything else to be read, short enough for the
	// hung call to be cut by it.
	opts.Timeout = 2*time.Since(start) + 3*time.Second
	prod, mgmt := org.Accounts["prod"], mototest.ManagementAccountID

	tests := []struct {
		name string
		rule mototest.Rule
		// want is a gap the time limit must leave (account, section,
		// operation).
		want [3]string
	}{
		{"analyzers of the management account", mototest.Rule{Operation: "ListAnalyzers", AccountID: mgmt, Fault: mototest.FaultHang},
			[3]string{mgmt, snapshot.SectionAccessAnalyzer, "access-analyzer:ListAnalyzers"}},
		{"security contact of a member", mototest.Rule{Operation: "GetAlternateContact", AccountID: prod, Fault: mototest.FaultHang},
			[3]string{prod, snapshot.SectionAlternateContacts, "account:GetAlternateContact"}},
		{"trusted access of the organization", mototest.Rule{Operation: "ListAWSServiceAccessForOrganization", Fault: mototest.FaultHang},
			[3]string{prod, snapshot.SectionAlternateContacts, "account:GetAlternateContact"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			proxy.Rules = []mototest.Rule{tt.rule}
			o := opts
			o.Timeouts = collect.Timeouts{ResponseHeader: time.Minute, Attempt: time.Minute, Call: 2 * time.Minute}
			s, err := collect.Run(context.Background(), o)
			if err != nil {
				t.Fatalf("collect: %v", err)
			}
			if raw, err := snapshot.Marshal(s); err != nil {
				t.Fatal(err)
			} else if _, err := snapshot.Parse(raw); err != nil {
				t.Fatalf("snapshot written at the time limit does not validate: %v", err)
			}
			if !hasGap(s, tt.want[0], tt.want[1], tt.want[2], collect.CodeTimeout) {
				t.Errorf("no Timeout gap for %s of %s: %+v", tt.want[2], tt.want[0], s.Metadata.Gaps)
			}
			everyHoleHasAGap(t, s)
		})
	}
}
