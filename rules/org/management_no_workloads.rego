# METADATA
# title: Management account runs no workloads
# description: |
#   The management account should only manage the organization and pay the
#   bill: service control policies do not apply to it, so a compromised
#   workload there can reach every account through
#   OrganizationAccountAccessRole. A role in the management account that a
#   compute or pipeline service can assume (EC2, Lambda, ECS tasks, EKS,
#   Batch, Step Functions, Glue, SageMaker, CodeBuild, App Runner, Elastic
#   Beanstalk) or that a CI system federates into through OpenID Connect is
#   evidence of a workload and is reported.
# related_resources:
#   - ref: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_best-practices_mgmt-acct.html#bp_mgmt-acct_use-mgmt
#     description: Use the management account only for tasks that require it
# custom:
#   id: OA-ORG-006
#   scope: account
#   severity: medium
#   remediation: |
#     Move the workload to a member account in a workload OU, then delete
#     its role from the management account.
#     Console: IAM > Roles in the management account, open the role, check
#     "Last activity", and Delete it once the workload has moved.
#     CLI: aws iam get-role --role-name ROLE --query Role.RoleLastUsed,
#     aws iam list-attached-role-policies / detach-role-policy,
#     aws iam list-role-policies / delete-role-policy, aws iam list-instance-profiles-for-role /
#     remove-role-from-instance-profile, then aws iam delete-role --role-name ROLE
#   frameworks:
#     orgaudit-practices: ["management-account-minimal"]
#   requires: [organization, iam.authorization_details]
package orgaudit.rules.management_no_workloads

import data.orgaudit.lib

workload_services := {
	"ec2.amazonaws.com",
	"lambda.amazonaws.com",
	"ecs-tasks.amazonaws.com",
	"ecs.amazonaws.com",
	"eks.amazonaws.com",
	"eks-fargate-pods.amazonaws.com",
	"pods.eks.amazonaws.com",
	"batch.amazonaws.com",
	"states.amazonaws.com",
	"glue.amazonaws.com",
	"sagemaker.amazonaws.com",
	"codebuild.amazonaws.com",
	"build.apprunner.amazonaws.com",
	"tasks.apprunner.amazonaws.com",
	"elasticbeanstalk.amazonaws.com",
	"elasticmapreduce.amazonaws.com",
}

signals(role) := sort(array.concat(
	[sprintf("service %s", [svc]) |
		some s in lib.statements(role.trust_policy)
		s.Effect == "Allow"
		some svc in lib.as_array(object.get(object.get(s, "Principal", {}), "Service", []))
		svc in workload_services
	],
	[sprintf("OIDC provider %s", [f]) |
		some s in lib.statements(role.trust_policy)
		s.Effect == "Allow"
		some f in lib.as_array(object.get(object.get(s, "Principal", {}), "Federated", []))
		contains(f, ":oidc-provider/")
	],
))

deny contains result if {
	some account in lib.iam_accounts
	lib.is_management(account.id)
	some role in account.iam.roles
	not lib.is_service_linked(role)
	found := signals(role)
	count(found) > 0
	result := {
		"resource": role.arn,
		"account_id": account.id,
		"message": sprintf("Role %s in the management account %s is assumable by %s: a workload runs in the management account", [role.name, lib.account_label(account.id), concat(", ", found)]),
		"evidence": {"assumable_by": found, "last_used": object.get(role, ["last_used", "date"], "")},
	}
}
