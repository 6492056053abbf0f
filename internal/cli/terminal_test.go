package cli

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/olekukonko/tablewriter/pkg/twwidth"
)

// pretendTerminal makes stdout look like a terminal of the given width.
func pretendTerminal(t *testing.T, width int) {
	t.Helper()
	prev := terminalWidth
	terminalWidth = func(io.Writer) int { return width }
	t.Cleanup(func() { terminalWidth = prev })
}

// TestTablesFitTheTerminal renders every table of every command on an
// 80-column terminal: no line is wider, nothing is lost (golden files),
// and the check table does not repeat the account in the message.
func TestTablesFitTheTerminal(t *testing.T) {
	chdirRoot(t)
	pretendTerminal(t, 80)
	cases := []struct {
		golden string
		args   []string
	}{
		{"terminal/check-startup-dev-prod.txt", []string{"check", "--snapshot", "fixtures/startup-dev-prod.json", "--config", "fixtures/startup-dev-prod.orgaudit.yaml"}},
		{"terminal/check-identity-account-ous.txt", []string{"check", "--snapshot", "fixtures/identity-account-ous.json", "--config", "fixtures/identity-account-ous.orgaudit.yaml"}},
		{"terminal/check-consultancy-clients.txt", []string{"check", "--snapshot", "fixtures/consultancy-clients.json", "--config", "fixtures/consultancy-clients.orgaudit.yaml"}},
		{"terminal/paths-identity-account-ous.txt", []string{"paths", "--snapshot", "fixtures/identity-account-ous.json", "--to", "ou:Prod"}},
		{"terminal/rules-list.txt", []string{"rules", "list"}},
		{"terminal/rules-list-cis-v3.0.0.txt", []string{"rules", "list", "--framework", "cis-v3.0.0"}},
	}
	for _, c := range cases {
		t.Run(c.golden, func(t *testing.T) {
			fitsTerminal(t, c.golden, 80, c.args...)
		})
	}
}

func TestDiffFitsTheTerminal(t *testing.T) {
	writeDiffPair(t)
	pretendTerminal(t, 80)
	fitsTerminal(t, "terminal/diff.txt", 80, "diff", "old.json", "new.json")
}

// fitsTerminal runs a command whose table must fit width columns and
// compares its output with a golden file.
func fitsTerminal(t *testing.T, name string, width int, args ...string) {
	t.Helper()
	r := run(t, append([]string{"--no-color"}, args...)...)
	if r.code > ExitFindings && r.code != ExitIncomplete {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for i, line := range strings.Split(r.stdout, "\n") {
		if strings.HasPrefix(line, "+") || strings.HasPrefix(line, "|") {
			if w := twwidth.Width(line); w > width {
				t.Errorf("line %d is %d columns wide: %q", i+1, w, line)
			}
		}
	}
	golden(t, name, r.stdout)
}

func TestColorsOnTerminalsOnly(t *testing.T) {
	chdirRoot(t)
	pretendTerminal(t, 120)
	args := []string{"check", "-s", "fixtures/startup-dev-prod.json"}
	if r := run(t, args...); !strings.Contains(r.stdout, "\x1b[1;31mCRITICAL\x1b[0m") {
		t.Error("no severity colors on a terminal")
	}
	if r := run(t, append([]string{"--no-color"}, args...)...); strings.Contains(r.stdout, "\x1b[") {
		t.Error("colors despite --no-color")
	}
	out := filepath.Join(t.TempDir(), "r.txt")
	run(t, append(args, "--report", "table="+out)...)
	if b, _ := os.ReadFile(out); strings.Contains(string(b), "\x1b[") || len(b) == 0 {
		t.Error("a report file must have no colors, and the full width")
	}
}
