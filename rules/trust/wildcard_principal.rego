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
#   scope: account
#   severity: critical
#   remediation: |
#     Replace "*" with the account or role ARNs that need the role, or add a
#     condition that limits callers to your organization:
#       "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-xxxxxxxxxx"}}
#     Console: IAM > Roles > the role > Trust relationships > Edit trust policy.
#     CLI: aws iam update-assume-role-policy --role-name ROLE --policy-document file://trust.json
#   frameworks:
#     orgaudit-practices: ["no-public-trust"]
#   requires: [iam.authorization_details]
package orgaudit.rules.wildcard_principal

import data.orgaudit.lib

deny contains result if {
	some t in lib.trust_grants
	"*" in t.principals
	not lib.restricts_principal(t.statement)
	result := {
		"resource": t.role_arn,
		"account_id": t.account_id,
		"message": sprintf("Role %s in %s can be assumed by any AWS principal: its trust policy admits \"*\" without a condition that restricts the caller", [t.role_name, lib.account_label(t.account_id)]),
		"evidence": {
			"statement": t.index,
			"sid": object.get(t.statement, "Sid", ""),
			"actions": lib.actions(t.statement),
			"condition_keys": sort({c.key | some c in lib.conditions(t.statement)}),
		},
		"key": sprintf("statement/%d", [t.index]),
	}
}
