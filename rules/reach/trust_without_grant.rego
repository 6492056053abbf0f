# METADATA
# title: Role trusts a principal that has no permission to assume it
# description: |
#   A role's trust policy names a principal (a user or role ARN, or an
#   account of the organization) that cannot assume it: the principal does
#   not exist in the snapshot although its account was read, or its own
#   identity policies, permissions boundary or SCPs do not allow
#   sts:AssumeRole on the role, or no principal of the trusted account has
#   an identity policy that does. The trust is a dormant door: it opens
#   the moment someone grants the permission on the other side (or
#   recreates a deleted principal with the same name), without anybody
#   touching the role. The policy evaluator decides both sides
#   (input.graph.trusts_without_grant).
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
#     description: Cross-account policy evaluation logic
#   - ref: https://docs.aws.amazon.com/wellarchitected/latest/security-pillar/sec_permissions_analyze_cross_account.html
#     description: "SEC03-BP07: Analyze public and cross-account access"
# custom:
#   id: OA-REACH-005
#   scope: tables
#   severity: medium
#   remediation: |
#     Remove the principal (or account) from the role's trust policy if it
#     should not assume the role; if it should, grant sts:AssumeRole on the
#     role ARN in the principal's identity policy and check its boundary
#     and SCPs.
#     Console: IAM > Roles > the role > Trust relationships > Edit trust policy.
#     CLI: aws iam update-assume-role-policy --role-name ROLE --policy-document file://trust.json
#     Check with: orgaudit simulate --snapshot FILE --principal ARN --action sts:AssumeRole --resource ROLE-ARN
#   frameworks:
#     orgaudit-practices: ["no-dormant-trust"]
#     aws-well-architected-security: ["SEC03-BP07"]
#   requires: [iam.authorization_details, organization.policies]
package orgaudit.rules.reach_trust_without_grant

import data.orgaudit.lib
import data.orgaudit.lib.graph

deny contains result if {
	some m in input.graph.trusts_without_grant
	result := {
		"resource": m.role,
		"account_id": m.role_account,
		"message": sprintf("Role %s in %s trusts %s, which cannot assume it: %s", [m.role, lib.account_label(m.role_account), graph.label(m.principal), m.reason]),
		"evidence": m,
		"key": sprintf("statement/%d/%s", [m.statement, m.principal]),
	}
}
