package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"
)

// shellKeys are the keys whose values are shell scripts: GitHub Actions
// steps' run, GitLab CI jobs' script, before_script and after_script.
var shellKeys = map[string]bool{"run": true, "script": true, "before_script": true, "after_script": true}

// scripts returns the shell scripts of a CI YAML document, with line
// continuations joined.
func scripts(n *yaml.Node, inShell bool) []string {
	var out []string
	if n.Kind == yaml.ScalarNode && inShell {
		out = append(out, strings.ReplaceAll(n.Value, "\\\n", " "))
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			out = append(out, scripts(n.Content[i+1], inShell || shellKeys[n.Content[i].Value])...)
		}
		return out
	}
	for _, c := range n.Content {
		out = append(out, scripts(c, inShell)...)
	}
	return out
}

var invocation = regexp.MustCompile(`(?m)^[ \t]*orgaudit[ \t]+(.*)$`)

// invocationProblems resolves `orgaudit ARGS` against the command tree and
// names unknown commands and flags.
func invocationProblems(root *cobra.Command, line string) []string {
	var problems []string
	fields := strings.Fields(line)
	cmd := root
	i := 0
	for ; i < len(fields); i++ {
		sub, _, err := cmd.Find([]string{fields[i]})
		if err != nil || sub == cmd || strings.HasPrefix(fields[i], "-") {
			break
		}
		cmd = sub
	}
	if cmd == root {
		return []string{fmt.Sprintf("%q: no orgaudit subcommand", line)}
	}
	for _, f := range fields[i:] {
		if f == "||" || f == "&&" || f == ">>" || f == ">" || f == "|" || f == ";" {
			break
		}
		if !strings.HasPrefix(f, "-") {
			continue
		}
		name := strings.TrimLeft(f, "-")
		name, _, _ = strings.Cut(name, "=")
		var found bool
		if strings.HasPrefix(f, "--") {
			found = cmd.Flags().Lookup(name) != nil || cmd.InheritedFlags().Lookup(name) != nil
		} else {
			found = cmd.Flags().ShorthandLookup(name) != nil || cmd.InheritedFlags().ShorthandLookup(name) != nil
		}
		if !found {
			problems = append(problems, fmt.Sprintf("%q: orgaudit %s has no flag %s", line, cmd.Name(), f))
		}
	}
	return problems
}

// TestCIExamples parses the CI examples under docs/ci and checks that every
// orgaudit command and flag they use exists, and that each example does
// what docs/ci/README.md promises.
func TestCIExamples(t *testing.T) {
	chdirRoot(t)
	root := NewRootCmd(&App{Out: &bytes.Buffer{}, Err: &bytes.Buffer{}})
	files, err := filepath.Glob("docs/ci/*.yml")
	if err != nil || len(files) < 2 {
		t.Fatalf("CI examples missing: %v %v", files, err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var doc yaml.Node
			if err := yaml.Unmarshal(raw, &doc); err != nil {
				t.Fatalf("not valid YAML: %v", err)
			}
			var n int
			all := strings.Join(scripts(&doc, false), "\n")
			for _, m := range invocation.FindAllStringSubmatch(all, -1) {
				n++
				for _, p := range invocationProblems(root, m[1]) {
					t.Error(p)
				}
			}
			if n == 0 {
				t.Fatal("no orgaudit invocation found")
			}
			var want []string
			switch filepath.Base(file) {
			case "github-actions.yml":
				want = []string{"schedule", "id-token", "aws-actions/configure-aws-credentials", "orgaudit scan", "--baseline", "github/codeql-action/upload-sarif", "--report sarif=orgaudit.sarif", "--report markdown=", "GITHUB_STEP_SUMMARY", "upload-artifact"}
			case "github-plan-pull-request.yml":
				want = []string{"pull_request", "terraform show -json", "orgaudit plan", "--report markdown=", "--report json=", "GITHUB_STEP_SUMMARY", "gh pr comment"}
			case "gitlab-ci.yml":
				want = []string{"id_tokens", "AWS_WEB_IDENTITY_TOKEN_FILE", "orgaudit scan", "--report junit=orgaudit-junit.xml", "junit:", "--report markdown=", "--baseline"}
			}
			for _, w := range want {
				if !strings.Contains(string(raw), w) {
					t.Errorf("%s does not contain %q", file, w)
				}
			}
			if strings.Contains(all, "orgaudit check") {
				t.Errorf("%s runs orgaudit check after scan: write every report in the scan with --report", file)
			}
		})
	}
}

func TestCheckInvocationCatchesTypos(t *testing.T) {
	root := NewRootCmd(&App{Out: &bytes.Buffer{}, Err: &bytes.Buffer{}})
	tests := []struct {
		line string
		bad  bool
	}{
		{"scan --formt sarif", true},
		{"scan -x", true},
		{"frobnicate --now", true},
		{"check --snapshot s.json -f json --quiet", false},
		{"check --snapshot=s.json --format markdown >> \"$GITHUB_STEP_SUMMARY\" || true", false},
		{"diff a.json b.json --fail-on none", false},
	}
	for _, tt := range tests {
		if got := len(invocationProblems(root, tt.line)) > 0; got != tt.bad {
			t.Errorf("%q: problems %v, want %v", tt.line, got, tt.bad)
		}
	}
}
