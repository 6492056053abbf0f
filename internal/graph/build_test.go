package graph

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/orgaudit/orgaudit/internal/orggen"
	"github.com/orgaudit/orgaudit/internal/policy"
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
			compareLatentBruteForce(t, g, s)
			compareOutsiders(t, g, s)
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
			compareLatentBruteForce(t, g, s)
			compareOutsiders(t, g, s)
		})
	}
}

// compareBruteForce evaluates every IAM principal of s against every role
// and compares the edges with g's, class edges expanded.
func compareBruteForce(t *testing.T, g *Graph, s *snapshot.Snapshot) {
	t.Helper()
	got := map[string]string{}
	for _, n := range g.Nodes() {
		if n.Kind != KindUser && n.Kind != KindRole && n.Kind != KindSSORole && n.Kind != KindUserInGroup {
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
				want[b.nodes[p.node].ID+" -> "+r.arn] = strings.Join(b.conds[ci].Strings(), "; ")
			}
		}
	}
	diffEdges(t, got, want)
}

// diffEdges reports the edges (keys) of want that got lacks or describes
// otherwise, and those got has in excess.
func diffEdges(t *testing.T, got, want map[string]string) {
	t.Helper()
	var diffs []string
	for k, w := range want {
		if gv, ok := got[k]; !ok {
			diffs = append(diffs, "missing "+k)
		} else if gv != w {
			diffs = append(diffs, fmt.Sprintf("%s: %q, want %q", k, gv, w))
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

// compareOutsiders checks that deciding conditions for principals outside
// the organization (outsiderConditions) never hides access: every
// concrete outsider that the evaluator admits into a role (its own
// policies taken to allow, session facts unknown) must be matched by an
// edge from "*", its account node or its own node.
func compareOutsiders(t *testing.T, g *Graph, s *snapshot.Snapshot) {
	t.Helper()
	b := newBuilder(s)
	b.prepare()
	var diffs []string
	checked := 0
	for _, r := range b.roles {
		if r.trust == nil || r.serviceLinked {
			continue
		}
		accounts, orgs := []string{"000000000999"}, []string{""}
		for _, st := range r.trust.doc.Statements {
			var vals []string
			for _, pr := range []*policy.Principal{st.Principal, st.NotPrincipal} {
				if pr != nil {
					for _, v := range pr.AWS {
						vals = append(vals, v.Account)
					}
				}
			}
			for _, c := range st.Conditions {
				vals = append(vals, c.Values...)
			}
			for _, v := range vals {
				if a := arnAccount(v); a != "" {
					v = a
				}
				switch {
				case policy.IsAccountID(v) && !b.inOrg(v):
					accounts = appendUnique(accounts, v)
				case strings.HasPrefix(v, "o-") && v != b.orgID:
					orgs = appendUnique(orgs, v)
				}
			}
		}
		for _, acct := range accounts {
			for _, arn := range []string{root(acct), user(acct, "sample"), role(acct, "sample")} {
				for _, org := range orgs {
					c := &caller{arn: arn, account: acct, identity: unknownPolicies}
					ctx := b.context(c, r)
					if org == "" {
						ctx.SetAbsent("aws:PrincipalOrgID").SetAbsent("aws:PrincipalOrgPaths")
					} else {
						ctx.Set("aws:PrincipalOrgID", org).SetUnknown("aws:PrincipalOrgPaths")
					}
					res := policy.Evaluate(policy.Input{
						Request:          policy.Request{Principal: arn, Action: actionAssumeRole, Resource: r.arn, ResourceAccount: r.account, Context: ctx},
						IdentityPolicies: unknownPolicies, ResourcePolicy: &policy.Policy{Label: "trust", Document: r.trust.doc},
						RCPs: b.rcpsOf(r.account), ResourceInManagementAccount: r.account == b.mgmt,
					})
					checked++
					if res.Denied() {
						continue
					}
					found := false
					for _, from := range []string{"*", root(acct), arn} {
						for _, e := range g.OutEdges(from) {
							if e.To == r.arn {
								found = true
							}
						}
					}
					if !found {
						diffs = append(diffs, fmt.Sprintf("%s (organization %q) is admitted into %s but no outsider edge leads there", arn, org, r.arn))
					}
				}
			}
		}
	}
	sort.Strings(diffs)
	if len(diffs) > 0 {
		t.Errorf("%d outsiders hidden (of %d checked), first: %s", len(diffs), checked, strings.Join(diffs[:min(len(diffs), 10)], "\n"))
	}
}
