package output

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/orgaudit/orgaudit/internal/graph"
	"github.com/orgaudit/orgaudit/internal/orggen"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

func TestSplinePath(t *testing.T) {
	flip := func(y float64) num { return num(100 - y) }
	tests := []struct{ pos, want string }{
		{"e,50,10 0,0 10,0 20,0 30,0", "M0,100 C10,100 20,100 30,100 L50,90"},
		{"s,1,1 e,9,9 0,0 1,1 2,2 3,3 4,4 5,5 6,6", "M0,100 C1,99 2,98 3,97 C4,96 5,95 6,94 L9,91"},
		{"0.04,1.26 2.5,3", "M0,98.7 L2.5,97"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := splinePath(tt.pos, flip); got != tt.want {
			t.Errorf("splinePath(%q) = %q, want %q", tt.pos, got, tt.want)
		}
	}
}

// pathsReport answers --to ou:Prod over a generated organization.
func pathsReport(t *testing.T, accounts int) *graph.Report {
	t.Helper()
	s := orggen.Generate(orggen.Options{Accounts: accounts, RolesPerAccount: 4})
	g, err := graph.Build(s)
	if err != nil {
		t.Fatal(err)
	}
	target, err := g.ResolveTarget("ou:Prod", nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := g.Paths(target, graph.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return &graph.Report{Graph: g, Result: res, Spec: "ou:Prod", SnapshotPath: "generated.json"}
}

// TestPathsHTMLDrawing: a small graph is drawn node by node, one box per
// drawn node and an arrow per hop, every source among the nodes; a large
// one collapses to a box per account and says so. Both lay out the same
// way twice.
func TestPathsHTMLDrawing(t *testing.T) {
	nodeIDs := regexp.MustCompile(`<g class="node[^"]*" data-n="\d+" data-id="([^"]+)"`)
	for _, tt := range []struct {
		name      string
		accounts  int
		collapsed bool
	}{
		{"small", 10, false},
		{"large", 60, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rep := pathsReport(t, tt.accounts)
			var first, second bytes.Buffer
			if err := Paths.Write(&first, "html", rep, Options{}); err != nil {
				t.Fatal(err)
			}
			if err := Paths.Write(&second, "html", rep, Options{}); err != nil {
				t.Fatal(err)
			}
			if first.String() != second.String() {
				t.Fatal("two renderings differ")
			}
			page := first.String()
			if len(rep.Result.Sources) == 0 {
				t.Fatal("nobody reaches ou:Prod in the generated organization")
			}
			collapsed := strings.Contains(page, "too many to draw one by one")
			if collapsed != tt.collapsed {
				t.Fatalf("collapsed %v, want %v", collapsed, tt.collapsed)
			}
			drawn := map[string]bool{}
			for _, m := range nodeIDs.FindAllStringSubmatch(page, -1) {
				drawn[m[1]] = true
			}
			if tt.collapsed {
				if len(drawn) != 0 || !strings.Contains(page, `class="node group`) {
					t.Errorf("collapsed graph has %d principal nodes, or no account box", len(drawn))
				}
				return
			}
			if len(drawn) == 0 {
				t.Fatal("no node drawn")
			}
			for _, s := range rep.Result.Sources {
				if !drawn[s.Node.ID] {
					t.Errorf("source %s is not drawn", s.Node.ID)
				}
			}
			edges := newPathsPage(rep).drawnEdges()
			if n := strings.Count(page, `<g class="edge `); n != len(edges) {
				t.Errorf("%d arrows drawn, want one per hop", n)
			}
			esc := 0
			for _, h := range edges {
				if h.Kind.Escalation() {
					esc++
				}
			}
			if esc == 0 {
				t.Fatal("the generated organization has no escalation hop on the drawn paths")
			}
			if n := escArrows.FindAllStringIndex(page, -1); len(n) != esc {
				t.Errorf("%d escalation arrows drawn, want %d (one per escalation hop)", len(n), esc)
			}
		})
	}
}

// escArrows matches an arrow drawn as a privilege escalation.
var escArrows = regexp.MustCompile(`<g class="edge (mfa|nomfa) esc" data-e="\d+">`)

// escalateReport answers --to ou:Prod over the graph package's escalation
// snapshot: a hop of every escalation method, both kinds of states reached
// by escalation (account administrator, user added to a group).
func escalateReport(t *testing.T) *graph.Report {
	t.Helper()
	snap, err := snapshot.LoadFile("../graph/testdata/escalate.json")
	if err != nil {
		t.Fatal(err)
	}
	g, err := graph.Build(snap.Snapshot)
	if err != nil {
		t.Fatal(err)
	}
	target, err := g.ResolveTarget("ou:Prod", nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := g.Paths(target, graph.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return &graph.Report{Graph: g, Result: res, Spec: "ou:Prod", SnapshotPath: "escalate.json"}
}

// TestPathsHTMLEscalation: escalation hops are drawn apart (their class
// and arrowhead), say their kind on hover and their evidence in the side
// panel's data, and the states reached by escalation are named for people.
func TestPathsHTMLEscalation(t *testing.T) {
	rep := escalateReport(t)
	p := newPathsPage(rep)
	edges := p.drawnEdges()
	in, index, _, data := p.drawingInput()
	if len(index) == 0 {
		t.Fatal("the escalation graph was collapsed; it is small enough to draw node by node")
	}
	kinds := map[graph.NodeKind]bool{}
	for i, h := range edges {
		e, item := in.Edges[i], data.Edges[i]
		if e.Escalation != h.Kind.Escalation() {
			t.Errorf("%s -> %s (%s): drawn as escalation %v", h.From, h.To, h.Kind, e.Escalation)
		}
		if !strings.HasPrefix(e.Title, h.Kind.Action()) {
			t.Errorf("%s -> %s: hover %q does not start with its kind %s", h.From, h.To, e.Title, h.Kind)
		}
		if !h.Kind.Escalation() {
			continue
		}
		kinds[rep.Node(h.To).Kind] = true
		var evidence []string
		for _, l := range item.Lists {
			if l[0] == "Evidence" {
				evidence = l[1].([]string)
			}
		}
		if len(evidence) == 0 || !strings.HasPrefix(evidence[0], strings.Join(h.Evidence.Actions, " + ")+" on "+h.Evidence.Resource) {
			t.Errorf("%s -> %s (%s): side panel evidence %q", h.From, h.To, h.Kind, evidence)
		}
		if !strings.Contains(e.Title, h.Evidence.Resource) {
			t.Errorf("%s -> %s (%s): hover %q lacks the evidence", h.From, h.To, h.Kind, e.Title)
		}
	}
	if !kinds[graph.KindAccountAdmin] || !kinds[graph.KindUserInGroup] {
		t.Fatalf("escalation hops lead to %v; the snapshot should reach both kinds of states", kinds)
	}
	for id, i := range index {
		n, dn := rep.Node(id), in.Nodes[i]
		if n.Virtual() != strings.Contains(dn.Class, "virtual") {
			t.Errorf("%s: class %q", id, dn.Class)
		}
		switch n.Kind {
		case graph.KindAccountAdmin:
			if dn.Lines[0] != "account administrator" || !strings.HasPrefix(dn.Title, "administrator of development (222222222222)") {
				t.Errorf("administrator node drawn as %q, hover %q", dn.Lines, dn.Title)
			}
		case graph.KindUserInGroup:
			if dn.Lines[0] != "user/joiner in group Admins" || !strings.Contains(dn.Lines[1], "reached by escalation") {
				t.Errorf("user-in-group node drawn as %q", dn.Lines)
			}
		}
	}

	var page bytes.Buffer
	if err := Paths.Write(&page, "html", rep, Options{}); err != nil {
		t.Fatal(err)
	}
	esc := 0
	for _, h := range edges {
		if h.Kind.Escalation() {
			esc++
		}
	}
	if n := len(escArrows.FindAllStringIndex(page.String(), -1)); n != esc {
		t.Errorf("%d escalation arrows on the page, want %d", n, esc)
	}
	if n := strings.Count(page.String(), `marker-end="url(#arrow-esc)"`); n != esc {
		t.Errorf("%d escalation arrowheads, want %d", n, esc)
	}
}

// TestPathsHTMLGroupedEscalation: collapsed to a box per account, hops
// between two boxes are one arrow for role assumption and another for
// privilege escalation, and a box counts the escalations inside it.
func TestPathsHTMLGroupedEscalation(t *testing.T) {
	rep := escalateReport(t)
	p := newPathsPage(rep)
	var ids []string
	for _, n := range rep.Graph.Nodes() {
		ids = append(ids, n.ID)
	}
	edges := p.drawnEdges()
	inside := 0
	var cross graph.Hop
	for _, h := range edges {
		if h.Kind.Escalation() && groupOf(rep.Node(h.From)) == "account:222222222222" && groupOf(rep.Node(h.To)) == "account:222222222222" {
			inside++
		}
		if h.From == "arn:aws:iam::222222222222:role/chain-lambda" && h.To == "arn:aws:iam::333333333333:role/hop-b" {
			cross = h
		}
	}
	if cross.Kind != graph.EdgeAssumeRole || inside == 0 {
		t.Fatalf("the snapshot changed: hop chain-lambda -> hop-b is %q, %d escalations inside development", cross.Kind, inside)
	}
	// The same two boxes joined by an escalation too (a cross-account
	// escalation: rare, and allowed only where the evaluator says so).
	esc := cross
	esc.Kind = graph.EdgeUpdateTrust
	in, _, data := p.groupedDrawing(ids, append(edges, esc))
	var between []drawEdge
	for _, e := range in.Edges {
		if in.Nodes[e.From].Lines[0] == "development (222222222222)" && in.Nodes[e.To].Lines[0] == "staging (333333333333)" {
			between = append(between, e)
		}
	}
	if len(between) != 2 || between[0].Escalation == between[1].Escalation {
		t.Errorf("arrows development -> staging: %+v, want one of role assumption and one of escalation", between)
	}
	want := fmt.Sprintf("%d privilege escalations", inside)
	found := false
	for _, n := range data.Nodes {
		for _, f := range n.Facts {
			found = found || n.Title == "development (222222222222)" && f[0] == "Hops inside" && strings.Contains(f[1], want)
		}
	}
	if !found {
		t.Errorf("the development box does not count its %s", want)
	}
}
