package handover

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/orgaudit/orgaudit/internal/graph"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

func load(t *testing.T, name string) *snapshot.Snapshot {
	t.Helper()
	l, err := snapshot.LoadFile("../../fixtures/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return l.Snapshot
}

func build(t *testing.T, s *snapshot.Snapshot, account string, opts Options) *Checklist {
	t.Helper()
	g, err := graph.Build(s)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Build(s, g, account, opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func titles(c *Checklist, st Status) string {
	var out []string
	for _, it := range c.Items {
		if it.Status == st {
			out = append(out, it.Title)
		}
	}
	return strings.Join(out, "\n")
}

func TestConsultancyClient(t *testing.T) {
	c := build(t, load(t, "consultancy-clients.json"), "client-globex", Options{})
	open := titles(c, Open)
	for _, want := range []string{
		"* can reach the account",
		"arn:aws:iam::100000000001:user/alice [metal-consult-main (100000000001)] can reach the account",
		"Identity Center user carol@metal-consult.example can reach the account",
		"Role ConsultancyAdmin trusts principals outside the account",
		"Role shared-deploy trusts principals outside the account",
		"Role org-readonly trusts principals outside the account",
		"IAM user metal-consult-automation exists",
		"Identity Center user carol@metal-consult.example has permission set ReadOnly",
		"The account is a member of organization o-mtconsult01",
	} {
		if !strings.Contains(open, want) {
			t.Errorf("open items lack %q:\n%s", want, open)
		}
	}
	if strings.Contains(open, "root email") {
		t.Errorf("the client's own root email (it@globex.example) was flagged")
	}
	if !strings.Contains(titles(c, Note), "Leaving removes 1 guardrail policy") {
		t.Errorf("the SCP the account loses is not listed")
	}
	if c.Open == 0 || c.Open != strings.Count(open, "\n")+1 {
		t.Errorf("open count %d does not match the open items", c.Open)
	}
}

func TestRootEmailOnOurDomain(t *testing.T) {
	s := load(t, "consultancy-clients.json")
	c := build(t, s, "200000000002", Options{})
	if !strings.Contains(titles(c, Open), "root email awsaccounts+acme@metal-consult.example is on our domain metal-consult.example") {
		t.Errorf("root email on the management account's domain not flagged:\n%s", titles(c, Open))
	}
	c = build(t, s, "200000000002", Options{OurDomains: []string{"elsewhere.example"}})
	if strings.Contains(titles(c, Open), "root email") {
		t.Error("--our-domain should replace the default domain")
	}
}

// TestCleanAccountIsReady: an account with no ties left passes.
func TestCleanAccountIsReady(t *testing.T) {
	s := load(t, "consultancy-clients.json")
	s.Organization = nil
	s.Identity = nil
	for i := range s.Accounts {
		a := &s.Accounts[i]
		if a.ID != "200000000003" {
			continue
		}
		a.IAM.Users = nil
		var roles []snapshot.Role
		for _, r := range a.IAM.Roles {
			if r.Name == "ConsultancyAdmin" {
				r.TrustPolicy = json.RawMessage(`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::200000000003:root"},"Action":"sts:AssumeRole"}]}`)
				roles = append(roles, r)
			}
		}
		a.IAM.Roles = roles
	}
	c := build(t, s, "200000000003", Options{})
	if c.Open != 0 {
		t.Errorf("%d items left on a clean account:\n%s", c.Open, titles(c, Open)+titles(c, Unknown))
	}
}

func TestGapsAreUnknown(t *testing.T) {
	c := build(t, load(t, "identity-account-ous.json"), "old-sandbox", Options{})
	unknown := titles(c, Unknown)
	for _, want := range []string{"Cannot check who can reach the account", "Cannot check trust policies", "Cannot check IAM users", "Cannot check root credentials"} {
		if !strings.Contains(unknown, want) {
			t.Errorf("unknown items lack %q:\n%s", want, unknown)
		}
	}
	if c.Open < 4 {
		t.Errorf("unknown items must count as left, open = %d", c.Open)
	}
}

func TestUnknownAccount(t *testing.T) {
	s := load(t, "startup-dev-prod.json")
	g, _ := graph.Build(s)
	if _, err := Build(s, g, "999999999999", Options{}); err == nil || !strings.Contains(err.Error(), "not in the snapshot") {
		t.Errorf("error %v", err)
	}
}

func TestForeignPrincipals(t *testing.T) {
	tests := []struct {
		doc  string
		want string
	}{
		{`{"Statement":{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"}}`, "111111111111"},
		{`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]}`, "*"},
		{`{"Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::222222222222:root","arn:aws:iam::333333333333:role/x"]},"Action":"sts:AssumeRole"}]}`, "arn:aws:iam::333333333333:role/x"},
		{`{"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`, ""},
		{`{"Statement":[{"Effect":"Deny","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"}]}`, ""},
	}
	for _, tt := range tests {
		if got := strings.Join(foreignPrincipals(json.RawMessage(tt.doc), "222222222222"), ","); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.doc, got, tt.want)
		}
	}
}

// TestLatentAccess: a user without an MFA device that would reach the
// account once it registers one is an item to close, with its path.
func TestLatentAccess(t *testing.T) {
	l, err := snapshot.LoadFile("../graph/testdata/latent.json")
	if err != nil {
		t.Fatal(err)
	}
	c := build(t, l.Snapshot, "444444444444", Options{})
	var item *Item
	for i := range c.Items {
		if c.Items[i].Resource == "arn:aws:iam::111111111111:user/jack" {
			item = &c.Items[i]
		}
	}
	if item == nil {
		t.Fatalf("no item for jack: %s", titles(c, Open))
	}
	if item.Status != Open || !strings.Contains(item.Title, "once it registers an MFA device") ||
		!strings.Contains(strings.Join(item.Details, "\n"), "path once it has a device: arn:aws:iam::111111111111:user/jack → arn:aws:iam::222222222222:role/ops (MFA) → arn:aws:iam::444444444444:role/deploy") {
		t.Errorf("item %+v", item)
	}
}
