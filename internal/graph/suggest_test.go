package graph

import (
	"testing"

	"github.com/orgaudit/orgaudit/internal/snapshot"
)

func TestSuggestTarget(t *testing.T) {
	l, err := snapshot.LoadFile("../../fixtures/identity-account-ous.json")
	if err != nil {
		t.Fatal(err)
	}
	g, err := Build(l.Snapshot)
	if err != nil {
		t.Fatal(err)
	}
	envs := map[string][]string{"production": {"700000000001"}, "staging": {"600000000002"}, "development": {"600000000001"}}
	tests := []struct{ spec, want string }{
		{"env:prodution", "env:production"},
		{"ENV:stagin", "ENV:staging"},
		{"prod-wbe", "prod-web"},
		{"account:prod-dta", "account:prod-data"},
		{"ou:Prd", "ou:Prod"},
		{"arn:aws:iam::700000000001:role/deplyo", "arn:aws:iam::700000000001:role/deploy"},
		{"env:qa", ""},
		{"completely-different-name", ""},
		{"ou:", ""},
	}
	for _, tt := range tests {
		if got := g.SuggestTarget(tt.spec, envs); got != tt.want {
			t.Errorf("SuggestTarget(%q) = %q, want %q", tt.spec, got, tt.want)
		}
	}
}
