# METADATA
# title: No principal outside production reaches it only by privilege escalation
# description: |
#   Role assumption is not the only way into production. A principal that
#   may rewrite a role's trust policy (iam:UpdateAssumeRolePolicy), create
#   credentials for another user (iam:CreateAccessKey,
#   iam:CreateLoginProfile), raise its own permissions (iam:PutUserPolicy,
#   iam:AttachRolePolicy, iam:CreatePolicyVersion...), join a group, or pass
#   a role to a service that runs its code (iam:PassRole with
#   lambda:CreateFunction, ec2:RunInstances, cloudformation:CreateStack...)
#   becomes that other principal, and from there may reach production. The
#   access graph (input.graph) decides every step with the policy evaluator
#   (identity policies, boundaries, SCPs, trust policies, conditions kept
#   as conditions); this rule reports the principals outside production
#   that reach it through an escalation on every path, which a review of
#   trust policies alone does not show. Production comes from the
#   configuration file; without it the rule reports nothing and says so in
#   not_evaluated.
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html
#     description: Grant a user permissions to pass a role to an AWS service
#   - ref: https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAssumeRolePolicy.html
#     description: IAM API Reference — UpdateAssumeRolePolicy
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
#     description: Security best practices in IAM — apply least-privilege permissions
#   - ref: https://docs.aws.amazon.com/wellarchitected/latest/security-pillar/sec_permissions_least_privileges.html
#     description: "SEC03-BP02: Grant least privilege access"
# custom:
#   id: OA-REACH-007
#   scope: tables
#   severity: high
#   remediation: |
#     Remove the permission the first escalation hop uses (the finding's
#     path names its kind; orgaudit paths --from PRINCIPAL shows the
#     actions, the resource and the statements that grant them). Scope IAM
#     write actions to the principals they are meant for, never the
#     principal's own account at large; allow iam:PassRole only on the roles
#     a pipeline deploys, with an iam:PassedToService condition; or protect
#     the roles on the path with a permissions boundary or an SCP denying
#     iam:UpdateAssumeRolePolicy and iam:PassRole outside the deployment
#     roles.
#     Console: IAM > Users, Groups or Roles > the policy > Edit.
#     CLI: aws iam put-user-policy / put-role-policy / create-policy-version --set-as-default.
#     Check with: orgaudit paths --snapshot FILE --to env:production --edges escalate
#   frameworks:
#     orgaudit-practices: ["no-privilege-escalation"]
#     aws-well-architected-security: ["SEC03-BP02"]
#   requires: [iam.authorization_details, organization.policies, identity_center]
package orgaudit.rules.reach_escalate_into_prod

import data.orgaudit.lib.graph

deny contains result if {
	some id, r in graph.production_reach
	r.escalation_required
	result := {
		"resource": id,
		"account_id": object.get(r, "account_id", ""),
		"message": sprintf("%s reaches production only by privilege escalation: %s", [graph.label(id), graph.path_text_kinds(r.path, r.path_kinds)]),
		"evidence": {"path": r.path, "path_kinds": r.path_kinds, "hops": r.hops, "paths": r.paths, "mfa_required": r.mfa_required},
	}
}

# not_evaluated says why the rule could not decide (see docs/paths.md).
not_evaluated contains {"section": "config.environments.production", "reason": reason} if {
	some reason in graph.production_not_evaluated
}
