package pipeline

import (
	"context"
	"io/fs"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/orgaudit/orgaudit/internal/config"
	"github.com/orgaudit/orgaudit/internal/engine"
	"github.com/orgaudit/orgaudit/internal/orggen"
	"github.com/orgaudit/orgaudit/internal/snapshot"
	"github.com/orgaudit/orgaudit/rules"
)

// TestBuiltinGraphEnvironments keeps BuiltinGraphEnvironments true: the
// built-in rules read input.graph.environments only through
// lib.graph.summary, and call it with those names alone.
func TestBuiltinGraphEnvironments(t *testing.T) {
	direct := regexp.MustCompile(`input\.graph\.environments`)
	call := regexp.MustCompile(`\bsummary\(([^)]*)\)`)
	err := fs.WalkDir(rules.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".rego") || strings.HasSuffix(path, "_test.rego") {
			return err
		}
		b, err := fs.ReadFile(rules.FS, path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "#") {
				continue
			}
			if direct.MatchString(line) && !(path == "reach/graph.rego" && strings.Contains(line, "s := input.graph.environments[env]")) {
				t.Errorf("%s:%d reads input.graph.environments outside lib.graph.summary: %s", path, i+1, line)
			}
			for _, m := range call.FindAllStringSubmatch(line, -1) {
				arg := strings.TrimSpace(m[1])
				if path == "reach/graph.rego" && arg == "env" && strings.HasPrefix(line, "summary(env) :=") {
					continue // the definition
				}
				name, err := unquote(arg)
				if err != nil || !slices.Contains(BuiltinGraphEnvironments, name) {
					t.Errorf("%s:%d calls summary(%s): add the environment to BuiltinGraphEnvironments", path, i+1, arg)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func unquote(s string) (string, error) {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return "", fs.ErrInvalid
	}
	return s[1 : len(s)-1], nil
}

// TestOnlyReadEnvironmentsSummarised: summarising only the environments
// the built-in rules read, and evaluating the rules that do not read
// input.graph while the graph is built, change none of their answers (the
// slow way summarises every configured environment and evaluates every
// rule once the graph is there).
func TestOnlyReadEnvironmentsSummarised(t *testing.T) {
	gen, err := snapshot.Marshal(orggen.Generate(orggen.Options{Accounts: 40, Seed: 5}))
	if err != nil {
		t.Fatal(err)
	}
	generated, err := snapshot.Parse(gen)
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]*snapshot.Loaded{"generated": generated}
	for _, name := range []string{"startup-dev-prod.json", "identity-account-ous.json", "consultancy-clients.json"} {
		cases[name] = loadFixture(t, name)
	}
	cfg, err := config.Load(context.Background(), "../../fixtures/identity-account-ous.orgaudit.yaml", 0)
	if err != nil {
		t.Fatal(err)
	}
	for name, snap := range cases {
		for _, c := range []*config.File{nil, cfg} {
			fast, err := Compile(Options{Sources: []engine.Source{engine.BuiltinSource()}, Config: c})
			if err != nil {
				t.Fatal(err)
			}
			slow, err := Compile(Options{Sources: []engine.Source{engine.BuiltinSource()}, Config: c})
			if err != nil {
				t.Fatal(err)
			}
			slow.allEnvironments, slow.unstaged = true, true
			if got := len(fast.graphEnvironments(map[string][]string{"production": nil, "staging": nil})); got != 1 {
				t.Fatalf("built-in rules only: %d environments summarised, want 1", got)
			}
			a, err := fast.Evaluate(context.Background(), snap)
			if err != nil {
				t.Fatal(err)
			}
			b, err := slow.Evaluate(context.Background(), snap)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(a.Result, b.Result) {
				t.Errorf("%s (config %v): findings differ from the slow way", name, c != nil)
			}
		}
	}
}
