package graph

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/orgaudit/orgaudit/internal/orggen"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// TestClassesMatchBruteForce checks the builder's shortcuts (candidates
// from trust policies, the grant index, one evaluation per class, class
// edges) against evaluating every principal against every role of a
// generated organization.
func TestClassesMatchBruteForce(t *testing.T) {
	for _, seed := range []uint64{2, 7} {
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) {
			s := orggen.Generate(orggen.Options{Accounts: 30, RolesPerAccount: 12, Seed: seed})
			g, err := Build(s)
			if err != nil {
				t.Fatal(err)
			}
			if len(g.ClassEdges()) == 0 {
				t.Fatal("no class edge: the generated organization does not exercise them")
			}
			compareBruteForce(t, g, s)
		})
	}
}

// TestTestdataMatchesBruteForce does the same on every test snapshot.
func TestTestdataMatchesBruteForce(t *testing.T) {
	for name, def := range testSnapshots {
		t.Run(name, func(t *testing.T) {
			s := def().s
			g, err := Build(s)
			if err != nil {
				t.Fatal(err)
			}
			compareBruteForce(t, g, s)
		})
	}
}

// compareBruteForce evaluates every IAM principal of s against every role
// and compares the edges with g's, class edges expanded.
func compareBruteForce(t *testing.T, g *Graph, s *snapshot.Snapshot) {
	t.Helper()
	got := map[string]string{}
	for _, n := range g.Nodes() {
		if n.Kind != KindUser && n.Kind != KindRole && n.Kind != KindSSORole {
			continue
		}
		for _, e := range g.OutEdges(n.ID) {
			if e.Kind == EdgeAssumeRole {
				got[e.From+" -> "+e.To] = strings.Join(e.Conditions.Strings(), "; ")
			}
		}
	}
	b := newBuilder(s)
	b.prepare()
	want := map[string]string{}
	for _, p := range b.principals {
		for _, r := range b.roles {
			if r == p || r.trust == nil || r.serviceLinked {
				continue
			}
			c := b.callerOf(p)
			res := b.eval(c, r, actionAssumeRole)
			if ci, ok := b.condition(&res, c); ok {
				want[p.arn+" -> "+r.arn] = strings.Join(b.conds[ci].Strings(), "; ")
			}
		}
	}
	var diffs []string
	for k, w := range want {
		if gv, ok := got[k]; !ok {
			diffs = append(diffs, "missing "+k)
		} else if gv != w {
			diffs = append(diffs, fmt.Sprintf("%s: conditions %q, want %q", k, gv, w))
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			diffs = append(diffs, "extra "+k)
		}
	}
	sort.Strings(diffs)
	if len(diffs) > 0 {
		t.Errorf("%d differences (of %d edges), first: %s", len(diffs), len(want), strings.Join(diffs[:min(len(diffs), 10)], "\n"))
	}
}
