package cli

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/orgaudit/orgaudit/internal/config"
	"github.com/orgaudit/orgaudit/internal/engine"
	"github.com/orgaudit/orgaudit/internal/graph"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// TestReachRulesOnFixture runs the reach rules over a fixture with a
// configuration mounted as data.orgaudit.config, as check will once the
// configuration file is wired in, and the access graph as input.graph.
func TestReachRulesOnFixture(t *testing.T) {
	chdirRoot(t)
	l, err := snapshot.LoadFile("fixtures/identity-account-ous.json")
	if err != nil {
		t.Fatal(err)
	}
	envs := config.Environments(nil, l.Snapshot)
	g, err := graph.Build(l.Snapshot)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := g.Document(envs, "configuration")
	if err != nil {
		t.Fatal(err)
	}
	cfgEnvs := map[string]any{}
	for k, v := range envs {
		ids := make([]any, len(v))
		for i, id := range v {
			ids[i] = id
		}
		cfgEnvs[k] = ids
	}
	ctx := context.Background()
	eng, err := engine.New(ctx, engine.Options{Sources: []engine.Source{engine.BuiltinSource()},
		Data: map[string]any{"config": map[string]any{"identity_account": "500000000001", "environments": cfgEnvs}}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := eng.Eval(ctx, engine.Input{Snapshot: l, Extra: map[string]any{"graph": doc}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Findings {
		if strings.HasPrefix(f.RuleID, "OA-REACH-") {
			got = append(got, f.RuleID+" "+f.Resource)
		}
	}
	sort.Strings(got)
	want := []string{
		"OA-REACH-001 arn:aws:iam::500000000000:user/legacy-admin",
		"OA-REACH-001 arn:aws:iam::500000000001:user/ali",
		"OA-REACH-001 arn:aws:iam::500000000001:user/svc-terraform",
		"OA-REACH-001 arn:aws:iam::600000000001:user/dev-local",
		"OA-REACH-002 arn:aws:iam::500000000000:user/legacy-admin",
		"OA-REACH-002 arn:aws:iam::600000000001:user/dev-local",
		"OA-REACH-003 arn:aws:iam::600000000001:role/ci",
		"OA-REACH-003 arn:aws:iam::600000000001:role/developer", // an administrator of dev rewrites role/ci's trust
		"OA-REACH-003 arn:aws:iam::600000000001:user/dev-local",
		"OA-REACH-004 arn:aws:iam::500000000001:group/DataReaders",
		"OA-REACH-005 arn:aws:iam::500000000000:role/OrgAuditor",
		"OA-REACH-005 arn:aws:iam::600000000002:role/developer",
		"OA-REACH-005 arn:aws:iam::700000000002:role/DataAdmin",
		"OA-REACH-005 arn:aws:iam::700000000002:role/OrganizationAccountAccessRole",
		"OA-REACH-005 arn:aws:iam::700000000002:role/support",
		"OA-REACH-006 arn:aws:organizations::500000000000:account/o-envlayout01/500000000000",
		"OA-REACH-006 arn:aws:organizations::500000000000:account/o-envlayout01/500000000001",
		"OA-REACH-006 arn:aws:organizations::500000000000:account/o-envlayout01/600000000001",
		"OA-REACH-006 arn:aws:organizations::500000000000:account/o-envlayout01/600000000002",
		"OA-REACH-006 arn:aws:organizations::500000000000:account/o-envlayout01/700000000001",
		"OA-REACH-006 arn:aws:organizations::500000000000:account/o-envlayout01/700000000002",
		"OA-REACH-007 arn:aws:iam::600000000001:role/developer",
		"OA-REACH-007 arn:aws:iam::600000000001:user/dev-local",
		"OA-REACH-008 arn:aws:iam::600000000001:user/dev-local",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("reach findings:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, f := range res.Findings {
		if f.RuleID == "OA-REACH-001" && strings.HasSuffix(f.Resource, "user/ali") {
			if !strings.Contains(f.Message, "role/OrganizationAccountAccessRole in prod-web (700000000001)") {
				t.Errorf("message %q does not show the path without MFA", f.Message)
			}
		}
	}
}
