package graph

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/orgaudit/orgaudit/internal/orggen"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// TestRulesDocumentMatchesDocument proves RulesDocument against the slow
// way, ast.InterfaceToValue of DocumentKeys, on every test snapshot of
// this package, every bundled fixture and a generated organization, with
// every key and with a selection (edges left out, self-escalations kept).
func TestRulesDocumentMatchesDocument(t *testing.T) {
	snaps := map[string]*snapshot.Snapshot{"generated": orggen.Generate(orggen.Options{Accounts: 30, RolesPerAccount: 8, Seed: 3})}
	for _, pattern := range []string{filepath.Join("testdata", "*.json"), filepath.Join("..", "..", "fixtures", "*.json")} {
		files, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			l, err := snapshot.Parse(raw)
			if err != nil {
				continue // not a snapshot (a configuration, a report)
			}
			snaps[f] = l.Snapshot
		}
	}
	if len(snaps) < 10 {
		t.Fatalf("only %d snapshots found", len(snaps))
	}
	selections := map[string]func(string) bool{
		"all":      nil,
		"no edges": func(k string) bool { return k != "edges" && k != "edges_in" },
	}
	for name, s := range snaps {
		g, err := Build(s)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		envs := map[string][]string{}
		for _, a := range s.Accounts {
			env := "other"
			if strings.Contains(strings.ToLower(a.Name), "prod") {
				env = "production"
			}
			envs[env] = append(envs[env], a.ID)
		}
		for sel, want := range selections {
			t.Run(name+"/"+sel, func(t *testing.T) {
				doc, err := g.DocumentKeys(envs, "names", want)
				if err != nil {
					t.Fatal(err)
				}
				slow, err := ast.InterfaceToValue(doc)
				if err != nil {
					t.Fatal(err)
				}
				fast, err := g.RulesDocument(envs, "names", want)
				if err != nil {
					t.Fatal(err)
				}
				got, err := ast.InterfaceToValue(fast)
				if err != nil {
					t.Fatal(err)
				}
				if got.Compare(slow) != 0 {
					t.Errorf("RulesDocument differs from DocumentKeys:\ngot  %.2000v\nwant %.2000v", got, slow)
				}
				if n := len(g.edges); n > 0 && len(doc["self_escalation"].(map[string]any))+len(doc["nodes"].(map[string]any)) == 0 {
					t.Errorf("%d edges but no nodes in the document", n)
				}
			})
		}
	}
}

// BenchmarkDocumentValue builds input.graph of a generated organization
// and converts it for Rego, as check does. Run with
// go test ./internal/graph -run '^$' -bench DocumentValue -benchmem.
func BenchmarkDocumentValue(b *testing.B) {
	for _, n := range []int{1000} {
		g, err := Build(orggen.Generate(orggen.Options{Accounts: n, Seed: 1}))
		if err != nil {
			b.Fatal(err)
		}
		envs := map[string][]string{"production": {orggen.AccountID(5), orggen.AccountID(6)}}
		b.Run(fmt.Sprintf("accounts=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				doc, err := g.RulesDocument(envs, "configuration", nil)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := ast.InterfaceToValue(doc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
