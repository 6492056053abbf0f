package mototest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	itypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	otypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
)

// EscalationOrg is what SeedEscalation created: account ids by name
// (tools, dev, staging, sandbox, prod).
type EscalationOrg struct {
	Accounts map[string]string
}

// SeedEscalation builds an organization with one principal per privilege
// escalation method and its negatives, for the access graph's escalation
// edges:
//
//	Root
//	├── OU Tools ── tools: user chain-start (may assume dev's hop-a)
//	├── OU Dev ──── dev: a caller per method (key-maker, console-maker,
//	│               trust-writer, joiner, self-putter, self-attacher,
//	│               group-putter, group-attacher, policy-writer,
//	│               policy-defaulter, roles self-role and attach-role,
//	│               role bounded-admin, lambda-dev, ec2-dev, cfn-dev, cb-dev,
//	│               glue-dev, sm-dev, ecs-dev, dp-dev), the users, roles
//	│               and groups they act on, and the negatives: a boundary
//	│               (role bounded-key-maker), a condition on the victim's tag
//	│               (cond-key-maker), a role that does not trust the service
//	│               (ec2-only), an AWS managed policy (policy-writer-aws);
//	│               hop-a (passes chain-lambda to Lambda) and chain-lambda
//	├── OU Staging ─ staging: hop-b (trusts dev's chain-lambda, may rewrite
//	│               prod-gate's trust) and prod-gate; sandbox: key-maker,
//	│               trust-writer and lambda-dev under an SCP that denies
//	│               their methods
//	└── OU Prod ─── prod: prod-admin (trusts staging's prod-gate)
//
// As in AWS, an account is administered through its
// OrganizationAccountAccessRole.
func (s *Seeder) SeedEscalation(ctx context.Context) (*EscalationOrg, error) {
	o := &EscalationOrg{Accounts: map[string]string{}}
	oc := organizations.NewFromConfig(s.cfg)
	_, root, err := createOrganization(ctx, oc)
	if err != nil {
		return nil, err
	}
	for _, a := range []struct{ name, ou string }{{"tools", "Tools"}, {"dev", "Dev"}, {"staging", "Staging"}, {"sandbox", "Staging"}, {"prod", "Prod"}} {
		ou, err := s.ou(ctx, oc, root, a.ou)
		if err != nil {
			return nil, err
		}
		if o.Accounts[a.name], err = s.CreateAccount(ctx, a.name, ou); err != nil {
			return nil, err
		}
	}
	// As in AWS, SCPs take effect once the policy type is enabled on the root.
	if _, err := oc.EnablePolicyType(ctx, &organizations.EnablePolicyTypeInput{RootId: aws.String(root), PolicyType: otypes.PolicyTypeServiceControlPolicy}); err != nil {
		return nil, fmt.Errorf("enable scps: %w", err)
	}
	deny := escDoc(`{"Effect":"Deny","Action":["iam:CreateAccessKey","iam:UpdateAssumeRolePolicy","iam:PassRole","iam:PutUserPolicy"],"Resource":"*"}`)
	p, err := oc.CreatePolicy(ctx, &organizations.CreatePolicyInput{Name: aws.String("NoEscalation"), Description: aws.String("NoEscalation"),
		Type: otypes.PolicyTypeServiceControlPolicy, Content: aws.String(deny)})
	if err != nil {
		return nil, fmt.Errorf("create scp: %w", err)
	}
	if _, err := oc.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: p.Policy.PolicySummary.Id, TargetId: aws.String(o.Accounts["sandbox"])}); err != nil {
		return nil, fmt.Errorf("attach scp: %w", err)
	}
	acct := o.Accounts
	for _, a := range []string{"dev", "sandbox"} {
		if err := s.seedEscalationCallers(ctx, acct[a], a == "dev"); err != nil {
			return nil, err
		}
	}
	chain := map[string][]escStep{
		"tools": {{op: "user", name: "chain-start"}, {op: "user-inline", name: "chain-start", doc: allowAction("sts:AssumeRole", "arn:aws:iam::"+acct["dev"]+":role/hop-a")}},
		"dev": {
			{op: "role", name: "hop-a", doc: trustPrincipal(`{"AWS":"arn:aws:iam::` + acct["tools"] + `:root"}`)},
			{op: "role-inline", name: "hop-a", doc: escDoc(allowStmt("iam:PassRole", "arn:aws:iam::"+acct["dev"]+":role/chain-lambda"), allowStmt("lambda:CreateFunction,lambda:InvokeFunction", "*"))},
			{op: "role", name: "chain-lambda", doc: trustPrincipal(`{"Service":"lambda.amazonaws.com"}`)},
			{op: "role-inline", name: "chain-lambda", doc: allowAction("sts:AssumeRole", "arn:aws:iam::"+acct["staging"]+":role/hop-b")},
		},
		"staging": {
			{op: "role", name: "hop-b", doc: trustPrincipal(`{"AWS":"arn:aws:iam::` + acct["dev"] + `:role/chain-lambda"}`)},
			{op: "role-inline", name: "hop-b", doc: allowAction("iam:UpdateAssumeRolePolicy", "arn:aws:iam::"+acct["staging"]+":role/prod-gate")},
			{op: "role", name: "prod-gate", doc: trustPrincipal(`{"AWS":"arn:aws:iam::` + acct["staging"] + `:root"}`)},
			{op: "role-inline", name: "prod-gate", doc: allowAction("sts:AssumeRole", "arn:aws:iam::"+acct["prod"]+":role/prod-admin")},
		},
		"prod": {
			{op: "role", name: "prod-admin", doc: trustPrincipal(`{"AWS":"arn:aws:iam::` + acct["staging"] + `:role/prod-gate"}`)},
			{op: "role-attach", name: "prod-admin", doc: adminPolicy},
		},
	}
	for _, a := range []string{"tools", "dev", "staging", "prod"} {
		if err := s.seedSteps(ctx, acct[a], chain[a]); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// ou returns the id of the OU named name under parent, creating it.
func (s *Seeder) ou(ctx context.Context, oc *organizations.Client, parent, name string) (string, error) {
	list, err := oc.ListOrganizationalUnitsForParent(ctx, &organizations.ListOrganizationalUnitsForParentInput{ParentId: aws.String(parent)})
	if err != nil {
		return "", fmt.Errorf("list ous: %w", err)
	}
	for _, ou := range list.OrganizationalUnits {
		if aws.ToString(ou.Name) == name {
			return aws.ToString(ou.Id), nil
		}
	}
	out, err := oc.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{Name: aws.String(name), ParentId: aws.String(parent)})
	if err != nil {
		return "", fmt.Errorf("create ou %s: %w", name, err)
	}
	return aws.ToString(out.OrganizationalUnit.Id), nil
}

const adminPolicy = "arn:aws:iam::aws:policy/AdministratorAccess"

// seedEscalationCallers seeds the callers of every method and what they
// act on; all of it in dev, the SCP-denied subset in sandbox.
func (s *Seeder) seedEscalationCallers(ctx context.Context, account string, all bool) error {
	a := "arn:aws:iam::" + account + ":"
	steps := []escStep{
		{op: "user", name: "victim", tags: map[string]string{"team": "red"}},
		{op: "role", name: "target-role", doc: trustPrincipal(`{"AWS":"` + a + `root"}`)},
		{op: "role", name: "lambda-exec", doc: trustPrincipal(`{"Service":"lambda.amazonaws.com"}`)},
		{op: "user", name: "key-maker"}, {op: "user-inline", name: "key-maker", doc: allowAction("iam:CreateAccessKey", a+"user/victim")},
		{op: "user", name: "trust-writer"}, {op: "user-inline", name: "trust-writer", doc: allowAction("iam:UpdateAssumeRolePolicy", a+"role/target-role")},
		{op: "user", name: "lambda-dev"}, {op: "user-inline", name: "lambda-dev", doc: escDoc(allowStmt("iam:PassRole", "*"), allowStmt("lambda:CreateFunction,lambda:InvokeFunction", "*"))},
		{op: "user", name: "self-putter"}, {op: "user-inline", name: "self-putter", doc: allowAction("iam:PutUserPolicy", a+"user/${aws:username}")},
	}
	if all {
		steps = append(steps,
			// Negatives: a boundary, a condition on the victim's tag, a role
			// that does not trust the service, an AWS managed policy.
			escStep{op: "policy", name: "s3-only", doc: escDoc(allowStmt("s3:*", "*"), allowStmt("iam:DeleteRolePermissionsBoundary", "*"))},
			escStep{op: "role", name: "bounded-key-maker", doc: trustPrincipal(`{"AWS":"` + a + `root"}`), boundary: a + "policy/s3-only"},
			escStep{op: "role-inline", name: "bounded-key-maker", doc: allowAction("iam:CreateAccessKey", "*")},
			escStep{op: "user", name: "cond-key-maker"},
			escStep{op: "user-inline", name: "cond-key-maker", doc: escDoc(`{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"blue"}}}`)},
			escStep{op: "role", name: "ec2-only", doc: trustPrincipal(`{"Service":"ec2.amazonaws.com"}`)},
			escStep{op: "user", name: "policy-writer-aws"}, escStep{op: "user-attach", name: "policy-writer-aws", doc: "arn:aws:iam::aws:policy/ReadOnlyAccess"},
			escStep{op: "user-inline", name: "policy-writer-aws", doc: allowAction("iam:CreatePolicyVersion", "*")},
			// Take over: console passwords.
			escStep{op: "user", name: "console-maker"}, escStep{op: "user-inline", name: "console-maker", doc: allowAction("iam:CreateLoginProfile,iam:UpdateLoginProfile", a+"user/victim")},
			// Join a group.
			escStep{op: "group", name: "Admins"}, escStep{op: "group-attach", name: "Admins", doc: adminPolicy},
			escStep{op: "user", name: "joiner"}, escStep{op: "user-inline", name: "joiner", doc: allowAction("iam:AddUserToGroup", a+"group/Admins")},
			// Raise one's own permissions.
			escStep{op: "user", name: "self-attacher"}, escStep{op: "user-inline", name: "self-attacher", doc: allowAction("iam:AttachUserPolicy", a+"user/self-attacher")},
			escStep{op: "group", name: "Writers"}, escStep{op: "group-inline", name: "Writers", doc: allowAction("iam:PutGroupPolicy", a+"group/Writers")},
			escStep{op: "user", name: "group-putter"}, escStep{op: "add-to-group", name: "group-putter", doc: "Writers"},
			escStep{op: "group", name: "Attachers"}, escStep{op: "group-inline", name: "Attachers", doc: allowAction("iam:AttachGroupPolicy", a+"group/Attachers")},
			escStep{op: "user", name: "group-attacher"}, escStep{op: "add-to-group", name: "group-attacher", doc: "Attachers"},
			escStep{op: "policy", name: "dev-team", doc: allowAction("s3:ListBucket", "*")},
			escStep{op: "user", name: "policy-writer"}, escStep{op: "user-attach", name: "policy-writer", doc: a + "policy/dev-team"},
			escStep{op: "user-inline", name: "policy-writer", doc: allowAction("iam:CreatePolicyVersion", a+"policy/dev-team")},
			escStep{op: "user", name: "policy-defaulter"}, escStep{op: "user-attach", name: "policy-defaulter", doc: a + "policy/dev-team"},
			escStep{op: "user-inline", name: "policy-defaulter", doc: allowAction("iam:SetDefaultPolicyVersion", a+"policy/*")},
			escStep{op: "role", name: "self-role", doc: trustPrincipal(`{"AWS":"` + a + `root"}`)},
			escStep{op: "role-inline", name: "self-role", doc: allowAction("iam:PutRolePolicy", a+"role/self-role")},
			escStep{op: "role", name: "attach-role", doc: trustPrincipal(`{"AWS":"` + a + `root"}`)},
			escStep{op: "role-inline", name: "attach-role", doc: allowAction("iam:AttachRolePolicy", a+"role/attach-role")},
			escStep{op: "role", name: "bounded-admin", doc: trustPrincipal(`{"AWS":"` + a + `root"}`), boundary: a + "policy/s3-only"},
			escStep{op: "role-attach", name: "bounded-admin", doc: adminPolicy},
		)
		// Pass a role to a service that runs code: one role trusting each
		// service, one caller allowed each method.
		for _, m := range []struct{ caller, role, service, actions string }{
			{"ec2-dev", "ec2-role", "ec2.amazonaws.com", "ec2:RunInstances"},
			{"cfn-dev", "cfn-role", "cloudformation.amazonaws.com", "cloudformation:CreateStack"},
			{"cb-dev", "cb-role", "codebuild.amazonaws.com", "codebuild:CreateProject,codebuild:StartBuild"},
			{"glue-dev", "glue-role", "glue.amazonaws.com", "glue:CreateDevEndpoint"},
			{"sm-dev", "sm-role", "sagemaker.amazonaws.com", "sagemaker:CreateNotebookInstance,sagemaker:CreatePresignedNotebookInstanceUrl"},
			{"ecs-dev", "ecs-role", "ecs-tasks.amazonaws.com", "ecs:RegisterTaskDefinition,ecs:RunTask"},
			{"dp-dev", "dp-role", "datapipeline.amazonaws.com", "datapipeline:CreatePipeline,datapipeline:PutPipelineDefinition,datapipeline:ActivatePipeline"},
		} {
			steps = append(steps,
				escStep{op: "role", name: m.role, doc: trustPrincipal(`{"Service":"` + m.service + `"}`)},
				escStep{op: "user", name: m.caller},
				escStep{op: "user-inline", name: m.caller, doc: escDoc(allowStmt("iam:PassRole", a+"role/"+m.role), allowStmt(m.actions, "*"))},
			)
		}
		steps = append(steps, escStep{op: "instance-profile", name: "ec2-role", doc: "ec2-role"})
	}
	return s.seedSteps(ctx, account, steps)
}

// escStep is one IAM write: op names the call, name the entity, doc the
// document, policy ARN or group the call takes.
type escStep struct {
	op, name, doc string
	tags          map[string]string
	boundary      string
}

func (s *Seeder) seedSteps(ctx context.Context, account string, steps []escStep) error {
	cfg, err := s.AccountConfig(ctx, account)
	if err != nil {
		return err
	}
	ic := iam.NewFromConfig(cfg)
	for i, st := range steps {
		if err := escCall(ctx, ic, st); err != nil {
			return fmt.Errorf("seed account %s, step %d (%s %s): %w", account, i+1, st.op, st.name, err)
		}
	}
	return nil
}

func escCall(ctx context.Context, ic *iam.Client, st escStep) error {
	n := aws.String(st.name)
	var err error
	switch st.op {
	case "user":
		var tags []itypes.Tag
		for k, v := range st.tags {
			tags = append(tags, itypes.Tag{Key: aws.String(k), Value: aws.String(v)})
		}
		_, err = ic.CreateUser(ctx, &iam.CreateUserInput{UserName: n, Tags: tags})
	case "user-inline":
		_, err = ic.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: n, PolicyName: aws.String("escalation"), PolicyDocument: aws.String(st.doc)})
	case "user-attach":
		_, err = ic.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: n, PolicyArn: aws.String(st.doc)})
	case "role":
		in := &iam.CreateRoleInput{RoleName: n, AssumeRolePolicyDocument: aws.String(st.doc)}
		if st.boundary != "" {
			in.PermissionsBoundary = aws.String(st.boundary)
		}
		_, err = ic.CreateRole(ctx, in)
	case "role-inline":
		_, err = ic.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: n, PolicyName: aws.String("escalation"), PolicyDocument: aws.String(st.doc)})
	case "role-attach":
		_, err = ic.AttachRolePolicy(ctx, &iam.AttachRolePolicyInput{RoleName: n, PolicyArn: aws.String(st.doc)})
	case "group":
		_, err = ic.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: n})
	case "group-inline":
		_, err = ic.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: n, PolicyName: aws.String("escalation"), PolicyDocument: aws.String(st.doc)})
	case "group-attach":
		_, err = ic.AttachGroupPolicy(ctx, &iam.AttachGroupPolicyInput{GroupName: n, PolicyArn: aws.String(st.doc)})
	case "add-to-group":
		_, err = ic.AddUserToGroup(ctx, &iam.AddUserToGroupInput{UserName: n, GroupName: aws.String(st.doc)})
	case "policy":
		_, err = ic.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: n, PolicyDocument: aws.String(st.doc)})
	case "instance-profile":
		if _, err = ic.CreateInstanceProfile(ctx, &iam.CreateInstanceProfileInput{InstanceProfileName: n}); err == nil {
			_, err = ic.AddRoleToInstanceProfile(ctx, &iam.AddRoleToInstanceProfileInput{InstanceProfileName: n, RoleName: aws.String(st.doc)})
		}
	default:
		err = fmt.Errorf("unknown seeding step %q", st.op)
	}
	return err
}

// escDoc wraps statements (JSON objects) in a policy document.
func escDoc(stmts ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
}

// allowStmt is an Allow statement of comma-separated actions on resource.
func allowStmt(actions, resource string) string {
	acts, _ := json.Marshal(strings.Split(actions, ","))
	res, _ := json.Marshal(resource)
	return `{"Effect":"Allow","Action":` + string(acts) + `,"Resource":` + string(res) + `}`
}

func allowAction(actions, resource string) string { return escDoc(allowStmt(actions, resource)) }

func trustPrincipal(principal string) string {
	return escDoc(`{"Effect":"Allow","Principal":` + principal + `,"Action":"sts:AssumeRole"}`)
}
