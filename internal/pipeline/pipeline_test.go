package pipeline

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/orgaudit/orgaudit/internal/config"
	"github.com/orgaudit/orgaudit/internal/engine"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

func loadFixture(t *testing.T, name string) *snapshot.Loaded {
	t.Helper()
	return loadSnapshot(t, filepath.Join("..", "..", "fixtures", name))
}

// TestExceptions: the configuration's exceptions suppress the findings
// they cover, with their owner, expiry and source line; an expired one
// suppresses nothing.
func TestExceptions(t *testing.T) {
	f, err := config.Load(context.Background(), "../config/testdata/full.yaml", 0)
	if err != nil {
		t.Fatal(err)
	}
	r := config.Resolve(f, loadFixture(t, "identity-account-ous.json").Snapshot)
	res := &engine.Result{Findings: []engine.Finding{
		{RuleID: "OA-TRUST-007", Resource: "arn:aws:iam::700000000002:role/DataAdmin"},
		{RuleID: "OA-TRUST-007", Resource: "arn:aws:iam::700000000001:role/old-batch"},
		{RuleID: "OA-IAM-004", Resource: "arn:aws:iam::500000000001:user/sam"},
	}}
	out := Finish(&Evaluation{Resolved: r, Result: res}, Selection{})
	s := out.Result.Findings[0].Suppression
	if s == nil || s.Owner != "security@example.com" || s.Expires != "2027-06-30" || s.Source != "../config/testdata/full.yaml:23" {
		t.Errorf("DataAdmin suppression %+v", s)
	}
	if out.Result.Findings[1].Suppression != nil {
		t.Error("old-batch is not covered")
	}
	if out.Result.Findings[2].Suppression != nil {
		t.Error("an expired exception must not suppress")
	}
}
