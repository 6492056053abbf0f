package graph

import (
	"fmt"
	"testing"
)

// TestDoorsAgreeWithPaths: every source of Paths has at least one door,
// every door's source is a source, and a source's answers are those of
// its doors combined: the fewest hops, MFA required on every path when
// it is through every door, escalation likewise; every door enters a
// target role. On every test snapshot and fixture, into every account,
// with every edge filter.
func TestDoorsAgreeWithPaths(t *testing.T) {
	snaps := testAndFixtureSnapshots(t)
	doorsSeen := 0
	for name, s := range snaps {
		t.Run(name, func(t *testing.T) {
			g, err := Build(s)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range s.Accounts {
				for _, filter := range []EdgeFilter{EdgesAll, EdgesAssume, EdgesEscalate} {
					res := pathsInto(t, g, a.ID, Options{Edges: filter})
					doors, err := g.Doors(resolve(t, g, a.ID), Options{Edges: filter})
					if err != nil {
						t.Fatal(err)
					}
					doorsSeen += len(doors)
					type agg struct {
						hops     int
						mfa, esc bool
					}
					by := map[string]*agg{}
					for _, d := range doors {
						x := by[d.Source]
						if x == nil {
							x = &agg{hops: d.Hops, mfa: true, esc: true}
							by[d.Source] = x
						}
						x.hops = min(x.hops, d.Hops)
						x.mfa = x.mfa && d.MFARequired
						x.esc = x.esc && d.EscalationRequired
						if !contains(res.Targets, d.Entry) {
							t.Errorf("%s %s: door %s is not a target role", a.ID, filter, d.Entry)
						}
					}
					for _, src := range res.Sources {
						x := by[src.Node.ID]
						if x == nil {
							t.Errorf("%s %s: source %s has no door", a.ID, filter, src.Node.ID)
							continue
						}
						want := fmt.Sprint(agg{src.Hops, src.MFARequired, src.EscalationRequired})
						// --edges escalate keeps the doors that need an
						// escalation; such a source has no other.
						if got := fmt.Sprint(*x); got != want {
							t.Errorf("%s %s: %s: doors give %s, paths %s", a.ID, filter, src.Node.ID, got, want)
						}
						delete(by, src.Node.ID)
					}
					if filter != EdgesEscalate {
						for id := range by {
							t.Errorf("%s %s: %s has a door but is not a source", a.ID, filter, id)
						}
					}
				}
			}
		})
	}
	if doorsSeen == 0 {
		t.Fatal("no door at all")
	}
}

// TestSecondDoor: a source that reaches production through one role has
// a second door when another role admits it, whatever its first door.
func TestSecondDoor(t *testing.T) {
	g := load(t, "mfa")
	doors, err := g.Doors(resolve(t, g, "ou:Prod"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, d := range doors {
		got[d.Source+" -> "+d.Entry+fmt.Sprintf(" mfa=%v", d.MFARequired)] = true
	}
	for _, want := range []string{
		user(idAcct, "frank") + " -> " + role(prodAcct, "admin") + " mfa=true",
		user(idAcct, "gina") + " -> " + role(prodAcct, "readonly") + " mfa=false",
	} {
		if !got[want] {
			t.Errorf("no door %s in %v", want, got)
		}
	}
	if len(got) != 2 {
		t.Errorf("doors %v, want 2", got)
	}
}
