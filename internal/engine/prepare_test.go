package engine

import (
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

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
			got, err := Input{Prepared: p, Extra: extra}.input()
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
		})
	}
}
