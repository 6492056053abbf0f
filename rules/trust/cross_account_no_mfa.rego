# METADATA
# title: Cross-account role trust requires MFA
# description: |
#   A role that principals of another account can assume should require
#   multi-factor authentication in its trust policy
#   (Bool aws:MultiFactorAuthPresent true), the "Require MFA" box of the
#   console's cross-account role wizard. Without it, one leaked access key in
#   the trusted account is enough to move into this account. BoolIfExists
#   does not count: long-term access keys carry no MFA key and pass it.
#   Principals outside the organization, and trusts that carry an
#   sts:ExternalId condition, are third-party integrations and are checked by
#   OA-TRUST-002 instead.
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html
#     description: Configuring MFA-protected API access
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/tutorial_cross-account-with-roles.html
#     description: "IAM tutorial: Delegate access across AWS accounts using IAM roles"
# custom:
#   id: OA-TRUST-001
#   severity: high
#   remediation: |
#     Add an MFA condition to the trust statement:
#       "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
#     Console: IAM > Roles > the role > Trust relationships > Edit trust policy.
#     CLI: aws iam update-assume-role-policy --role-name ROLE --policy-document file://trust.json
#     Then make sure the people who assume the role have MFA devices.
#   frameworks:
#     orgaudit-practices: ["cross-account-mfa"]
#   requires: [iam.authorization_details]
package orgaudit.rules.cross_account_no_mfa

import data.orgaudit.lib

deny contains result if {
	some account in lib.iam_accounts
	some role in account.iam.roles
	not lib.is_service_linked(role)
	some [i, stmt] in lib.trust_statements(role)
	not lib.trust_requires_mfa(role, stmt)
	not lib.has_condition_key(stmt, "sts:ExternalId")
	principals := sort([p |
		some p in lib.aws_principals(stmt)
		lib.principal_account(p) != account.id
		not lib.outside_organization(p)
	])
	count(principals) > 0
	result := {
		"resource": role.arn,
		"account_id": account.id,
		"message": sprintf("Role %s in %s can be assumed from another account without MFA by %s", [role.name, lib.account_label(account.id), concat(", ", [label(p) | some p in principals])]),
		"evidence": {"statement": i, "sid": object.get(stmt, "Sid", ""), "principals": principals},
		"key": sprintf("statement/%d", [i]),
	}
}

label(p) := sprintf("%s [%s]", [p, lib.account_label(lib.principal_account(p))])
