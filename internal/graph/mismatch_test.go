package graph

import (
	"strings"
	"testing"
)

func TestMismatches(t *testing.T) {
	g := load(t, "mismatch")
	type m struct{ principal, role, reason string }
	check := func(what string, got []Mismatch, want []m) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("%s: %d mismatches, want %d: %+v", what, len(got), len(want), got)
		}
		for i, w := range want {
			if got[i].Principal != w.principal || got[i].Role != w.role || !strings.Contains(got[i].Reason, w.reason) {
				t.Errorf("%s[%d] = %+v, want %+v", what, i, got[i], w)
			}
		}
	}
	check("grants without trust", g.GrantsWithoutTrust(), []m{
		{user(idAcct, "nora"), role(prodAcct, "locked"), "trust policy does not allow"},
	})
	if gw := g.GrantsWithoutTrust(); len(gw) == 1 && (gw[0].Policy != "inline:assume" || gw[0].Sid != "Prod" || gw[0].Statement != 0) {
		t.Errorf("grant without trust names %q statement %d sid %q", gw[0].Policy, gw[0].Statement, gw[0].Sid)
	}
	check("trusts without grant", g.TrustsWithoutGrant(), []m{
		{role(idAcct, "deleted"), role(prodAcct, "ghost"), "not in the snapshot"},
		{root(stageAcct), role(prodAcct, "locked"), "no identity policy"},
		{user(idAcct, "oscar"), role(prodAcct, "orphan"), "no identity-based policy allows"},
	})
}

func TestFixtureMismatches(t *testing.T) {
	// identity-account-ous plants a group granting a role whose trust
	// names another account, and a trust naming a role that was deleted.
	g := loadFixture(t, "identity-account-ous")
	gw := g.GrantsWithoutTrust()
	if len(gw) != 1 || gw[0].Principal != "arn:aws:iam::500000000001:user/sam" || gw[0].Role != "arn:aws:iam::700000000002:role/ReadOnly" {
		t.Errorf("grants without trust: %+v", gw)
	}
	tw := g.TrustsWithoutGrant()
	var got []string
	for _, x := range tw {
		got = append(got, x.Principal+" -> "+x.Role)
	}
	// (The rule pack's fixture additions plant two more: an audit role in
	// the management account nobody is granted, and prod-data's tightened
	// OrganizationAccountAccessRole trusting a break-glass role that is
	// not in the snapshot.)
	want := []string{
		"arn:aws:iam::500000000001:root -> arn:aws:iam::500000000000:role/OrgAuditor",
		"arn:aws:iam::500000000001:root -> arn:aws:iam::600000000002:role/developer",
		"arn:aws:iam::500000000001:role/break-glass -> arn:aws:iam::700000000002:role/DataAdmin",
		"arn:aws:iam::500000000000:role/BreakGlass -> arn:aws:iam::700000000002:role/OrganizationAccountAccessRole",
		"arn:aws:iam::500000000001:user/former-oncall -> arn:aws:iam::700000000002:role/support", // the CIS support role's caller left
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("trusts without grant:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
