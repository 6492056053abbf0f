package pipeline

import (
	"context"
	"io/fs"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

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
// rule once the graph is there). The latent snapshot, under its
// configuration, gives findings about latent sources (blocked_by in the
// evidence of OA-REACH-002 and -003): the comparison covers them.
func TestOnlyReadEnvironmentsSummarised(t *testing.T) {
	gen, err := snapshot.Marshal(orggen.Generate(orggen.Options{Accounts: 40, Seed: 5}))
	if err != nil {
		t.Fatal(err)
	}
	generated, err := snapshot.Parse(gen)
	if err != nil {
		t.Fatal(err)
	}
	identity := loadConfig(t, "../../fixtures/identity-account-ous.orgaudit.yaml")
	latent := loadConfig(t, "testdata/latent.orgaudit.yaml")
	type snapCase struct {
		snap    *snapshot.Loaded
		configs []*config.File
	}
	cases := map[string]snapCase{
		"generated": {generated, []*config.File{nil, identity}},
		"latent":    {loadSnapshot(t, "../graph/testdata/latent.json"), []*config.File{nil, latent}},
	}
	for _, name := range []string{"startup-dev-prod.json", "identity-account-ous.json", "consultancy-clients.json"} {
		cases[name] = snapCase{loadFixture(t, name), []*config.File{nil, identity}}
	}
	latentFindings := 0
	for name, sc := range cases {
		for _, c := range sc.configs {
			fast, err := Compile(Options{Sources: []engine.Source{engine.BuiltinSource()}, Config: c})
			if err != nil {
				t.Fatal(err)
			}
			slow, err := Compile(Options{Sources: []engine.Source{engine.BuiltinSource()}, Config: c})
			if err != nil {
				t.Fatal(err)
			}
			slow.allEnvironments, slow.unstaged, slow.opts.WholeInput = true, true, true
			if got := len(fast.graphEnvironments(map[string][]string{"production": nil, "staging": nil})); got != 1 {
				t.Fatalf("built-in rules only: %d environments summarised, want 1", got)
			}
			a, err := fast.Evaluate(context.Background(), sc.snap)
			if err != nil {
				t.Fatal(err)
			}
			b, err := slow.Evaluate(context.Background(), sc.snap)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(a.Result, b.Result) {
				t.Errorf("%s (config %v): findings differ from the slow way", name, c != nil)
			}
			for _, f := range a.Result.Findings {
				if f.Evidence["blocked_by"] != nil {
					latentFindings++
				}
			}
		}
	}
	if latentFindings == 0 {
		t.Error("no finding about a latent source: the comparison does not cover them")
	}
}

// TestUserRulesReadLatent: user rules that read latent sources (every
// environment's latent summary, the latent edges, the graph library's
// production_latent) get the answers of the slow way from the staged
// evaluation, and every configured environment is summarised for them.
func TestUserRulesReadLatent(t *testing.T) {
	rule := func(id, body string) string {
		return `# METADATA
# title: user rule ` + id + `
# description: reads latent sources
# related_resources:
#   - ref: https://example.com
# custom:
#   id: ` + id + `
#   severity: low
#   remediation: none
package orgaudit.rules.user_` + strings.ToLower(strings.ReplaceAll(id, "-", "_")) + `

deny contains result if {
` + body + `
}
`
	}
	user := fstest.MapFS{
		"env_latent.rego": {Data: []byte(rule("USR-001", `	some env, s in input.graph.environments
	some id, r in s.latent
	result := {"resource": id, "account_id": r.account_id, "message": sprintf("%s latent in %s", [id, env])}`))},
		"latent_edges.rego": {Data: []byte(rule("USR-002", `	some from, edges in input.graph.latent_edges
	some e in edges
	result := {"resource": from, "account_id": "", "message": sprintf("%s -> %s blocked by %s", [from, e.to, e.blocked_by])}`))},
		"lib_latent.rego": {Data: []byte(rule("USR-003", `	some id, r in data.orgaudit.lib.graph.production_latent
	result := {"resource": id, "account_id": r.account_id, "message": "latent into production"}`))},
	}
	sources := []engine.Source{engine.BuiltinSource(), {Name: "user", FS: user}}
	cfg := loadConfig(t, "testdata/latent.orgaudit.yaml")
	snap := loadSnapshot(t, "../graph/testdata/latent.json")
	fast, err := Compile(Options{Sources: sources, Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	slow, err := Compile(Options{Sources: sources, Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	slow.allEnvironments, slow.unstaged, slow.opts.WholeInput = true, true, true
	envs := map[string][]string{"production": nil, "staging": nil, "development": nil}
	if got := len(fast.graphEnvironments(envs)); got != len(envs) {
		t.Fatalf("with user rules: %d environments summarised, want %d", got, len(envs))
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
		t.Error("findings differ from the slow way")
	}
	per := map[string]int{}
	for _, f := range a.Result.Findings {
		per[f.RuleID]++
	}
	for _, id := range []string{"USR-001", "USR-002", "USR-003"} {
		if per[id] == 0 {
			t.Errorf("%s found nothing: the snapshot has latent sources", id)
		}
	}
}

func loadConfig(t *testing.T, path string) *config.File {
	t.Helper()
	f, err := config.Load(context.Background(), path, 0)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func loadSnapshot(t *testing.T, path string) *snapshot.Loaded {
	t.Helper()
	l, err := snapshot.LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return l
}
