package graph

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/orgaudit/orgaudit/internal/orggen"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

func TestLatentSources(t *testing.T) {
	cases := []struct {
		name, snap, target string
		edges              EdgeFilter
		// sources and latent map every expected source to its hops.
		sources, latent map[string]int
	}{
		{name: "a trust requiring MFA, user with and without a device", snap: "mfa", target: role(prodAcct, "admin"),
			sources: map[string]int{user(idAcct, "frank"): 1}, latent: map[string]int{user(idAcct, "gina"): 1}},
		{name: "a user that reaches the target another way is a source, not latent", snap: "mfa", target: "ou:Prod",
			sources: map[string]int{user(idAcct, "frank"): 1, user(idAcct, "gina"): 1}, latent: map[string]int{}},
		{name: "group grant on a role trusting with MFA; force-MFA policy then a chain", snap: "latent", target: "ou:Prod",
			sources: map[string]int{user(idAcct, "ivy"): 1, user(idAcct, "kim"): 1, role(devAcct, "ops"): 1, user(idAcct, "hugo"): 1},
			latent:  map[string]int{user(idAcct, "jack"): 2}},
		{name: "the role that needs MFA alone, role assumption only", snap: "latent", target: role(prodAcct, "admin"), edges: EdgesAssume,
			sources: map[string]int{user(idAcct, "ivy"): 1}, latent: map[string]int{user(idAcct, "hugo"): 1}},
		{name: "the role that needs MFA alone, escalation included", snap: "latent", target: role(prodAcct, "admin"),
			sources: map[string]int{user(idAcct, "ivy"): 1, role(prodAcct, "deploy"): 1, role(devAcct, "ops"): 2},
			latent:  map[string]int{user(idAcct, "hugo"): 1, user(idAcct, "jack"): 3}},
		{name: "escalate lists no latent source that needs no escalation", snap: "latent", target: "ou:Prod", edges: EdgesEscalate,
			sources: map[string]int{}, latent: map[string]int{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := pathsInto(t, load(t, c.snap), c.target, Options{Edges: c.edges})
			got := func(list []Source) map[string]int {
				out := map[string]int{}
				for _, s := range list {
					out[s.Node.ID] = s.Hops
				}
				return out
			}
			if g, w := fmt.Sprint(got(res.Sources)), fmt.Sprint(c.sources); g != w {
				t.Errorf("sources %s, want %s", g, w)
			}
			if g, w := fmt.Sprint(got(res.Latent)), fmt.Sprint(c.latent); g != w {
				t.Errorf("latent %s, want %s", g, w)
			}
			for _, s := range res.Latent {
				if s.BlockedBy != BlockedNoMFADevice || !s.MFARequired || len(s.PathWithoutMFA) != 0 {
					t.Errorf("%s: blocked_by %q, mfa_required %v, path without MFA %v", s.Node.ID, s.BlockedBy, s.MFARequired, s.PathWithoutMFA)
				}
				if len(s.Path) != s.Hops || s.Path[0].From != s.Node.ID || s.Path[0].BlockedBy != BlockedNoMFADevice || !s.Path[0].MFA {
					t.Errorf("%s: path %+v does not start with the latent hop", s.Node.ID, s.Path)
				}
				for _, h := range s.Path[1:] {
					if h.BlockedBy != "" {
						t.Errorf("%s: hop %s -> %s after the first is marked latent", s.Node.ID, h.From, h.To)
					}
				}
				if !contains(res.Targets, s.Path[len(s.Path)-1].To) || s.Node.MFA != MFANo {
					t.Errorf("%s: path does not end in the target, or the user has a device (%s)", s.Node.ID, s.Node.MFA)
				}
			}
		})
	}
}

// TestLatentMatchesBruteForce: for every IAM user without an MFA device
// of every test snapshot (and of generated organizations), giving it a
// device must turn exactly its latent answers into sources: the same
// hops and path counts, into every account and every role.
func TestLatentMatchesBruteForce(t *testing.T) {
	snaps := map[string]*snapshot.Snapshot{}
	for name, def := range testSnapshots {
		snaps[name] = def().s
	}
	gen := orggen.Generate(orggen.Options{Accounts: 8, RolesPerAccount: 6, Seed: 3})
	snaps["generated"] = gen
	checked, latent := 0, 0
	for name, s := range snaps {
		t.Run(name, func(t *testing.T) {
			g, err := Build(s)
			if err != nil {
				t.Fatal(err)
			}
			var targets []string
			for _, a := range s.Accounts {
				targets = append(targets, a.ID)
			}
			for _, n := range g.Nodes() {
				if n.Kind == KindRole {
					targets = append(targets, n.ID)
				}
			}
			for _, n := range g.Nodes() {
				if n.Kind != KindUser || n.MFA != MFANo {
					continue
				}
				withDevice, err := Build(giveDevice(t, s, n.ID))
				if err != nil {
					t.Fatal(err)
				}
				for _, spec := range targets {
					want := answer(t, withDevice, spec, n.ID, false)
					got := answer(t, g, spec, n.ID, true)
					if now := answer(t, g, spec, n.ID, false); now != "" {
						want = "" // reaches already: not latent
						if got != "" {
							t.Errorf("%s into %s: both a source and latent", n.ID, spec)
						}
					}
					checked++
					if got != "" {
						latent++
					}
					if got != want {
						t.Errorf("%s into %s: latent %q, with a device %q", n.ID, spec, got, want)
					}
				}
			}
		})
	}
	if checked == 0 || latent < 4 {
		t.Fatalf("%d answers checked, %d latent: the test snapshots do not exercise latent paths", checked, latent)
	}
	t.Logf("%d answers checked, %d latent", checked, latent)
}

// answer renders the hops and path count of one source of a query (of
// its latent answer when latent), "" when it is not listed.
func answer(t *testing.T, g *Graph, spec, id string, latent bool) string {
	t.Helper()
	res := pathsInto(t, g, spec, Options{From: id})
	list := res.Sources
	if latent {
		list = res.Latent
	}
	for _, s := range list {
		return fmt.Sprintf("hops %d, paths %d (at least %v), escalation %v", s.Hops, s.Paths, s.PathsAtLeast, s.EscalationRequired)
	}
	return ""
}

// resolve resolves a target without environments.
func resolve(t *testing.T, g *Graph, spec string) Target {
	t.Helper()
	tg, err := g.ResolveTarget(spec, nil)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

// pathsInto answers a paths query into spec.
func pathsInto(t *testing.T, g *Graph, spec string, opts Options) *Result {
	t.Helper()
	res, err := g.Paths(resolve(t, g, spec), opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// giveDevice returns a copy of s in which the user has an MFA device.
func giveDevice(t *testing.T, s *snapshot.Snapshot, arn string) *snapshot.Snapshot {
	t.Helper()
	raw, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var c snapshot.Snapshot
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	for ai := range c.Accounts {
		iam := c.Accounts[ai].IAM
		if iam == nil {
			continue
		}
		for ui := range iam.Users {
			if iam.Users[ui].ARN == arn {
				iam.Users[ui].MFADevices = append(iam.Users[ui].MFADevices, snapshot.MFADevice{SerialNumber: arn + "-mfa", Type: snapshot.MFAVirtual})
			}
		}
		if iam.CredentialReport != nil {
			for ri := range iam.CredentialReport.Rows {
				if iam.CredentialReport.Rows[ri].ARN == arn {
					iam.CredentialReport.Rows[ri].MFAActive = true
				}
			}
		}
	}
	return &c
}

// compareLatentBruteForce evaluates every IAM user without an MFA device
// against every role, as it is and as if it had a device, and compares
// the role assumptions only the device allows with g's latent edges.
func compareLatentBruteForce(t *testing.T, g *Graph, s *snapshot.Snapshot) {
	t.Helper()
	got := map[string]string{}
	for _, e := range g.LatentEdges() {
		got[e.From+" -> "+e.To] = strings.Join(e.Conditions.Strings(), "; ")
	}
	b := newBuilder(s)
	b.prepare()
	want := map[string]string{}
	for _, p := range b.principals {
		if p.kind != KindUser || p.mfa != MFANo || p.variantOf != nil {
			continue
		}
		for _, r := range b.roles {
			if r == p || r.trust == nil || r.serviceLinked {
				continue
			}
			if ci := b.latentCondition(p, r); ci >= 0 {
				want[p.arn+" -> "+r.arn] = strings.Join(b.conds[ci].Strings(), "; ")
			}
		}
	}
	diffEdges(t, got, want)
}
