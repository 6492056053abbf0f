# METADATA
# title: Identity policy grants sts:AssumeRole on a role whose trust does not admit the principal
# description: |
#   An identity policy names a role by its exact ARN in an sts:AssumeRole
#   statement, but the role's trust policy does not admit that principal,
#   so the grant cannot be used. Such grants are left over from a role
#   whose trust was narrowed, point at the wrong account, or wait for
#   someone to widen the trust policy: each is either dead permission
#   (remove it, least privilege) or a broken access path someone will
#   "fix" by loosening the trust. The policy evaluator decides admission
#   (input.graph.grants_without_trust): conditions the principal could meet
#   at request time, such as MFA, count as admitting it. Grants with
#   wildcards in the role ARN are not checked.
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_permissions-to-switch.html
#     description: Granting a user permissions to switch roles
#   - ref: https://docs.aws.amazon.com/wellarchitected/latest/security-pillar/sec_permissions_least_privileges.html
#     description: "SEC03-BP02: Grant least privilege access"
# custom:
#   id: OA-REACH-004
#   severity: low
#   remediation: |
#     Remove the role from the statement's Resource if the access is not
#     needed; otherwise add the principal (or its account) to the role's
#     trust policy, with an MFA condition.
#     Console: IAM > Users, Groups or Roles > the policy > Edit; or IAM >
#     Roles > the role > Trust relationships > Edit trust policy.
#     CLI: aws iam put-user-policy / put-group-policy / put-role-policy or
#     aws iam create-policy-version --set-as-default for managed policies;
#     aws iam update-assume-role-policy for the trust policy.
#     Check with: orgaudit simulate --snapshot FILE --principal ARN --action sts:AssumeRole --resource ROLE-ARN
#   frameworks:
#     orgaudit-practices: ["no-dangling-grants"]
#     aws-well-architected-security: ["SEC03-BP02"]
#   requires: [iam.authorization_details, organization.policies]
package orgaudit.rules.reach_grant_without_trust

import data.orgaudit.lib.graph

deny contains result if {
	some m in input.graph.grants_without_trust
	result := {
		"resource": m.principal,
		"account_id": m.principal_account,
		"message": sprintf("%s is granted sts:AssumeRole on %s by %s (statement %d), but the role's trust policy does not admit it", [graph.label(m.principal), m.role, m.policy, m.statement]),
		"evidence": m,
		"key": sprintf("%s/%s/%d", [m.role, m.policy, m.statement]),
	}
}
