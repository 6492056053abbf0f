# METADATA
# title: No customer managed or inline policy grants full administrator access
# description: |
#   A policy of your own that allows every action on every resource ("*" on
#   "*") and is attached to a user, group or role hands out the keys to the
#   whole account, usually far beyond what the principal needs, and unlike
#   the AWS managed AdministratorAccess policy it is easy to miss in a
#   review. The policy evaluator decides it, not string matching: a
#   NotAction or NotResource statement, or several statements that together
#   allow everything, count too; an explicit Deny that takes something away
#   does not. Customer managed policies are reported once with every
#   principal they are attached to, inline policies on their principal.
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
#     description: Apply least-privilege permissions
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
#     description: "IAM JSON policy elements: NotAction"
# custom:
#   id: OA-IAM-011
#   scope: account
#   severity: high
#   remediation: |
#     Replace the policy with one that allows only the actions and resources
#     the principals need (IAM Access Analyzer can generate one from
#     CloudTrail activity); keep full access for a few break-glass roles on
#     the AWS managed AdministratorAccess policy.
#     Console: IAM > Policies > the policy > Entities attached, detach it;
#     for inline policies IAM > Users, Groups or Roles > the principal >
#     Permissions, remove the policy.
#     CLI: aws iam detach-role-policy / detach-user-policy / detach-group-policy
#     --policy-arn ARN; aws iam delete-role-policy / delete-user-policy /
#     delete-group-policy --policy-name NAME
#   frameworks:
#     cis-v3.0.0: ["1.16"]
#     cis-v4.0.0: ["1.16"]
#     cis-v5.0.0: ["1.15"]
#   requires: [iam.authorization_details]
package orgaudit.rules.full_admin_policies

import data.orgaudit.lib

deny contains result if {
	some e in lib.full_admin_policies
	e.kind == "managed"
	count(e.attached_to) > 0
	result := {
		"resource": e.policy_arn,
		"account_id": e.account_id,
		"message": sprintf("Customer managed policy %s in %s grants full administrator access and is attached to %s", [e.policy_name, lib.account_label(e.account_id), concat(", ", e.attached_to)]),
		"evidence": {"attached_to": e.attached_to},
	}
}

deny contains result if {
	some e in lib.full_admin_policies
	e.kind == "inline"
	result := {
		"resource": e.owner_arn,
		"account_id": e.account_id,
		"message": sprintf("Inline policy %s of %s in %s grants full administrator access", [e.policy_name, e.owner_arn, lib.account_label(e.account_id)]),
		"evidence": {"policy_name": e.policy_name},
		"key": sprintf("inline/%s", [e.policy_name]),
	}
}
