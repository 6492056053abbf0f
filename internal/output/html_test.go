package output

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/orgaudit/orgaudit/internal/graph"
	"github.com/orgaudit/orgaudit/internal/orggen"
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
			if n := strings.Count(page, `<g class="edge `); n != len(newPathsPage(rep).drawnEdges()) {
				t.Errorf("%d arrows drawn, want one per hop", n)
			}
		})
	}
}
