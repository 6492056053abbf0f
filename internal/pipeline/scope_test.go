package pipeline

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/orgaudit/orgaudit/internal/config"
	"github.com/orgaudit/orgaudit/internal/engine"
	"github.com/orgaudit/orgaudit/internal/graph"
	"github.com/orgaudit/orgaudit/internal/orggen"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// scopeCase is a snapshot and the configurations it is checked under.
type scopeCase struct {
	snap    *snapshot.Loaded
	configs []*config.File
}

// scopeCases are every fixture under no configuration and its own, the
// latent-source snapshot, and generated organizations of a few sizes and
// seeds.
func scopeCases(t *testing.T) map[string]scopeCase {
	t.Helper()
	identity := loadConfig(t, "../../fixtures/identity-account-ous.orgaudit.yaml")
	cases := map[string]scopeCase{
		"latent": {loadSnapshot(t, "../graph/testdata/latent.json"), []*config.File{nil, loadConfig(t, "testdata/latent.orgaudit.yaml")}},
	}
	for _, name := range []string{"startup-dev-prod", "identity-account-ous", "consultancy-clients"} {
		cases[name] = scopeCase{loadFixture(t, name+".json"), []*config.File{nil, loadConfig(t, "../../fixtures/"+name+".orgaudit.yaml")}}
	}
	for _, g := range []struct{ accounts, seed int }{{5, 1}, {23, 2}, {60, 9}} {
		raw, err := snapshot.Marshal(orggen.Generate(orggen.Options{Accounts: g.accounts, Seed: uint64(g.seed)}))
		if err != nil {
			t.Fatal(err)
		}
		l, err := snapshot.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		cases[fmt.Sprintf("generated-%d-%d", g.accounts, g.seed)] = scopeCase{l, []*config.File{nil, identity}}
	}
	return cases
}

// TestScopesMatchWholeInput guards the built-in rules' custom.scope: the
// rules of scope "account" evaluated a chunk of accounts at a time (one,
// three and seven accounts), those of scope "tables" without accounts,
// give every finding and every check not evaluated that evaluating every
// rule over the whole input gives, on every fixture and on generated
// organizations.
func TestScopesMatchWholeInput(t *testing.T) {
	perRule := map[string]int{}
	for name, sc := range scopeCases(t) {
		for _, c := range sc.configs {
			slow, err := Compile(Options{Sources: []engine.Source{engine.BuiltinSource()}, Config: c})
			if err != nil {
				t.Fatal(err)
			}
			slow.opts.WholeInput = true
			want, err := slow.Evaluate(context.Background(), sc.snap)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range want.Result.Findings {
				perRule[f.RuleID]++
			}
			for _, n := range want.Result.NotEvaluated {
				perRule[n.RuleID]++
			}
			for _, chunk := range []int{1, 3, 7, 0} {
				fast, err := Compile(Options{Sources: []engine.Source{engine.BuiltinSource()}, Config: c})
				if err != nil {
					t.Fatal(err)
				}
				fast.chunk = chunk
				got, err := fast.Evaluate(context.Background(), sc.snap)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got.Result, want.Result) {
					t.Errorf("%s (config %v, chunks of %d): the answer differs from the whole input's (%d findings, %d not evaluated; want %d, %d)",
						name, c != nil, chunk, len(got.Result.Findings), len(got.Result.NotEvaluated), len(want.Result.Findings), len(want.Result.NotEvaluated))
				}
			}
		}
	}
	rules, err := engine.LoadRules([]engine.Source{engine.BuiltinSource()})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rules {
		if perRule[r.ID] == 0 {
			t.Errorf("%s (scope %s) found nothing and reported nothing not evaluated anywhere: the comparison proves nothing for it", r.ID, r.Scope)
		}
	}
}

// TestWrongScopeIsCaught: a rule that compares accounts with each other
// but declares scope "account" gives another answer in chunks, so that
// the comparison above would catch a wrong declaration; undeclared, the
// same rule sees the whole input.
func TestWrongScopeIsCaught(t *testing.T) {
	rule := func(scope string) fstest.MapFS {
		return fstest.MapFS{"count.rego": {Data: []byte(`# METADATA
# title: counts accounts
# description: compares the accounts with each other
# related_resources:
#   - ref: https://example.com
# custom:
#   id: USR-COUNT
#   severity: low
#   remediation: none
` + scope + `package orgaudit.rules.user_count

deny contains {"resource": "org", "account_id": "", "message": sprintf("%d accounts", [count(input.accounts)])}
`)}}
	}
	snap := loadFixture(t, "identity-account-ous.json")
	answer := func(scope string, whole bool) []string {
		p, err := Compile(Options{Sources: []engine.Source{{Name: "user", FS: rule(scope)}}})
		if err != nil {
			t.Fatal(err)
		}
		p.opts.WholeInput, p.chunk = whole, 1
		ev, err := p.Evaluate(context.Background(), snap)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, f := range ev.Result.Findings {
			out = append(out, f.Message)
		}
		return out
	}
	want := answer("", true)
	if got := answer("", false); !reflect.DeepEqual(got, want) {
		t.Errorf("undeclared scope: %v, want the whole input's %v", got, want)
	}
	if got := answer("#   scope: account\n", false); reflect.DeepEqual(got, want) {
		t.Errorf("a wrong scope declaration gives the whole input's answer %v: the comparison could not catch it", got)
	}
}

// TestAssumeEdgesIn: input.graph.assume_edges_in lists, for every node,
// the callers with an edge to it that is not an escalation, as the edges
// say (support_role reads it instead of every edge); the document without
// the keys the rules do not read has the others unchanged.
func TestAssumeEdgesIn(t *testing.T) {
	for name, sc := range scopeCases(t) {
		doc, err := AccessGraphDocument(sc.snap.Snapshot, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string][]string{}
		for from, list := range doc["edges"].(map[string]any) {
			for _, e := range list.([]any) {
				ed := e.(map[string]any)
				to := ed["to"].(string)
				if strings.HasPrefix(ed["kind"].(string), "escalate:") || slices.Contains(want[to], from) {
					continue
				}
				want[to] = append(want[to], from)
			}
		}
		got := map[string][]string{}
		for to, list := range doc["assume_edges_in"].(map[string]any) {
			got[to] = slices.Clone(list.([]string))
		}
		for _, m := range []map[string][]string{want, got} {
			for _, l := range m {
				slices.Sort(l)
			}
		}
		if len(want) == 0 || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: assume_edges_in differs from the edges (%d targets, want %d)", name, len(got), len(want))
		}
		g, err := graph.Build(sc.snap.Snapshot)
		if err != nil {
			t.Fatal(err)
		}
		part, err := g.DocumentKeys(nil, "configuration", func(k string) bool { return k != "edges" && k != "edges_in" })
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range doc {
			if _, ok := part[k]; ok != (k != "edges" && k != "edges_in") {
				t.Errorf("%s: key %s kept %v", name, k, ok)
			} else if ok && !reflect.DeepEqual(v, part[k]) {
				t.Errorf("%s: key %s differs", name, k)
			}
		}
	}
}
