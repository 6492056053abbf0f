# METADATA
# title: Trust policy does not admit any principal without a restricting condition
# description: |
#   "Principal": "*" (or {"AWS": "*"}) in a trust policy lets every AWS
#   principal in every account try to assume the role. Unless a condition
#   pins the caller down (aws:PrincipalOrgID, aws:PrincipalAccount,
#   aws:PrincipalArn, aws:SourceAccount, ...) with a positive match, anyone
#   who learns the role ARN can get in. An sts:ExternalId alone is a shared
#   secret, not a restriction on who the caller is.
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-anonymous
#     description: "AWS JSON policy elements: Principal (all principals)"
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid
#     description: aws:PrincipalOrgID
# custom:
#   id: OA-TRUST-003
#   severity: critical
#   remediation: |
#     Replace "*" with the account or role ARNs that need the role, or add a
#     condition that limits callers to your organization:
#       "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-xxxxxxxxxx"}}
#     aws iam update-assume-role-policy --role-name ROLE --policy-document file://trust.json
#   frameworks:
#     orgaudit-practices: ["no-public-trust"]
#   requires: [iam.authorization_details]
package orgaudit.rules.wildcard_principal

import data.orgaudit.lib

deny contains result if {
	some account in lib.iam_accounts
	some role in account.iam.roles
	some i, stmt in lib.statements(role.trust_policy)
	stmt.Effect == "Allow"
	"*" in lib.aws_principals(stmt)
	not lib.restricts_principal(stmt)
	result := {
		"resource": role.arn,
		"account_id": account.id,
		"message": sprintf("Role %s in %s can be assumed by any AWS principal: its trust policy admits \"*\" without a condition that restricts the caller", [role.name, lib.account_label(account.id)]),
		"evidence": {
			"statement": i,
			"sid": object.get(stmt, "Sid", ""),
			"actions": lib.actions(stmt),
			"condition_keys": sort({c.key | some c in lib.conditions(stmt)}),
		},
		"key": sprintf("statement/%d", [i]),
	}
}
