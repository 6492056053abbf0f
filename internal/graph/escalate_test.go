package graph

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/orgaudit/orgaudit/internal/orggen"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// TestEscalationEdges checks one positive and the negatives of every
// escalation method on the escalate snapshot: dev allows the methods,
// staging-2 has the same principals under an SCP that denies them.
func TestEscalationEdges(t *testing.T) {
	g := load(t, "escalate")
	d := func(kind, name string) string { return "arn:aws:iam::222222222222:" + kind + "/" + name }
	s := func(kind, name string) string { return "arn:aws:iam::666666666666:" + kind + "/" + name }
	admin := "admin:222222222222"
	cases := []struct {
		name     string
		from, to string
		kind     EdgeKind
		want     bool
		cond     string // a condition the edge must carry
		evidence string // a substring of the evidence lines
	}{
		// Take over a user.
		{"create access key", d("user", "key-maker"), d("user", "victim"), EdgeCreateAccessKey, true, "", "iam:CreateAccessKey on arn:aws:iam::222222222222:user/victim"},
		{"create access key denied by an SCP", s("user", "key-maker"), s("user", "victim"), EdgeCreateAccessKey, false, "", ""},
		{"create access key denied by a boundary", d("user", "bounded-key-maker"), d("user", "victim"), EdgeCreateAccessKey, false, "", ""},
		{"create access key denied by a condition on the user's tag", d("user", "cond-key-maker"), d("user", "victim"), EdgeCreateAccessKey, false, "", ""},
		{"create access key under an MFA condition", d("user", "mfa-key-maker"), d("user", "victim"), EdgeCreateAccessKey, true, "Bool aws:MultiFactorAuthPresent [true]", ""},
		{"create access key by policy variable", d("user", "ops"), d("user", "ops-bot"), EdgeCreateAccessKey, true, "", ""},
		{"create access key by policy variable, another member of the group", d("user", "ali"), d("user", "ops-bot"), EdgeCreateAccessKey, false, "", ""},
		{"create a login profile for a user without a password", d("user", "console-maker"), d("user", "victim"), EdgeCreateLoginProfile, true, "", ""},
		{"no login profile to create for a user with a password", d("user", "console-maker"), d("user", "victim-console"), EdgeCreateLoginProfile, false, "", ""},
		{"update the login profile of a user with a password", d("user", "console-maker"), d("user", "victim-console"), EdgeUpdateLoginProfile, true, "", ""},
		// Take over a role.
		{"update a trust policy", d("user", "trust-writer"), d("role", "target-role"), EdgeUpdateTrust, true, "", "granted by inline:trust#0"},
		{"update a trust policy denied by an SCP", s("user", "trust-writer"), s("role", "target-role"), EdgeUpdateTrust, false, "", ""},
		{"a service-linked role's trust cannot be updated", d("user", "slr-writer"), "arn:aws:iam::222222222222:role/aws-service-role/support.amazonaws.com/AWSServiceRoleForSupport", EdgeUpdateTrust, false, "", ""},
		// Join a group.
		{"add oneself to a group", d("user", "joiner"), d("user", "joiner") + "+group/Admins", EdgeAddUserToGroup, true, "", "iam:AddUserToGroup on arn:aws:iam::222222222222:group/Admins"},
		{"the group member rewrites a trust", d("user", "joiner") + "+group/Admins", d("role", "target-role"), EdgeUpdateTrust, true, "", ""},
		// Raise one's own permissions.
		{"put a user policy on oneself", d("user", "self-putter"), admin, EdgePutUserPolicy, true, "", ""},
		{"put a user policy denied by an SCP", s("user", "self-putter"), "admin:666666666666", EdgePutUserPolicy, false, "", ""},
		{"attach a user policy to oneself", d("user", "self-attacher"), admin, EdgeAttachUserPolicy, true, "", ""},
		{"put a policy on one's group", d("user", "group-putter"), admin, EdgePutGroupPolicy, true, "", "on arn:aws:iam::222222222222:group/Writers"},
		{"attach a policy to one's group", d("user", "group-attacher"), admin, EdgeAttachGroupPolicy, true, "", ""},
		{"put a role policy on itself", d("role", "self-role"), admin, EdgePutRolePolicy, true, "", ""},
		{"attach a role policy to itself", d("role", "attach-role"), admin, EdgeAttachRolePolicy, true, "", ""},
		{"new version of an attached customer policy", d("user", "policy-writer"), admin, EdgeCreatePolicyVersion, true, "", "arn:aws:iam::222222222222:policy/dev-team"},
		{"default version of an attached customer policy", d("user", "policy-defaulter"), admin, EdgeSetDefaultPolicyVersion, true, "", ""},
		{"an AWS managed policy cannot be changed", d("user", "policy-writer-aws"), admin, EdgeCreatePolicyVersion, false, "", ""},
		{"delete one's boundary to become administrator", d("user", "bounded-admin"), admin, EdgeDeleteBoundary, true, "", ""},
		{"deleting a boundary that hides nothing is no escalation", d("user", "bounded-weak"), admin, EdgeDeleteBoundary, false, "", ""},
		// Pass a role to a service.
		{"lambda", d("user", "lambda-dev"), d("role", "lambda-exec"), EdgePassRoleLambda, true, "", "iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction on arn:aws:iam::222222222222:role/lambda-exec for lambda.amazonaws.com"},
		{"lambda denied by an SCP", s("user", "lambda-dev"), s("role", "lambda-exec"), EdgePassRoleLambda, false, "", ""},
		{"lambda with the trust's condition", d("user", "lambda-dev"), d("role", "lambda-cond"), EdgePassRoleLambda, true, "StringEquals aws:SourceAccount [222222222222]", ""},
		{"a role that does not trust lambda", d("user", "lambda-dev"), d("role", "ec2-role"), EdgePassRoleLambda, false, "", ""},
		{"lambda without CreateFunction", d("user", "lambda-nocreate"), d("role", "lambda-exec"), EdgePassRoleLambda, false, "", ""},
		{"lambda through an event source mapping, function named as allowed", d("user", "lambda-esm"), d("role", "lambda-exec"), EdgePassRoleLambda, true, "", "lambda:CreateEventSourceMapping"},
		{"iam:PassedToService lets lambda through", d("user", "lambda-only-passer"), d("role", "lambda-exec"), EdgePassRoleLambda, true, "", ""},
		{"iam:PassedToService keeps ec2 out", d("user", "lambda-only-passer"), d("role", "ec2-role"), EdgePassRoleEC2, false, "", ""},
		{"ec2 with an instance profile", d("user", "ec2-dev"), d("role", "ec2-role"), EdgePassRoleEC2, true, "", "instance profile arn:aws:iam::222222222222:instance-profile/ec2-role"},
		{"ec2 without an instance profile", d("user", "ec2-dev"), d("role", "ec2-noprofile"), EdgePassRoleEC2, false, "", ""},
		{"ec2, making the instance profile", d("user", "ec2-profiler"), d("role", "ec2-noprofile"), EdgePassRoleEC2, true, "", "iam:CreateInstanceProfile + iam:AddRoleToInstanceProfile"},
		{"cloudformation", d("user", "cfn-dev"), d("role", "cfn-role"), EdgePassRoleCloudFormation, true, "", ""},
		{"codebuild", d("user", "cb-dev"), d("role", "cb-role"), EdgePassRoleCodeBuild, true, "", ""},
		{"glue", d("user", "glue-dev"), d("role", "glue-role"), EdgePassRoleGlue, true, "", ""},
		{"sagemaker", d("user", "sm-dev"), d("role", "sm-role"), EdgePassRoleSageMaker, true, "", ""},
		{"ecs", d("user", "ecs-dev"), d("role", "ecs-role"), EdgePassRoleECS, true, "", ""},
		{"datapipeline", d("user", "dp-dev"), d("role", "dp-role"), EdgePassRoleDataPipeline, true, "", ""},
		{"a role that does not trust codebuild", d("user", "cb-dev"), d("role", "cfn-role"), EdgePassRoleCodeBuild, false, "", ""},
		// The administrator node.
		{"the administrator takes over every user", admin, d("user", "victim"), EdgeCreateAccessKey, true, "", ""},
		{"the administrator assumes the roles trusting the account", admin, d("role", "target-role"), EdgeAssumeRole, true, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var found *Edge
			for _, e := range g.OutEdges(c.from) {
				if e.To == c.to && e.Kind == c.kind {
					found = &e
				}
			}
			if (found != nil) != c.want {
				t.Fatalf("edge %s -[%s]-> %s: %v, want %v", c.from, c.kind, c.to, found != nil, c.want)
			}
			if found == nil {
				return
			}
			if got := strings.Join(found.Conditions.Strings(), "; "); c.cond != "" && !strings.Contains(got, c.cond) || c.cond == "" && got != "" {
				t.Errorf("conditions %q, want %q", got, c.cond)
			}
			if c.kind.Escalation() && found.Evidence == nil {
				t.Fatal("escalation edge without evidence")
			}
			if got := strings.Join(found.Evidence.Lines(), "\n"); !strings.Contains(got, c.evidence) {
				t.Errorf("evidence %q, want %q", got, c.evidence)
			}
		})
	}
	// Administrators are marked, and never get an edge to the
	// administrator node.
	n, _ := g.Node(d("user", "bounded-admin"))
	if n.Admin {
		t.Error("bounded-admin is limited by its boundary, not an administrator")
	}
	v, _ := g.Node(d("user", "joiner") + "+group/Admins")
	if !v.Admin || v.Kind != KindUserInGroup {
		t.Errorf("joiner in Admins: %+v", v)
	}
	for _, e := range g.OutEdges(v.ID) {
		if e.To == admin {
			t.Errorf("an administrator escalates to the administrator node: %+v", e)
		}
	}
}

// TestEscalationChain: an identity user reaches prod through dev and
// staging, mixing assume and escalate edges; without escalation edges it
// does not reach prod at all.
func TestEscalationChain(t *testing.T) {
	g := load(t, "escalate")
	tg, err := g.ResolveTarget("ou:Prod", nil)
	if err != nil {
		t.Fatal(err)
	}
	start := user(idAcct, "chain-start")
	find := func(f EdgeFilter) *Source {
		t.Helper()
		res, err := g.Paths(tg, Options{Edges: f})
		if err != nil {
			t.Fatal(err)
		}
		if res.Edges != f {
			t.Errorf("result edges %q, want %q", res.Edges, f)
		}
		for i := range res.Sources {
			if res.Sources[i].Node.Virtual() {
				t.Errorf("virtual node %s listed as a source", res.Sources[i].Node.ID)
			}
			if res.Sources[i].Node.ID == start {
				return &res.Sources[i]
			}
		}
		return nil
	}
	src := find(EdgesAll)
	if src == nil {
		t.Fatal("chain-start does not reach prod")
	}
	var kinds, nodes []string
	for _, h := range src.Path {
		kinds = append(kinds, string(h.Kind))
		nodes = append(nodes, h.To)
	}
	wantKinds := []string{"assume-role", "escalate:pass-role:lambda", "assume-role", "escalate:update-trust", "assume-role"}
	wantNodes := []string{role(devAcct, "hop-a"), role(devAcct, "chain-lambda"), role(stageAcct, "hop-b"), role(stageAcct, "prod-gate"), role(prodAcct, "prod-admin")}
	if !slices.Equal(kinds, wantKinds) || !slices.Equal(nodes, wantNodes) {
		t.Errorf("path kinds %v through %v, want %v through %v", kinds, nodes, wantKinds, wantNodes)
	}
	if src.Hops != 5 || !src.EscalationRequired || src.Path[1].Evidence == nil || src.Path[1].Evidence.Service != "lambda.amazonaws.com" {
		t.Errorf("source %+v", src)
	}
	if find(EdgesAssume) != nil {
		t.Error("with role assumption only, chain-start reaches prod")
	}
	if s := find(EdgesEscalate); s == nil || !s.EscalationRequired {
		t.Error("--edges escalate does not list chain-start")
	}
	if _, err := g.Paths(tg, Options{Edges: "sideways"}); err == nil {
		t.Error("an unknown edge filter is accepted")
	}
}

// TestEscalationsMatchBruteForce checks the escalation shortcuts (the
// statement prefilter, one evaluation per class and account) against
// evaluating every principal on its own with no prefilter.
func TestEscalationsMatchBruteForce(t *testing.T) {
	snaps := map[string]*snapshot.Snapshot{}
	for name, def := range testSnapshots {
		snaps[name] = def().s
	}
	for _, seed := range []uint64{2, 7} {
		snaps[fmt.Sprint("generated seed=", seed)] = orggen.Generate(orggen.Options{Accounts: 30, RolesPerAccount: 12, Seed: seed})
	}
	for name, s := range snaps {
		t.Run(name, func(t *testing.T) {
			fast, brute := build(s, false), build(s, true)
			edges := func(g *Graph) map[string]string {
				out := map[string]string{}
				for _, n := range g.Nodes() {
					for _, e := range g.OutEdges(n.ID) {
						k := e.From + " -[" + string(e.Kind) + "]-> " + e.To
						out[k] = strings.Join(e.Conditions.Strings(), "; ") + " | " + strings.Join(e.Evidence.Lines(), " / ")
					}
				}
				return out
			}
			diffEdges(t, edges(fast), edges(brute))
			if name == "escalate" && fast.Stats().EscalationEdges == 0 {
				t.Error("no escalation edge")
			}
		})
	}
}
