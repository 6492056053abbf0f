package repo

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// startupCost are packages that do costly or unsafe work when a binary
// starts, whatever the command: WebAssembly runtimes compile their
// modules in a package init (github.com/goccy/go-graphviz compiled
// Graphviz on every start and cached machine code in $TMPDIR, readable
// and replaceable by other users of the machine). orgaudit lays out its
// graphs in Go instead (internal/output/html_graph.go).
var startupCost = []string{
	"github.com/tetratelabs/wazero",
	"github.com/goccy/go-graphviz",
}

// TestNoStartupCost: the orgaudit binary links none of startupCost, so a
// command that draws no graph pays nothing for drawing one. A package
// added here by mistake must compile lazily, cache nowhere shared, and be
// measured (docs/benchmarks.md) before this list changes.
func TestNoStartupCost(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", root+"/cmd/orgaudit").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	pkgs := strings.Fields(string(out))
	if !slices.Contains(pkgs, "github.com/orgaudit/orgaudit/internal/output") {
		t.Fatalf("go list -deps did not list the binary's packages:\n%s", out)
	}
	for _, pkg := range pkgs {
		for _, bad := range startupCost {
			if pkg == bad || strings.HasPrefix(pkg, bad+"/") {
				t.Errorf("the orgaudit binary links %s: it costs every command at start-up", pkg)
			}
		}
	}
}
