package output

import (
	"bytes"
	"fmt"
	"maps"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/orgaudit/orgaudit/internal/graph"
	"github.com/orgaudit/orgaudit/internal/orggen"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// TestLayout checks the drawings layout makes: the same every time, every
// box inside its account's frame, no two boxes or frames overlapping,
// everything inside the drawing, and every arrow from its box's right side
// to the next box's left side, left to right unless it closes a cycle;
// arrows between the same boxes apart.
func TestLayout(t *testing.T) {
	node := func(name string, cluster int) drawNode {
		return drawNode{Lines: [2]string{name, "iam-role"}, Cluster: cluster, ID: name}
	}
	tests := []struct {
		name string
		in   drawInput
		back map[int]bool // edges that close a cycle
	}{
		{name: "chain across accounts", in: drawInput{
			Clusters: []string{"identity (111111111111)", "development (222222222222)", "production (333333333333)"},
			Nodes:    []drawNode{node("user/alice", 0), node("role/hop", 1), node("role/admin", 2), node("*", -1), node("role/other", 1)},
			Edges:    []drawEdge{{From: 0, To: 1}, {From: 1, To: 2, Incomplete: true}, {From: 3, To: 1}, {From: 4, To: 2, MFA: true}, {From: 0, To: 4, MFA: true, Latent: true}},
		}},
		{name: "cycle", in: drawInput{
			Clusters: []string{"a"},
			Nodes:    []drawNode{node("role/a", 0), node("role/b", 0), node("role/c", -1)},
			Edges:    []drawEdge{{From: 0, To: 1}, {From: 1, To: 0}, {From: 1, To: 2}},
		}, back: map[int]bool{1: true}},
		{name: "two kinds between the same boxes", in: drawInput{
			Nodes: []drawNode{node("user/a", -1), node("role/b", -1)},
			Edges: []drawEdge{{From: 0, To: 1}, {From: 0, To: 1, Escalation: true}},
		}},
		{name: "many into one", in: func() drawInput {
			in := drawInput{Clusters: []string{"sources", "target"}, Nodes: []drawNode{node("role/target", 1)}}
			for i := range 12 {
				in.Nodes = append(in.Nodes, node(fmt.Sprintf("user/u%02d", i), i%2-1))
				in.Edges = append(in.Edges, drawEdge{From: i + 1, To: 0})
			}
			return in
		}()},
	}
	type rect struct{ x0, y0, x1, y1 float64 }
	overlap := func(a, b rect) bool { return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1 }
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := layout(&tt.in)
			if err != nil {
				t.Fatal(err)
			}
			again, _ := layout(&tt.in)
			if !reflect.DeepEqual(g, again) {
				t.Fatal("two layouts of the same graph differ")
			}
			boxes := make([]rect, len(g.Nodes))
			for i, n := range g.Nodes {
				boxes[i] = rect{float64(n.X), float64(n.Y), float64(n.X + n.W), float64(n.Y + n.H)}
				if boxes[i].x0 < 0 || boxes[i].y0 < 0 || boxes[i].x1 > float64(g.Width) || boxes[i].y1 > float64(g.Height) {
					t.Errorf("node %d %+v outside the drawing (%dx%d)", i, boxes[i], g.Width, g.Height)
				}
				for j := range i {
					if overlap(boxes[i], boxes[j]) {
						t.Errorf("nodes %d and %d overlap", i, j)
					}
				}
			}
			frames := map[string]rect{}
			for _, c := range g.Clusters {
				f := rect{float64(c.X), float64(c.Y), float64(c.X + c.W), float64(c.Y + c.H)}
				for label, o := range frames {
					if overlap(f, o) {
						t.Errorf("frames %s and %s overlap", c.Label, label)
					}
				}
				frames[c.Label] = f
			}
			if len(frames) != len(tt.in.Clusters) {
				t.Errorf("%d frames drawn, want %d", len(frames), len(tt.in.Clusters))
			}
			for i, n := range tt.in.Nodes {
				if n.Cluster < 0 {
					continue
				}
				f, b := frames[tt.in.Clusters[n.Cluster]], boxes[i]
				if b.x0 < f.x0 || b.y0 < f.y0 || b.x1 > f.x1 || b.y1 > f.y1 {
					t.Errorf("node %d %+v outside its frame %+v", i, b, f)
				}
			}
			starts := map[string]bool{}
			for _, e := range g.Edges {
				in := tt.in.Edges[e.I]
				from, to := boxes[in.From], boxes[in.To]
				pts := strings.FieldsFunc(e.D, func(r rune) bool { return r == ' ' || r == 'M' || r == 'C' })
				var x0, y0, x1, y1 float64
				if _, err := fmt.Sscanf(pts[0]+" "+pts[len(pts)-1], "%g,%g %g,%g", &x0, &y0, &x1, &y1); err != nil {
					t.Fatalf("arrow %d: path %q: %v", e.I, e.D, err)
				}
				if math.Abs(x0-from.x1) > 0.1 || math.Abs(x1-to.x0) > 0.1 || y0 < from.y0 || y0 > from.y1 || y1 < to.y0 || y1 > to.y1 {
					t.Errorf("arrow %d (%q) does not join the right side of %+v to the left side of %+v", e.I, e.D, from, to)
				}
				if !tt.back[e.I] && from.x1 >= to.x0 {
					t.Errorf("arrow %d goes right to left: %+v -> %+v", e.I, from, to)
				}
				if starts[pts[0]] && in.From == tt.in.Edges[0].From && in.To == tt.in.Edges[0].To {
					t.Errorf("arrows between the same boxes start at the same point %s", pts[0])
				}
				starts[pts[0]] = true
				// An incomplete arrow carries its mark on the curve, between
				// its ends; a latent one has its own class and arrowhead.
				if (e.Mark != nil) != in.Incomplete || in.Incomplete != strings.Contains(e.Class, "incomplete") {
					t.Errorf("arrow %d: incomplete %v, mark %v, class %q", e.I, in.Incomplete, e.Mark, e.Class)
				}
				if m := e.Mark; m != nil && (float64(m.X) <= x0 || float64(m.X) >= x1 || float64(m.Y) < min(y0, y1) || float64(m.Y) > max(y0, y1)) {
					t.Errorf("arrow %d: mark %+v not between its ends %g,%g and %g,%g", e.I, *m, x0, y0, x1, y1)
				}
				if in.Latent != strings.Contains(e.Class, "latent") || in.Latent != (e.Marker == "latent") {
					t.Errorf("arrow %d: latent %v, class %q, arrowhead %s", e.I, in.Latent, e.Class, e.Marker)
				}
			}
		})
	}
	if _, err := layout(&drawInput{Nodes: []drawNode{node("a", -1)}, Edges: []drawEdge{{From: 0, To: 3}}}); err == nil {
		t.Error("an arrow to a node that does not exist was laid out")
	}
}

// pathsReport answers --to ou:Prod over a generated organization.
func pathsReport(t testing.TB, accounts int) *graph.Report {
	t.Helper()
	return prodReport(t, orggen.Generate(orggen.Options{Accounts: accounts, RolesPerAccount: 4}), "generated.json")
}

// prodReport answers --to ou:Prod over a snapshot.
func prodReport(t testing.TB, s *snapshot.Snapshot, path string) *graph.Report {
	t.Helper()
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
	return &graph.Report{Graph: g, Result: res, Spec: "ou:Prod", SnapshotPath: path}
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
	return prodReport(t, snap.Snapshot, "escalate.json")
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

// identityReport answers --to ou:Prod over the identity-account-ous
// fixture, where user/sam is latent (no MFA device; its group grants a
// role whose trust needs MFA). With incomplete, the permission set
// AdministratorAccess was read in part, so the hops through its
// provisioned role rest on incomplete data.
func identityReport(t *testing.T, incomplete bool) *graph.Report {
	t.Helper()
	snap, err := snapshot.LoadFile("../../fixtures/identity-account-ous.json")
	if err != nil {
		t.Fatal(err)
	}
	if incomplete {
		snap.Snapshot.Identity.PermissionSets[0].Incomplete = []string{"sso:ListManagedPoliciesInPermissionSet"}
	}
	return prodReport(t, snap.Snapshot, "identity-account-ous.json")
}

// fact is the value of a side panel fact, "" when the item has none.
func fact(item htmlGraphItem, name string) string {
	for _, f := range item.Facts {
		if f[0] == name {
			return f[1]
		}
	}
	return ""
}

// TestPathsHTMLLatentAndIncomplete: latent sources are drawn (their own
// class, their blocked first hop with its own class and arrowhead, what
// blocks it in the side panel) and listed in a table of their own; hops on
// incomplete data carry a mark and say so in the side panel, the tables
// and a note.
func TestPathsHTMLLatentAndIncomplete(t *testing.T) {
	rep := identityReport(t, true)
	res := rep.Result
	if len(res.Latent) == 0 || res.Incomplete() == 0 {
		t.Fatalf("the fixture changed: %d latent sources, %d incomplete hops", len(res.Latent), res.Incomplete())
	}
	p := newPathsPage(rep)
	edges := p.drawnEdges()
	in, index, _, data := p.drawingInput()
	if len(index) == 0 {
		t.Fatal("the graph was collapsed; it is small enough to draw node by node")
	}
	for _, list := range [][]graph.Source{res.Sources, res.Latent} {
		for _, s := range list {
			i, ok := index[s.Node.ID]
			if !ok {
				t.Errorf("%s is not drawn", s.Node.ID)
				continue
			}
			latent := s.BlockedBy != ""
			if strings.Contains(in.Nodes[i].Class, "latent") != latent || strings.Contains(in.Nodes[i].Lines[1], "latent") != latent {
				t.Errorf("%s (blocked by %q) drawn with class %q, %q", s.Node.ID, s.BlockedBy, in.Nodes[i].Class, in.Nodes[i].Lines[1])
			}
			if got := fact(data.Nodes[i], "Blocked by"); latent != strings.HasPrefix(got, graph.BlockedNoMFADevice+": ") {
				t.Errorf("%s: side panel says blocked by %q", s.Node.ID, got)
			}
		}
	}
	blocked := map[[3]string]bool{}
	for _, s := range res.Latent {
		h := s.Path[0]
		blocked[[3]string{h.From, h.To, string(h.Kind)}] = true
	}
	latentHops, incompleteHops := 0, 0
	for i, h := range edges {
		e, item := in.Edges[i], data.Edges[i]
		latent := blocked[[3]string{h.From, h.To, string(h.Kind)}]
		if e.Latent != latent || (h.BlockedBy != "") != latent || (fact(item, "Blocked by") != "") != latent || strings.Contains(e.Title, "blocked: no MFA device") != latent {
			t.Errorf("%s -> %s: drawn latent %v, blocked by %q, side panel %q, hover %q; want latent %v", h.From, h.To, e.Latent, h.BlockedBy, fact(item, "Blocked by"), e.Title, latent)
		}
		if e.Incomplete != h.Incomplete || (fact(item, "Incomplete data") != "") != h.Incomplete || strings.Contains(e.Title, "incomplete data") != h.Incomplete {
			t.Errorf("%s -> %s: incomplete %v drawn as %v, side panel %q, hover %q", h.From, h.To, h.Incomplete, e.Incomplete, fact(item, "Incomplete data"), e.Title)
		}
		if latent {
			latentHops++
		}
		if h.Incomplete {
			incompleteHops++
		}
	}
	if latentHops != len(blocked) || incompleteHops == 0 {
		t.Fatalf("%d latent first hops drawn, want %d; %d incomplete hops drawn", latentHops, len(blocked), incompleteHops)
	}

	var buf bytes.Buffer
	if err := Paths.Write(&buf, "html", rep, Options{}); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	counts := []struct {
		what, pattern string
		want          int
	}{
		{"latent arrows", `<g class="edge [^"]*\blatent\b[^"]*" data-e=`, latentHops},
		{"latent arrowheads", `marker-end="url\(#arrow-latent\)"`, latentHops},
		{"latent boxes", `<g class="node latent" data-n=`, len(res.Latent)},
		{"incomplete arrows", `<g class="edge [^"]*\bincomplete" data-e=`, incompleteHops},
		{"incomplete marks", `<g class="inc-mark"><circle `, incompleteHops},
		{"latent rows", `<td><code class="blocked-by">no-mfa-device</code>`, len(res.Latent)},
		{"latent section", `<section id="latent">`, 1},
		{"incomplete note", fmt.Sprintf(`Incomplete: %d hops rest on data the snapshot could not read in full`, incompleteHops), 1},
		{"blocked hops in the tables", `<span class="blocked">\(blocked: no MFA device\)</span>`, len(res.Latent)},
		{"verdict", `; 1 more once it registers an MFA device\.</p>`, 1},
	}
	tags := 0
	for _, list := range [][]graph.Source{res.Sources, res.Latent} {
		for _, s := range list {
			paths := [][]graph.Hop{s.Path}
			if !s.MFARequired && !slices.EqualFunc(s.Path, s.PathWithoutMFA, sameHop) {
				paths = append(paths, s.PathWithoutMFA)
			}
			for _, path := range paths {
				for _, h := range path {
					if h.Incomplete {
						tags++
					}
				}
			}
		}
	}
	counts = append(counts, struct {
		what, pattern string
		want          int
	}{"incomplete hops in the tables", `<span class="kindtag tag-inc"[^>]*>incomplete data</span>`, tags})
	for _, c := range counts {
		if n := len(regexp.MustCompile(c.pattern).FindAllStringIndex(page, -1)); n != c.want {
			t.Errorf("%s: %d on the page, want %d", c.what, n, c.want)
		}
	}

	// Read in full, nothing is marked.
	buf.Reset()
	if err := Paths.Write(&buf, "html", identityReport(t, false), Options{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), `class="inc-mark"`) || strings.Contains(buf.String(), "Incomplete: ") || strings.Contains(buf.String(), ">incomplete data</span>") {
		t.Error("a snapshot read in full has incomplete marks")
	}
}

// TestPathsHTMLGroupedLatent: collapsed to a box per account, the blocked
// first hops of latent sources are arrows of their own, an arrow that
// stands for a hop on incomplete data carries the mark, and a box counts
// its latent principals.
func TestPathsHTMLGroupedLatent(t *testing.T) {
	rep := identityReport(t, true)
	p := newPathsPage(rep)
	edges := p.drawnEdges()
	ids := map[string]bool{}
	for _, h := range edges {
		ids[h.From], ids[h.To] = true, true
	}
	in, _, data := p.groupedDrawing(slices.Sorted(maps.Keys(ids)), edges)
	type arrow struct {
		from, to           string
		latent, incomplete bool
	}
	want := map[arrow]bool{}
	for _, h := range edges {
		from, to := p.groupLabel(groupOf(rep.Node(h.From))), p.groupLabel(groupOf(rep.Node(h.To)))
		if from == to || h.Kind.Escalation() {
			continue
		}
		k := arrow{from, to, h.BlockedBy != "", false}
		want[k] = want[k] || h.Incomplete
	}
	got := map[arrow]bool{}
	for _, e := range in.Edges {
		if !e.Escalation {
			got[arrow{in.Nodes[e.From].Lines[0], in.Nodes[e.To].Lines[0], e.Latent, false}] = e.Incomplete
		}
	}
	if !maps.Equal(got, want) {
		t.Errorf("arrows between boxes (key: latent; value: incomplete mark):\n got %v\nwant %v", got, want)
	}
	latent := map[string]int{}
	for _, s := range rep.Result.Latent {
		latent[p.groupLabel(groupOf(&s.Node))]++
	}
	for i, n := range data.Nodes {
		if w := strconv.Itoa(latent[n.Title]); fact(n, "Latent principals (once they register an MFA device)") != w || (latent[n.Title] > 0) != strings.Contains(in.Nodes[i].Lines[1], w+" latent") {
			t.Errorf("box %s: latent %q, line %q; want %s", n.Title, fact(n, "Latent principals (once they register an MFA device)"), in.Nodes[i].Lines[1], w)
		}
	}
}

// BenchmarkLayout lays out the node-by-node drawing of the paths into
// ou:Prod of generated organizations, past the limits where pages draw
// one box per account (docs/benchmarks.md):
//
//	go test ./internal/output -run '^$' -bench Layout
func BenchmarkLayout(b *testing.B) {
	for _, accounts := range []int{60, 200, 1000} {
		rep := pathsReport(b, accounts)
		p := newPathsPage(rep)
		ids := map[string]bool{}
		edges := p.drawnEdges()
		for _, h := range edges {
			ids[h.From], ids[h.To] = true, true
		}
		in, _, _ := p.fullDrawing(slices.Sorted(maps.Keys(ids)), edges)
		b.Run(fmt.Sprintf("accounts=%d/nodes=%d/clusters=%d", accounts, len(in.Nodes), len(in.Clusters)), func(b *testing.B) {
			for b.Loop() {
				if _, err := layout(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
