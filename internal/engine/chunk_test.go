package engine

import (
	"context"
	"maps"
	"reflect"
	"testing"

	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// TestDocumentWithoutAccounts: with no accounts at all, the rules of
// scope "account" still say what they find about the organization (one
// empty chunk), as over the whole input.
func TestDocumentWithoutAccounts(t *testing.T) {
	l, err := snapshot.LoadFile("../../fixtures/startup-dev-prod.json")
	if err != nil {
		t.Fatal(err)
	}
	doc := maps.Clone(l.Doc)
	doc["accounts"] = []any{}
	typed := *l.Snapshot
	typed.Accounts = nil
	ctx := context.Background()
	eng, err := New(ctx, Options{Sources: []Source{BuiltinSource()}})
	if err != nil {
		t.Fatal(err)
	}
	snap := &snapshot.Loaded{Doc: doc, Snapshot: &typed}
	want, err := eng.Eval(ctx, Input{Snapshot: snap})
	if err != nil {
		t.Fatal(err)
	}
	got, err := eng.Eval(ctx, Input{Snapshot: snap, Document: DocumentOf(doc)})
	if err != nil {
		t.Fatal(err)
	}
	scope := map[string]string{}
	for _, r := range eng.Rules() {
		scope[r.ID] = r.Scope
	}
	reported := 0
	for _, n := range want.NotEvaluated {
		if scope[n.RuleID] == ScopeAccount && n.AccountID == "" && n.Operation == "" {
			reported++
		}
	}
	if reported == 0 {
		t.Fatal("no rule of scope account reports anything about the organization: the comparison proves nothing")
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("without accounts: %d findings, %d not evaluated; the whole input gives %d, %d",
			len(got.Findings), len(got.NotEvaluated), len(want.Findings), len(want.NotEvaluated))
	}
}

// TestDefaultChunk: chunks of about 1% of the accounts, between 8 and 64.
func TestDefaultChunk(t *testing.T) {
	for _, tc := range []struct{ accounts, want int }{
		{0, 8}, {200, 8}, {1000, 10}, {3000, 30}, {6400, 64}, {10000, 64},
	} {
		if got := defaultChunk(tc.accounts); got != tc.want {
			t.Errorf("defaultChunk(%d) = %d, want %d", tc.accounts, got, tc.want)
		}
	}
}
