package config

import (
	"os"
	"testing"

	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// FuzzParse checks that no input makes the parser (or resolving what it
// accepts) panic, and that accepted files resolve against a snapshot.
func FuzzParse(f *testing.F) {
	if b, err := os.ReadFile("testdata/full.yaml"); err == nil {
		f.Add(b)
	}
	for _, s := range []string{
		"", "version: 1\n", "identity_account: 111111111111\n",
		"environments:\n  production: [ou:Prod, 'tag:env=prod', account:prod-*]\n",
		"exceptions:\n  - {rule: R, resource: 'arn:*', reason: r, expires: 2026-01-01}\n",
		"rules: {disable: [A], severity: {B: low}}\n", "thresholds: {root_unused_days: 1}\n",
		"vendors: {'123456789012': x}\n", "[1, 2]\n", "a: &a [*a]\n", "exceptions: [{resource: '{a,b'}]\n",
	} {
		f.Add([]byte(s))
	}
	snap := &snapshot.Snapshot{
		Organization: &snapshot.Organization{ID: "o-1", ManagementAccountID: "111111111111",
			OrganizationalUnits: []snapshot.OrganizationalUnit{{ID: "ou-1", Name: "Prod", ParentID: "r-1", Tags: map[string]string{"env": "prod"}}}},
		Accounts: []snapshot.Account{
			{ID: "111111111111", Name: "management", Status: "ACTIVE", ParentID: "r-1"},
			{ID: "222222222222", Name: "prod-web", Status: "ACTIVE", ParentID: "ou-1"},
			{ID: "333333333333", Name: "identity", Status: "ACTIVE", ParentID: "r-1"},
		},
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		cfg, err := Parse(raw)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		_ = cfg.CheckRules([]string{"A", "B", "R"})
		r := Resolve(cfg, snap)
		_ = r.Data()
	})
}
