package pipeline

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/orgaudit/orgaudit/internal/config"
	"github.com/orgaudit/orgaudit/internal/engine"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

func loadFixture(t *testing.T, name string) *snapshot.Loaded {
	t.Helper()
	return loadSnapshot(t, filepath.Join("..", "..", "fixtures", name))
}

// TestExceptions: the configuration's exceptions suppress the findings
// they cover, with their owner, expiry and source line; an expired one
// suppresses nothing.
func TestExceptions(t *testing.T) {
	f, err := config.Load(context.Background(), "../config/testdata/full.yaml", 0)
	if err != nil {
		t.Fatal(err)
	}
	r := config.Resolve(f, loadFixture(t, "identity-account-ous.json").Snapshot)
	res := &engine.Result{Findings: []engine.Finding{
		{RuleID: "OA-TRUST-007", Resource: "arn:aws:iam::700000000002:role/DataAdmin"},
		{RuleID: "OA-TRUST-007", Resource: "arn:aws:iam::700000000001:role/old-batch"},
		{RuleID: "OA-IAM-004", Resource: "arn:aws:iam::500000000001:user/sam"},
	}}
	out := Finish(&Evaluation{Resolved: r, Result: res}, Selection{})
	s := out.Result.Findings[0].Suppression
	if s == nil || s.Owner != "security@example.com" || s.Expires != "2027-06-30" || s.Source != "../config/testdata/full.yaml:23" {
		t.Errorf("DataAdmin suppression %+v", s)
	}
	if out.Result.Findings[1].Suppression != nil {
		t.Error("old-batch is not covered")
	}
	if out.Result.Findings[2].Suppression != nil {
		t.Error("an expired exception must not suppress")
	}
}

// TestOmitted: Finish lists the rules whose findings the selection leaves
// out (below the minimum severity, or outside the set of severities), so
// that the compliance summary does not count them as deciding a control.
func TestOmitted(t *testing.T) {
	rules := []engine.Rule{
		{ID: "R-LOW", Severity: engine.SeverityLow},
		{ID: "R-MED", Severity: engine.SeverityMedium},
		{ID: "R-HIGH", Severity: engine.SeverityHigh},
	}
	cases := []struct {
		name string
		sel  Selection
		want []string
	}{
		{"everything", Selection{}, nil},
		{"minimum medium", Selection{MinSeverity: engine.SeverityMedium}, []string{"R-LOW"}},
		{"only low and high", Selection{Severities: map[engine.Severity]bool{engine.SeverityLow: true, engine.SeverityHigh: true}}, []string{"R-MED"}},
		{"both", Selection{MinSeverity: engine.SeverityMedium, Severities: map[engine.Severity]bool{engine.SeverityLow: true, engine.SeverityMedium: true}}, []string{"R-LOW", "R-HIGH"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev := &Evaluation{Resolved: config.Resolve(nil, loadFixture(t, "startup-dev-prod.json").Snapshot), Result: &engine.Result{Rules: rules}}
			if got := Finish(ev, c.sel).Omitted; !slices.Equal(got, c.want) {
				t.Errorf("omitted %v, want %v", got, c.want)
			}
		})
	}
}

// TestRunInfoAndFramework: report headers name the configuration file and
// the user rule directories the pipeline was compiled with; --framework
// accepts the catalogue's frameworks and the rules', and names the closest
// one otherwise.
func TestRunInfoAndFramework(t *testing.T) {
	cfg := loadConfig(t, "testdata/latent.orgaudit.yaml")
	user := engine.Source{Name: "my-rules", FS: fstest.MapFS{}}
	p, err := Compile(Options{Sources: []engine.Source{engine.BuiltinSource(), user}, Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	info := p.RunInfo()
	if info.Config != "testdata/latent.orgaudit.yaml" || !slices.Equal(info.RuleDirs, []string{"my-rules"}) {
		t.Errorf("run info %+v", info)
	}
	if info := mustCompile(t, nil).RunInfo(); info.Config != "" || info.RuleDirs != nil {
		t.Errorf("defaults: run info %+v", info)
	}
	for _, id := range []string{"cis-v3.0.0", "cis-v5.0.0", "orgaudit-practices"} {
		if err := p.CheckFramework(id); err != nil {
			t.Errorf("%s: %v", id, err)
		}
	}
	err = p.CheckFramework("cis-v5")
	if err == nil || !strings.Contains(err.Error(), `unknown framework "cis-v5"`) || !strings.Contains(err.Error(), "did you mean cis-v5.0.0?") {
		t.Errorf("cis-v5: %v", err)
	}
}

func mustCompile(t *testing.T, cfg *config.File) *Pipeline {
	t.Helper()
	p, err := Compile(Options{Sources: []engine.Source{engine.BuiltinSource()}, Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	return p
}
