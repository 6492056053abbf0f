package graph

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/orgaudit/orgaudit/internal/snapshot"
)

var update = flag.Bool("update", false, "rewrite testdata/*.json from the definitions in testdata_test.go")

// Accounts of every test organization.
const (
	idAcct    = "111111111111" // identity, OU Security
	devAcct   = "222222222222" // development, OU Dev/Sandbox (nested)
	stageAcct = "333333333333" // staging, OU Staging
	prodAcct  = "444444444444" // production, OU Prod
	// stage2Acct is a second staging account, in the deny-trust snapshot
	// only.
	stage2Acct = "666666666666"
)

// base is the organization every test snapshot starts from.
func base() *tsnap {
	t := newSnap()
	t.ou("ou-gt01-security", "Security", tRoot).ou("ou-gt01-dev", "Dev", tRoot).ou("ou-gt01-sandbox", "Sandbox", "ou-gt01-dev").
		ou("ou-gt01-staging", "Staging", tRoot).ou("ou-gt01-prod", "Prod", tRoot)
	t.account(idAcct, "identity", "ou-gt01-security")
	t.account(devAcct, "development", "ou-gt01-sandbox")
	t.account(stageAcct, "staging", "ou-gt01-staging")
	t.account(prodAcct, "production", "ou-gt01-prod")
	return t
}

func role(acct, name string) string { return "arn:aws:iam::" + acct + ":role/" + name }
func user(acct, name string) string { return "arn:aws:iam::" + acct + ":user/" + name }
func root(acct string) string       { return "arn:aws:iam::" + acct + ":root" }

// testSnapshots defines the snapshots of testdata/, by file name.
var testSnapshots = map[string]func() *tsnap{
	// A user chains through three roles in three accounts into prod.
	"chain": func() *tsnap {
		t := base()
		t.acct(idAcct).user("alice", inline("hop", assume(role(devAcct, "hop1"))))
		t.acct(devAcct).role("hop1", trustAWS(root(idAcct), ""), inline("next", assume(role(stageAcct, "hop2"))))
		t.acct(stageAcct).role("hop2", trustAWS(role(devAcct, "hop1"), ""), inline("next", assume(role(prodAcct, "hop3"))))
		t.acct(prodAcct).role("hop3", trustAWS(role(stageAcct, "hop2"), ""), attach(adminARN))
		return t
	},
	// An explicit Deny in one group beats the Allow of another.
	"group-deny": func() *tsnap {
		t := base()
		t.acct(idAcct).
			group("Assumers", inline("all", assume("*"))).
			group("NoProd", inline("deny", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"arn:aws:iam::444444444444:role/*"}]}`)).
			user("bob", inGroup("Assumers"), inGroup("NoProd")).
			user("carol", inGroup("Assumers"))
		t.acct(prodAcct).role("admin", trustAWS(root(idAcct), ""), attach(adminARN))
		return t
	},
	// An SCP on the Dev OU denies sts:AssumeRole into prod; it binds the
	// account in the nested Sandbox OU, not the staging account.
	"scp-deny": func() *tsnap {
		t := base()
		t.scp("p-nodevtoprod", "NoDevToProd", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"arn:aws:iam::444444444444:role/*"}]}`, "ou-gt01-dev")
		t.acct(devAcct).role("devops", trustAWS(root(idAcct), ""), attach(adminARN))
		t.acct(stageAcct).role("stageops", trustAWS(root(idAcct), ""), attach(adminARN))
		t.acct(prodAcct).role("admin", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["222222222222","333333333333"]},"Action":"sts:AssumeRole"}]}`, attach(adminARN))
		return t
	},
	// Permissions boundaries without sts:AssumeRole, on a user and on a
	// role.
	"boundary": func() *tsnap {
		t := base()
		noSTS := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","ec2:*"],"Resource":"*"}]}`
		t.acct(idAcct).policy("NoSTS", noSTS).
			user("dana", attach(adminARN), boundary("arn:aws:iam::111111111111:policy/NoSTS")).
			user("erin", attach(adminARN))
		t.acct(devAcct).policy("NoSTS", noSTS).
			role("bounded", trustAWS(root(idAcct), ""), attach(adminARN), boundary("arn:aws:iam::222222222222:policy/NoSTS")).
			role("free", trustAWS(root(idAcct), ""), attach(adminARN))
		t.acct(prodAcct).role("admin", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["111111111111","222222222222"]},"Action":"sts:AssumeRole"}]}`, attach(adminARN))
		return t
	},
	// "Principal": "*" restricted by aws:PrincipalOrgID, to this
	// organization and to another one.
	"org-id": func() *tsnap {
		t := base()
		t.acct(devAcct).role("ops", trustAWS(root(idAcct), ""), attach(adminARN))
		t.acct(prodAcct).
			role("shared", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-graphtest1"}}}]}`, attach(readARN)).
			role("partner", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-partner0001"}}}]}`, attach(readARN))
		return t
	},
	// A trust naming one role ARN admits that role only.
	"named-role": func() *tsnap {
		t := base()
		t.acct(devAcct).
			role("ci", trustAWS(root(idAcct), ""), attach(adminARN)).
			role("other", trustAWS(root(idAcct), ""), attach(adminARN))
		t.acct(prodAcct).role("deploy", trustAWS(role(devAcct, "ci"), ""), inline("deploy", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecs:*","Resource":"*"}]}`))
		return t
	},
	// A trust requiring MFA, reached by a user with an MFA device and not
	// by one without; a second prod role needs no MFA.
	"mfa": func() *tsnap {
		t := base()
		t.acct(idAcct).
			group("Admins", inline("assume", assume("arn:aws:iam::444444444444:role/*"))).
			user("frank", inGroup("Admins"), withMFA()).
			user("gina", inGroup("Admins"))
		t.acct(prodAcct).
			role("admin", trustAWS(root(idAcct), mfaCond), attach(adminARN)).
			role("readonly", trustAWS(user(idAcct, "gina"), ""), attach(readARN))
		return t
	},
	// Latent paths: users without an MFA device whose way in needs MFA.
	// hugo's group grants sts:AssumeRole on prod roles whose trust
	// requires MFA (ivy, in the same group, has a device); jack's group
	// denies everything without MFA (the "force MFA" policy) and grants
	// a dev role that chains into prod; kim has no device but a trust
	// without MFA, so nothing is latent about her.
	"latent": func() *tsnap {
		t := base()
		t.acct(idAcct).
			group("Admins", inline("assume", assume("arn:aws:iam::444444444444:role/*"))).
			group("ForceMFA", inline("assume", assume(role(devAcct, "ops"))), inline("force-mfa", forceMFA)).
			user("hugo", inGroup("Admins")).
			user("ivy", inGroup("Admins"), withMFA()).
			user("jack", inGroup("ForceMFA")).
			user("kim", inline("assume", assume(role(prodAcct, "readonly"))))
		t.acct(devAcct).role("ops", trustAWS(root(idAcct), ""), inline("next", assume(role(prodAcct, "deploy"))))
		t.acct(prodAcct).
			role("admin", trustAWS(root(idAcct), mfaCond), attach(adminARN)).
			role("deploy", trustAWS(role(devAcct, "ops"), ""), attach(adminARN)).
			role("readonly", trustAWS(root(idAcct), ""), attach(readARN))
		return t
	},
	// An Identity Center group assigned to the prod account, and a user
	// assigned to dev who chains into prod from the provisioned role.
	"identity-center": func() *tsnap {
		t := base()
		t.permissionSet("ps-admin", "AdminAccess", adminARN)
		t.icUser("u-1", "one@example.com").icUser("u-2", "two@example.com").icUser("u-3", "three@example.com")
		t.icGroup("g-ops", "operators", "u-1", "u-2")
		t.assign(prodAcct, "ps-admin", "GROUP", "g-ops")
		t.assign(devAcct, "ps-admin", "USER", "u-3")
		t.acct(prodAcct).role("from-dev", trustAWS(root(devAcct), ""), attach(readARN))
		return t
	},
	// Trust to an account root expands to exactly the principals of that
	// account whose own policies allow the call.
	"account-root": func() *tsnap {
		t := base()
		noSTS := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`
		t.acct(idAcct).policy("NoSTS", noSTS).
			user("hank", inline("assume", assume(role(prodAcct, "admin")))).
			user("ivan").
			role("jobs", trustAWS(root(idAcct), ""), attach(adminARN), boundary("arn:aws:iam::111111111111:policy/NoSTS")).
			role("kilo", trustAWS(root(idAcct), ""), inline("assume", assume("arn:aws:iam::*:role/*")))
		t.acct(prodAcct).role("admin", trustAWS(root(idAcct), ""), attach(adminARN))
		return t
	},
	// Conditions on principal-specific keys and tags: evaluated per
	// principal, never per class.
	"sensitive": func() *tsnap {
		t := base()
		t.acct(idAcct).
			group("Self", inline("self", assume("arn:aws:iam::444444444444:role/${aws:username}"))).
			user("lena", inGroup("Self")).
			user("mo", inGroup("Self"))
		tagged := func(x any) { x.(*snapshot.Role).Tags = map[string]string{"team": "platform"} }
		for _, n := range []string{"ci-a", "ci-b", "ci-c", "other"} {
			opts := []opt{attach(adminARN)}
			if n == "ci-a" {
				opts = append(opts, tagged)
			}
			t.acct(devAcct).role(n, trustAWS(root(idAcct), ""), opts...)
			t.acct(stageAcct).role(n, trustAWS(root(idAcct), ""), attach(adminARN))
		}
		t.acct(prodAcct).
			role("lena", trustAWS(root(idAcct), ""), attach(readARN)).
			role("by-account-or-vendor", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalAccount":["111111111111","999999999999"]}}}]}`, attach(readARN)).
			role("by-arn", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/ci-*"},"StringEquals":{"aws:PrincipalOrgID":"o-graphtest1"}}}]}`, attach(readARN)).
			role("by-tag", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalTag/team":"platform","aws:PrincipalOrgID":"o-graphtest1"}}}]}`, attach(readARN))
		return t
	},
	// Roles that trust each other: paths are counted without going round
	// the cycle.
	"cycle": func() *tsnap {
		t := base()
		t.acct(idAcct).user("una", inline("all", assume("*")))
		t.acct(devAcct).
			role("a", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["111111111111","arn:aws:iam::222222222222:role/b"]},"Action":"sts:AssumeRole"}]}`, attach(adminARN)).
			role("b", trustAWS(role(devAcct, "a"), ""), attach(adminARN))
		t.acct(prodAcct).role("t", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::222222222222:role/a","arn:aws:iam::222222222222:role/b"]},"Action":"sts:AssumeRole"}]}`, attach(readARN))
		return t
	},
	// Grants without trust and trusts without grant.
	"mismatch": func() *tsnap {
		t := base()
		t.acct(idAcct).
			user("nora", inline("assume", `{"Version":"2012-10-17","Statement":[{"Sid":"Prod","Effect":"Allow","Action":"sts:AssumeRole","Resource":["arn:aws:iam::444444444444:role/locked","arn:aws:iam::444444444444:role/open"]}]}`)).
			user("oscar")
		t.acct(prodAcct).
			role("locked", trustAWS(root(stageAcct), ""), attach(adminARN)).
			role("open", trustAWS(root(idAcct), ""), attach(adminARN)).
			role("orphan", trustAWS(user(idAcct, "oscar"), ""), attach(adminARN)).
			role("ghost", trustAWS(role(idAcct, "deleted"), ""), attach(adminARN))
		return t
	},
	// Trusts that treat one member of a class apart: a Deny naming one
	// user of a group, a Deny with NotPrincipal, a Deny naming an account
	// under an organization-wide trust, and conditions outsiders can
	// never meet.
	"deny-trust": func() *tsnap {
		t := base()
		t.acct(idAcct).
			group("Developers", inline("all", assume("*"))).
			user("dan", inGroup("Developers")).
			user("eve", inGroup("Developers")).
			user("fay", inGroup("Developers"))
		t.account(stage2Acct, "staging-2", "ou-gt01-staging")
		for _, a := range []string{devAcct, stageAcct, stage2Acct} {
			for _, n := range []string{"runner-1", "runner-2", "runner-3"} {
				t.acct(a).role(n, trustAWS(root(idAcct), ""), inline("all", assume("*")))
			}
		}
		t.acct(prodAcct).
			role("admin", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"},{"Sid":"NotEve","Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111111111111:user/eve"},"Action":"sts:AssumeRole"}]}`, attach(adminARN)).
			role("only-dan", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"},{"Sid":"AllButDan","Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::111111111111:root","arn:aws:iam::111111111111:user/dan"]},"Action":"sts:AssumeRole"}]}`, attach(adminARN)).
			role("no-staging-2", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-graphtest1"}}},{"Sid":"NotStaging2","Effect":"Deny","Principal":{"AWS":"666666666666"},"Action":"sts:AssumeRole"}]}`, attach(readARN)).
			role("by-account", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalAccount":"111111111111"}}}]}`, attach(readARN)).
			role("by-arn", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::333333333333:role/runner-*"}}}]}`, attach(readARN))
		return t
	},
	// Escalation: one caller per method in dev, with the negatives (a
	// boundary, a condition, a role that does not trust the service, an
	// AWS managed policy, a service-linked role) beside it; the same
	// callers in staging-2, where an SCP denies the methods; and a chain
	// from the identity account through dev and staging into prod that
	// mixes assume and escalate edges.
	"escalate": func() *tsnap {
		t := base()
		t.account(stage2Acct, "staging-2", "ou-gt01-staging")
		t.scp("p-noescalation", "NoEscalation", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["iam:CreateAccessKey","iam:UpdateAssumeRolePolicy","iam:PassRole","iam:PutUserPolicy"],"Resource":"*"}]}`, stage2Acct)
		const d, st = devAcct, stageAcct
		s3only := allow("s3:*|*")
		for _, a := range []string{d, stage2Acct} {
			t.acct(a).
				user("victim", tagged("team", "red")).
				user("victim-console").withPassword("victim-console").
				role("target-role", trustAWS(root(a), ""), attach(readARN)).
				role("lambda-exec", trustService("lambda.amazonaws.com", ""), attach(readARN)).
				user("key-maker", inline("keys", allow("iam:CreateAccessKey|arn:aws:iam::"+a+":user/victim"))).
				user("trust-writer", inline("trust", allow("iam:UpdateAssumeRolePolicy|arn:aws:iam::"+a+":role/target-role"))).
				user("lambda-dev", inline("lambda", allow("iam:PassRole|*", "lambda:CreateFunction,lambda:InvokeFunction|*"))).
				user("self-putter", inline("self", allow("iam:PutUserPolicy|arn:aws:iam::"+a+":user/${aws:username}")))
		}
		t.acct(d).policy("NoSTS", s3only).policy("OnlyS3AndBoundary", allow("s3:*|*", "iam:DeleteUserPermissionsBoundary|*")).
			policy("dev-team", s3only).
			role("AWSServiceRoleForSupport", trustService("support.amazonaws.com", ""), rolePath("/aws-service-role/support.amazonaws.com/"), attach(readARN)).
			role("lambda-cond", trustService("lambda.amazonaws.com", `{"StringEquals":{"aws:SourceAccount":"222222222222"}}`), attach(readARN)).
			role("ec2-role", trustService("ec2.amazonaws.com", ""), profiles("ec2-role"), attach(readARN)).
			role("ec2-noprofile", trustService("ec2.amazonaws.com", ""), profiles(), attach(readARN)).
			role("cfn-role", trustService("cloudformation.amazonaws.com", ""), attach(readARN)).
			role("cb-role", trustService("codebuild.amazonaws.com", ""), attach(readARN)).
			role("glue-role", trustService("glue.amazonaws.com", ""), attach(readARN)).
			role("sm-role", trustService("sagemaker.amazonaws.com", ""), attach(readARN)).
			role("ecs-role", trustService("ecs-tasks.amazonaws.com", ""), attach(readARN)).
			role("dp-role", trustService("datapipeline.amazonaws.com", ""), attach(readARN)).
			group("Admins", attach(adminARN)).
			group("SelfService", inline("bots", allow("iam:CreateAccessKey|arn:aws:iam::222222222222:user/${aws:username}-bot"))).
			user("ali", inGroup("SelfService")).user("ops", inGroup("SelfService")).user("ops-bot", inGroup("SelfService")).
			group("Writers", inline("self", allow("iam:PutGroupPolicy|arn:aws:iam::222222222222:group/Writers"))).
			group("Attachers", inline("self", allow("iam:AttachGroupPolicy|arn:aws:iam::222222222222:group/Attachers"))).
			user("bounded-key-maker", inline("keys", allow("iam:CreateAccessKey|*")), boundary("arn:aws:iam::222222222222:policy/NoSTS")).
			user("cond-key-maker", inline("keys", allow(`iam:CreateAccessKey|*|{"StringEquals":{"aws:ResourceTag/team":"blue"}}`))).
			user("mfa-key-maker", inline("keys", allow(`iam:CreateAccessKey|*|{"Bool":{"aws:MultiFactorAuthPresent":"true"}}`)), withMFA()).
			user("console-maker", inline("console", allow("iam:CreateLoginProfile,iam:UpdateLoginProfile|arn:aws:iam::222222222222:user/victim*"))).
			user("slr-writer", inline("trust", allow("iam:UpdateAssumeRolePolicy|arn:aws:iam::222222222222:role/aws-service-role/*"))).
			user("self-attacher", inline("self", allow("iam:AttachUserPolicy|arn:aws:iam::222222222222:user/self-attacher"))).
			user("group-putter", inGroup("Writers")).
			user("group-attacher", inGroup("Attachers")).
			user("policy-writer", attach("arn:aws:iam::222222222222:policy/dev-team"), inline("versions", allow("iam:CreatePolicyVersion|arn:aws:iam::222222222222:policy/dev-team"))).
			user("policy-defaulter", attach("arn:aws:iam::222222222222:policy/dev-team"), inline("versions", allow("iam:SetDefaultPolicyVersion|arn:aws:iam::222222222222:policy/*"))).
			user("policy-writer-aws", attach(readARN), inline("versions", allow("iam:CreatePolicyVersion|*"))).
			user("bounded-admin", attach(adminARN), boundary("arn:aws:iam::222222222222:policy/OnlyS3AndBoundary")).
			user("bounded-weak", inline("s3", allow("s3:*|*", "iam:DeleteUserPermissionsBoundary|*")), boundary("arn:aws:iam::222222222222:policy/OnlyS3AndBoundary")).
			user("joiner", inline("join", allow("iam:AddUserToGroup|arn:aws:iam::222222222222:group/Admins"))).
			role("self-role", trustAWS(root(d), ""), inline("self", allow("iam:PutRolePolicy|arn:aws:iam::222222222222:role/self-role"))).
			role("attach-role", trustAWS(root(d), ""), inline("self", allow("iam:AttachRolePolicy|arn:aws:iam::222222222222:role/attach-role"))).
			user("lambda-nocreate", inline("lambda", allow("iam:PassRole|*", "lambda:InvokeFunction|*"))).
			user("lambda-esm", inline("lambda", allow("iam:PassRole|arn:aws:iam::222222222222:role/lambda-*", "lambda:CreateFunction|arn:aws:lambda:*:222222222222:function:app-*", "lambda:CreateEventSourceMapping|*"))).
			user("lambda-only-passer", inline("pass", allow(`iam:PassRole|*|{"StringEquals":{"iam:PassedToService":"lambda.amazonaws.com"}}`, "lambda:CreateFunction,lambda:InvokeFunction,ec2:RunInstances|*"))).
			user("ec2-dev", inline("ec2", allow("iam:PassRole|*", "ec2:RunInstances|*"))).
			user("ec2-profiler", inline("ec2", allow("iam:PassRole|*", "ec2:RunInstances,iam:CreateInstanceProfile,iam:AddRoleToInstanceProfile|*"))).
			user("cfn-dev", inline("cfn", allow("iam:PassRole|*", "cloudformation:CreateStack|*"))).
			user("cb-dev", inline("cb", allow("iam:PassRole|*", "codebuild:CreateProject,codebuild:StartBuild|*"))).
			user("glue-dev", inline("glue", allow("iam:PassRole|*", "glue:CreateDevEndpoint|*"))).
			user("sm-dev", inline("sm", allow("iam:PassRole|*", "sagemaker:CreateNotebookInstance,sagemaker:CreatePresignedNotebookInstanceUrl|*"))).
			user("ecs-dev", inline("ecs", allow("iam:PassRole|*", "ecs:RegisterTaskDefinition,ecs:RunTask|*"))).
			user("dp-dev", inline("dp", allow("iam:PassRole|*", "datapipeline:CreatePipeline,datapipeline:PutPipelineDefinition,datapipeline:ActivatePipeline|*")))
		// The chain: identity user -> dev hop-a (assume) -> dev chain-lambda
		// (pass-role:lambda) -> staging hop-b (assume) -> staging prod-gate
		// (update-trust) -> prod prod-admin (assume).
		t.acct(idAcct).user("chain-start", inline("hop", assume(role(d, "hop-a"))))
		t.acct(d).
			role("hop-a", trustAWS(root(idAcct), ""), inline("deploy", allow("iam:PassRole|arn:aws:iam::222222222222:role/chain-lambda", "lambda:CreateFunction,lambda:InvokeFunction|*"))).
			role("chain-lambda", trustService("lambda.amazonaws.com", ""), inline("next", assume(role(st, "hop-b"))))
		t.acct(st).
			role("hop-b", trustAWS(role(d, "chain-lambda"), ""), inline("ops", allow("iam:UpdateAssumeRolePolicy|arn:aws:iam::333333333333:role/prod-gate"))).
			role("prod-gate", trustAWS(root(st), ""), inline("next", assume(role(prodAcct, "prod-admin"))))
		t.acct(prodAcct).role("prod-admin", trustAWS(role(st, "prod-gate"), ""), attach(adminARN))
		return t
	},
	// Accounts and principals the snapshot does not describe: a vendor
	// account (with an external id), a partner's role, and a member
	// account whose IAM data could not be read.
	"external": func() *tsnap {
		t := base()
		t.account("555555555555", "suspended", "ou-gt01-dev")
		a := t.acct("555555555555")
		a.a.IAM = nil
		t.s.Metadata.Gaps = append(t.s.Metadata.Gaps, snapshot.Gap{AccountID: "555555555555", Section: snapshot.SectionAccount,
			Operation: "sts:AssumeRole", ErrorCode: "AccessDenied", Message: "cannot assume the audit role"})
		t.acct(prodAcct).
			role("vendor", trustAWS(root("999999999999"), `{"StringEquals":{"sts:ExternalId":"abc-123"}}`), attach(readARN)).
			role("partner", trustAWS(role("888888888888", "partner-ci"), ""), attach(readARN)).
			role("legacy", trustAWS("555555555555", ""), attach(adminARN))
		return t
	},
}

// TestTestdataUpToDate checks that every file of testdata/ is what its
// definition writes, and that it loads with snapshot.Parse.
func TestTestdataUpToDate(t *testing.T) {
	for name, def := range testSnapshots {
		t.Run(name, func(t *testing.T) {
			want := def().json()
			path := filepath.Join("testdata", name+".json")
			if *update {
				if err := os.WriteFile(path, want, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (go test ./internal/graph -run TestTestdataUpToDate -update writes it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s is not what its definition writes (go test ./internal/graph -run TestTestdataUpToDate -update rewrites it)", path)
			}
			if _, err := snapshot.Parse(got); err != nil {
				t.Errorf("%s does not load: %v", path, err)
			}
		})
	}
}

// load parses testdata/name.json and builds its graph.
func load(t *testing.T, name string) *Graph {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	l, err := snapshot.Parse(raw)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	g, err := Build(l.Snapshot)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// loadFixture builds the graph of a bundled fixture.
func loadFixture(t *testing.T, name string) *Graph {
	t.Helper()
	l, err := snapshot.LoadFile(filepath.Join("..", "..", "fixtures", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	g, err := Build(l.Snapshot)
	if err != nil {
		t.Fatal(err)
	}
	return g
}
