package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/orgaudit/orgaudit/internal/output"
)

// An example is one orgaudit command line from a help text or a document.
type example struct {
	where string // "orgaudit check --help", "README.md"
	line  string // the orgaudit command, continuation lines joined
}

// notRun are examples that cannot run here, with the reason. Every other
// example is executed.
var notRun = map[string]string{}

// needsAWS are the commands that call AWS: their examples are checked
// (command and flags exist) but not run.
var needsAWS = map[string]bool{"collect": true, "scan": true}

// orgauditCommand extracts the orgaudit invocation of a shell line: from
// "orgaudit" (or bin/orgaudit) to the first pipe, redirection or
// substitution end, with the file fed to standard input, if any.
func orgauditCommand(line string) (args []string, stdin string, ok bool) {
	i := strings.Index(line, "orgaudit ")
	if i < 0 || (i > 0 && !strings.ContainsAny(line[i-1:i], " (/")) {
		return nil, "", false
	}
	words := shellWords(line[i:])
	for j := 1; j < len(words); j++ {
		switch words[j] {
		case "<":
			if j+1 < len(words) {
				stdin = words[j+1]
			}
			return words[1:j], stdin, true
		case "|", ">", ">>", ")", "&&", "||", ";", "2>&1":
			return words[1:j], stdin, true
		}
	}
	return words[1:], stdin, true
}

// shellWords splits a command line on blanks, honouring quotes.
func shellWords(s string) []string {
	var out []string
	var cur strings.Builder
	inWord := false
	quote := rune(0)
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '"' || r == '\'':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		case r == ')':
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
			out = append(out, ")")
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		out = append(out, cur.String())
	}
	return out
}

// helpExamples are the examples of every visible command's help.
func helpExamples(root *cobra.Command) []example {
	var out []example
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden {
			return
		}
		for _, line := range joinContinuations(c.Example) {
			if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "#") {
				out = append(out, example{where: c.CommandPath() + " --help", line: t})
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	return out
}

func joinContinuations(s string) []string {
	s = regexp.MustCompile(`\\\n\s*`).ReplaceAllString(s, "")
	return strings.Split(s, "\n")
}

var fence = regexp.MustCompile("(?s)```[a-z]*\n(.*?)```")

// docExamples are the orgaudit commands of the fenced code blocks of
// README.md and docs/*.md that read a bundled fixture.
func docExamples(t *testing.T) []example {
	files, _ := filepath.Glob("docs/*.md")
	files = append([]string{"README.md"}, files...)
	var out []example
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range fence.FindAllStringSubmatch(string(raw), -1) {
			for _, line := range joinContinuations(m[1]) {
				line = strings.TrimSpace(line)
				if strings.Contains(line, "fixtures/") && (strings.HasPrefix(line, "orgaudit ") || strings.HasPrefix(line, "bin/orgaudit ")) {
					out = append(out, example{where: f, line: line})
				}
			}
		}
	}
	return out
}

// exampleDir prepares a directory where the examples run: the bundled
// fixtures, ./policies (a directory of rules), request.json (a simulate
// request), requests.jsonl (a batch of them), yesterday.json/today.json and old.json/new.json (snapshots of
// one organization a day apart) and docs/.
func exampleDir(t *testing.T, root string) string {
	t.Helper()
	dir := t.TempDir()
	link := func(target, name string) {
		if err := os.Symlink(filepath.Join(root, target), filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	link("fixtures", "fixtures")
	link("internal/cli/testdata/userrules", "policies")
	link("internal/policy/testdata/cases/single-identity-only.json", "request.json")
	link("internal/cli/testdata/simulate/requests.jsonl", "requests.jsonl")
	makeDiffPair(t, filepath.Join(root, "fixtures"), dir, "yesterday.json", "today.json")
	makeDiffPair(t, filepath.Join(root, "fixtures"), dir, "old.json", "new.json")
	if err := os.Mkdir(filepath.Join(dir, "docs"), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestExamplesRun executes every example of every command's help, and
// every command of README.md and docs/ that reads a bundled fixture, in a
// directory holding the files they name. Commands that call AWS are only
// resolved (command and flags). A run must not fail with a usage or
// input error.
func TestExamplesRun(t *testing.T) {
	chdirRoot(t)
	root, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	cmdRoot := NewRootCmd(&App{Out: &bytes.Buffer{}, Err: &bytes.Buffer{}})
	docs := docExamples(t)
	examples := append(helpExamples(cmdRoot), docs...)
	if len(examples) < 30 || len(docs) < 8 {
		t.Fatalf("only %d examples found, %d of them in README.md and docs/", len(examples), len(docs))
	}
	dir := exampleDir(t, root)
	t.Chdir(dir)
	// Examples that read the user's own AWS CLI files (profiles check
	// without --config) read the bundled good profiles instead.
	t.Setenv("AWS_CONFIG_FILE", filepath.Join("fixtures", "profiles", "good", "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join("fixtures", "profiles", "good", "credentials"))
	ran := 0
	for _, ex := range examples {
		args, stdin, ok := orgauditCommand(ex.line)
		if !ok {
			continue
		}
		if reason, skip := notRun[strings.Join(append([]string{"orgaudit"}, args...), " ")]; skip {
			t.Logf("%s: not run (%s): %s", ex.where, reason, ex.line)
			continue
		}
		if len(args) > 0 && needsAWS[args[0]] {
			for _, p := range invocationProblems(cmdRoot, strings.Join(args, " ")) {
				t.Errorf("%s: %s", ex.where, p)
			}
			continue
		}
		var in []byte
		if stdin != "" {
			if in, err = os.ReadFile(stdin); err != nil {
				t.Fatalf("%s: %s: %v", ex.where, ex.line, err)
			}
		}
		var out, errOut bytes.Buffer
		code := Execute(context.Background(), args, bytes.NewReader(in), &out, &errOut)
		ran++
		if code != ExitOK && code != ExitFindings && code != ExitIncomplete || out.Len() == 0 && len(args) > 0 && args[0] != "rules" && !strings.Contains(ex.line, "--output") && !strings.Contains(ex.line, "-o ") && !strings.Contains(ex.line, "--report") {
			t.Errorf("%s: %s\nexit %d, stdout %d bytes, stderr %q", ex.where, ex.line, code, out.Len(), errOut.String())
		}
	}
	t.Logf("%d examples run", ran)
}

func TestOrgauditCommand(t *testing.T) {
	tests := []struct {
		line, want, stdin string
	}{
		{"orgaudit check --snapshot a.json --format sarif", "check --snapshot a.json --format sarif", ""},
		{"bin/orgaudit check --snapshot fixtures/x.json", "check --snapshot fixtures/x.json", ""},
		{`orgaudit diff a b --format markdown >> "$GITHUB_STEP_SUMMARY"`, "diff a b --format markdown", ""},
		{"orgaudit paths -s s --format dot | dot -Tsvg > paths.svg", "paths -s s --format dot", ""},
		{"source <(orgaudit completion bash)", "completion bash", ""},
		{"orgaudit simulate --input - --format json < request.json", "simulate --input - --format json", "request.json"},
		{`orgaudit check --rules "my rules"`, "check --rules my rules", ""},
	}
	for _, tt := range tests {
		args, stdin, ok := orgauditCommand(tt.line)
		if !ok || strings.Join(args, " ") != tt.want || stdin != tt.stdin {
			t.Errorf("%q: %q %q %v", tt.line, args, stdin, ok)
		}
	}
	if _, _, ok := orgauditCommand("go install github.com/orgaudit/orgaudit/cmd/orgaudit@latest"); ok {
		t.Error("go install is no orgaudit command")
	}
}

// TestHelpListsFormats: the long help of every command with --format lists
// every format of its kind, from the registry.
func TestHelpListsFormats(t *testing.T) {
	root := NewRootCmd(&App{Out: &bytes.Buffer{}, Err: &bytes.Buffer{}})
	kinds := map[string]output.Spec{
		"orgaudit check": output.Check, "orgaudit scan": output.Check, "orgaudit paths": output.Paths, "orgaudit handover": output.Handover,
		"orgaudit diff": output.Drift, "orgaudit rules list": output.Rules, "orgaudit version": output.Version,
		"orgaudit profiles check": output.Check, "orgaudit plan": output.Plan, "orgaudit simulate": output.Simulate,
	}
	var walk func(c *cobra.Command)
	seen := 0
	walk = func(c *cobra.Command) {
		if f := c.Flags().Lookup("format"); f != nil {
			spec, ok := kinds[c.CommandPath()]
			if !ok {
				t.Errorf("%s has --format but no output kind in this test", c.CommandPath())
				return
			}
			seen++
			if !strings.Contains(c.Long, spec.Describe()) {
				t.Errorf("%s --help does not list its formats from the registry:\n%s", c.CommandPath(), c.Long)
			}
			for _, name := range spec.Formats() {
				if !strings.Contains(f.Usage, name) {
					t.Errorf("%s --format usage misses %s", c.CommandPath(), name)
				}
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	if seen != len(kinds) {
		t.Errorf("%d commands with --format checked, want %d", seen, len(kinds))
	}
}
