package graph

import (
	"reflect"
	"testing"

	"github.com/orgaudit/orgaudit/internal/orggen"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// TestClassScanMatchesSlowCount: path counting that looks only at the
// class edges into nodes on a path (classScan) gives the answers of
// looking at every class edge of every member, with the step budget of
// the enumeration inside cycles hit at every point (small budgets) and
// large cycles bounded from below (a small exact limit), on every test
// snapshot, the fixtures and a generated organization, into every
// account, with every edge filter.
func TestClassScanMatchesSlowCount(t *testing.T) {
	snaps := testAndFixtureSnapshots(t)
	snaps["orggen-30"] = orggen.Generate(orggen.Options{Accounts: 30, Seed: 7})
	defer func(b, l int) { dfsBudget, sccExactLimit = b, l }(dfsBudget, sccExactLimit)
	enumerated, budgetHit := 0, 0
	for name, s := range snaps {
		g, err := Build(s)
		if err != nil {
			t.Fatal(err)
		}
		targets := []string{"ou:Prod"}
		for _, a := range s.Accounts {
			targets = append(targets, a.ID)
		}
		for _, spec := range targets {
			tg, err := g.ResolveTarget(spec, nil)
			if err != nil {
				continue // no such OU in this snapshot
			}
			for _, filter := range []EdgeFilter{EdgesAll, EdgesAssume, EdgesEscalate} {
				for _, limits := range limitsFor(name) {
					dfsBudget, sccExactLimit = limits[0], limits[1]
					opts := Options{Edges: filter}
					slowEnumerate = true
					want, err := g.Paths(tg, opts)
					slowEnumerate = false
					if err != nil {
						t.Fatal(err)
					}
					got, err := g.Paths(tg, opts)
					if err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(got, want) {
						t.Errorf("%s into %s, %s, budget %d, exact limit %d: answers differ from the slow count", name, spec, filter, limits[0], limits[1])
					}
					for _, src := range want.Sources {
						if src.Paths > 1 {
							enumerated++
						}
						if src.PathsAtLeast && limits[1] > 1 {
							budgetHit++
						}
					}
				}
			}
		}
	}
	if enumerated == 0 || budgetHit == 0 {
		t.Errorf("the comparison never counted several paths (%d) or hit the budget (%d)", enumerated, budgetHit)
	}
	t.Logf("sources with several paths: %d, bounded by the budget: %d", enumerated, budgetHit)
}

// limitsFor returns the step budgets and exact limits to compare with: a
// sweep of small budgets on the generated organization, whose cycles run
// through class edges that except accounts.
func limitsFor(name string) [][2]int {
	l := [][2]int{{200000, 64}, {3, 64}, {40, 64}, {700, 64}, {200000, 1}}
	if name == "orggen-30" {
		for b := 1; b < 400; b += 7 {
			l = append(l, [2]int{b, 64})
		}
	}
	return l
}

// testAndFixtureSnapshots returns every test snapshot (testdata_test.go)
// and bundled fixture, by name.
func testAndFixtureSnapshots(t *testing.T) map[string]*snapshot.Snapshot {
	t.Helper()
	snaps := map[string]*snapshot.Snapshot{}
	for name, def := range testSnapshots {
		snaps[name] = def().s
	}
	for _, f := range []string{"identity-account-ous", "startup-dev-prod", "consultancy-clients"} {
		l, err := snapshot.LoadFile("../../fixtures/" + f + ".json")
		if err != nil {
			t.Fatal(err)
		}
		snaps[f] = l.Snapshot
	}
	return snaps
}
