package engine

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/orgaudit/orgaudit/internal/input"
	"github.com/orgaudit/orgaudit/internal/orggen"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// TestPrepareInputMatchesInterfaceToValue: converting the accounts on
// every core and sharing the snapshot's values with the extra keys gives
// the value converting the whole document at once gives.
func TestPrepareInputMatchesInterfaceToValue(t *testing.T) {
	raw, err := snapshot.Marshal(orggen.Generate(orggen.Options{Accounts: 30, Seed: 3}))
	if err != nil {
		t.Fatal(err)
	}
	gen, err := snapshot.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]map[string]any{"generated": gen.Doc}
	for _, name := range []string{"startup-dev-prod.json", "identity-account-ous.json", "consultancy-clients.json"} {
		l, err := snapshot.LoadFile("../../fixtures/" + name)
		if err != nil {
			t.Fatal(err)
		}
		docs[name] = l.Doc
	}
	for name, doc := range docs {
		t.Run(name, func(t *testing.T) {
			p, err := PrepareInput(doc)
			if err != nil {
				t.Fatal(err)
			}
			want, err := ast.InterfaceToValue(doc)
			if err != nil {
				t.Fatal(err)
			}
			facts, err := ast.InterfaceToValue(computeFacts(doc))
			if err != nil {
				t.Fatal(err)
			}
			wantObj := want.(ast.Object)
			wantObj.Insert(ast.StringTerm(FactsKey), ast.NewTerm(facts))
			if ast.Compare(p.obj, wantObj) != 0 {
				t.Error("prepared input differs from the whole document converted")
			}
			extra := map[string]any{"graph": map[string]any{"nodes": map[string]any{"a": 1}}}
			got, err := Input{Prepared: p, Extra: extra}.input(true)
			if err != nil {
				t.Fatal(err)
			}
			g, _ := ast.InterfaceToValue(extra["graph"])
			withExtra := wantObj.Copy()
			withExtra.Insert(ast.StringTerm("graph"), ast.NewTerm(g))
			if ast.Compare(got, withExtra) != 0 {
				t.Error("input with extra keys differs")
			}
			if ast.Compare(p.obj, wantObj) != 0 {
				t.Error("adding extra keys changed the prepared input")
			}
			// Consuming the document gives the same value and empties it.
			doc := cloneDoc(t, doc)
			c, err := PrepareInputConsuming(doc)
			if err != nil {
				t.Fatal(err)
			}
			if ast.Compare(c.obj, wantObj) != 0 {
				t.Error("consumed input differs from the whole document converted")
			}
			if len(doc) != 0 {
				t.Errorf("%d keys left in a consumed document", len(doc))
			}
			g2 := cloneDoc(t, extra["graph"].(map[string]any))
			gv, err := PrepareObjectConsuming(g2)
			if err != nil {
				t.Fatal(err)
			}
			if ast.Compare(gv.(ast.Value), g) != 0 || gv.(ast.Value).String() != g.String() || len(g2) != 0 {
				t.Error("PrepareObjectConsuming differs from InterfaceToValue or leaves keys")
			}
		})
	}
}

// cloneDoc deep-copies a generic document through JSON.
func cloneDoc(t *testing.T, doc map[string]any) map[string]any {
	t.Helper()
	raw, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	v, err := input.DecodeJSON(context.Background(), raw)
	if err != nil {
		t.Fatal(err)
	}
	return v.(map[string]any)
}
