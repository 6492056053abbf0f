package collect_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/orgaudit/orgaudit/internal/collect/mototest"
	"github.com/orgaudit/orgaudit/internal/graph"
)

// TestEscalationFromMoto seeds one principal per privilege-escalation
// method (and its negatives) in moto, collects the organization as a user
// does, and checks the access graph's escalation edges and a chain from a
// tools account through dev and staging into prod.
func TestEscalationFromMoto(t *testing.T) {
	srv := emptyMoto(t)
	org, err := mototest.NewSeeder(srv.URL).SeedEscalation(context.Background())
	if err != nil {
		t.Fatalf("seed: %v\nmoto log: %s", err, srv.Log())
	}
	s := runCollect(t, testOptions(srv.URL))
	acct := org.Accounts
	dev, sandbox := acct["dev"], acct["sandbox"]

	// The collector keeps the instance profiles of each role.
	ec2 := role(t, account(t, s, dev), "ec2-role")
	if len(ec2.InstanceProfiles) != 1 || ec2.InstanceProfiles[0].Name != "ec2-role" || !strings.HasSuffix(ec2.InstanceProfiles[0].ARN, ":instance-profile/ec2-role") {
		t.Errorf("ec2-role instance profiles: %+v", ec2.InstanceProfiles)
	}
	if cfn := role(t, account(t, s, dev), "cfn-role"); cfn.InstanceProfiles == nil || len(cfn.InstanceProfiles) != 0 {
		t.Errorf("cfn-role instance profiles: %+v, want an empty list", cfn.InstanceProfiles)
	}

	g, err := graph.Build(s)
	if err != nil {
		t.Fatal(err)
	}
	arn := func(a, kind, name string) string { return "arn:aws:iam::" + a + ":" + kind + "/" + name }
	admin := "admin:" + dev
	cases := []struct {
		name     string
		from, to string
		kind     graph.EdgeKind
		want     bool
	}{
		{"create access key", arn(dev, "user", "key-maker"), arn(dev, "user", "victim"), graph.EdgeCreateAccessKey, true},
		{"create access key, SCP", arn(sandbox, "user", "key-maker"), arn(sandbox, "user", "victim"), graph.EdgeCreateAccessKey, false},
		{"create access key, boundary", arn(dev, "role", "bounded-key-maker"), arn(dev, "user", "victim"), graph.EdgeCreateAccessKey, false},
		{"create access key, condition", arn(dev, "user", "cond-key-maker"), arn(dev, "user", "victim"), graph.EdgeCreateAccessKey, false},
		{"create login profile", arn(dev, "user", "console-maker"), arn(dev, "user", "victim"), graph.EdgeCreateLoginProfile, true},
		{"update trust", arn(dev, "user", "trust-writer"), arn(dev, "role", "target-role"), graph.EdgeUpdateTrust, true},
		{"update trust, SCP", arn(sandbox, "user", "trust-writer"), arn(sandbox, "role", "target-role"), graph.EdgeUpdateTrust, false},
		{"add user to group", arn(dev, "user", "joiner"), arn(dev, "user", "joiner") + "+group/Admins", graph.EdgeAddUserToGroup, true},
		{"put user policy", arn(dev, "user", "self-putter"), admin, graph.EdgePutUserPolicy, true},
		{"put user policy, SCP", arn(sandbox, "user", "self-putter"), "admin:" + sandbox, graph.EdgePutUserPolicy, false},
		{"attach user policy", arn(dev, "user", "self-attacher"), admin, graph.EdgeAttachUserPolicy, true},
		{"put group policy", arn(dev, "user", "group-putter"), admin, graph.EdgePutGroupPolicy, true},
		{"attach group policy", arn(dev, "user", "group-attacher"), admin, graph.EdgeAttachGroupPolicy, true},
		{"put role policy", arn(dev, "role", "self-role"), admin, graph.EdgePutRolePolicy, true},
		{"attach role policy", arn(dev, "role", "attach-role"), admin, graph.EdgeAttachRolePolicy, true},
		{"create policy version", arn(dev, "user", "policy-writer"), admin, graph.EdgeCreatePolicyVersion, true},
		{"set default policy version", arn(dev, "user", "policy-defaulter"), admin, graph.EdgeSetDefaultPolicyVersion, true},
		{"AWS managed policy", arn(dev, "user", "policy-writer-aws"), admin, graph.EdgeCreatePolicyVersion, false},
		{"delete role boundary", arn(dev, "role", "bounded-admin"), admin, graph.EdgeDeleteBoundary, true},
		{"pass role to lambda", arn(dev, "user", "lambda-dev"), arn(dev, "role", "lambda-exec"), graph.EdgePassRoleLambda, true},
		{"pass role to lambda, SCP", arn(sandbox, "user", "lambda-dev"), arn(sandbox, "role", "lambda-exec"), graph.EdgePassRoleLambda, false},
		{"role not trusting lambda", arn(dev, "user", "lambda-dev"), arn(dev, "role", "ec2-only"), graph.EdgePassRoleLambda, false},
		{"pass role to ec2", arn(dev, "user", "ec2-dev"), arn(dev, "role", "ec2-role"), graph.EdgePassRoleEC2, true},
		{"pass role to cloudformation", arn(dev, "user", "cfn-dev"), arn(dev, "role", "cfn-role"), graph.EdgePassRoleCloudFormation, true},
		{"pass role to codebuild", arn(dev, "user", "cb-dev"), arn(dev, "role", "cb-role"), graph.EdgePassRoleCodeBuild, true},
		{"pass role to glue", arn(dev, "user", "glue-dev"), arn(dev, "role", "glue-role"), graph.EdgePassRoleGlue, true},
		{"pass role to sagemaker", arn(dev, "user", "sm-dev"), arn(dev, "role", "sm-role"), graph.EdgePassRoleSageMaker, true},
		{"pass role to ecs", arn(dev, "user", "ecs-dev"), arn(dev, "role", "ecs-role"), graph.EdgePassRoleECS, true},
		{"pass role to datapipeline", arn(dev, "user", "dp-dev"), arn(dev, "role", "dp-role"), graph.EdgePassRoleDataPipeline, true},
	}
	for _, c := range cases {
		found := false
		for _, e := range g.OutEdges(c.from) {
			if e.To == c.to && e.Kind == c.kind {
				found = true
				if e.Evidence == nil || len(e.Evidence.Statements) == 0 {
					t.Errorf("%s: edge without evidence: %+v", c.name, e)
				}
			}
		}
		if found != c.want {
			t.Errorf("%s: edge %s -[%s]-> %s: %v, want %v", c.name, c.from, c.kind, c.to, found, c.want)
		}
	}

	// The chain: tools -> dev (assume) -> dev (pass-role:lambda) ->
	// staging (assume) -> staging (update-trust) -> prod (assume).
	tg, err := g.ResolveTarget("ou:Prod", nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := g.Paths(tg, graph.Options{From: arn(acct["tools"], "user", "chain-start")})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Sources) != 1 {
		t.Fatalf("chain-start does not reach prod: %+v", res.Sources)
	}
	var kinds []string
	for _, h := range res.Sources[0].Path {
		kinds = append(kinds, string(h.Kind))
	}
	want := []string{"assume-role", "escalate:pass-role:lambda", "assume-role", "escalate:update-trust", "assume-role"}
	if !slices.Equal(kinds, want) || !res.Sources[0].EscalationRequired {
		t.Errorf("chain path kinds %v (escalation required %v), want %v", kinds, res.Sources[0].EscalationRequired, want)
	}
	if res, _ := g.Paths(tg, graph.Options{From: arn(acct["tools"], "user", "chain-start"), Edges: graph.EdgesAssume}); len(res.Sources) != 0 {
		t.Errorf("with role assumption only chain-start reaches prod: %+v", res.Sources)
	}
}
