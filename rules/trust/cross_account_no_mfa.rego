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
#   scope: account
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
	some t in lib.trust_grants
	t.assume_role
	not t.mfa
	not t.external_id
	principals := [p |
		some p in t.principals
		t.principal_accounts[p] != t.account_id
		not p in t.external
	]
	count(principals) > 0
	result := {
		"resource": t.role_arn,
		"account_id": t.account_id,
		"message": sprintf("Role %s in %s can be assumed from another account without MFA by %s", [t.role_name, lib.account_label(t.account_id), concat(", ", [label(p) | some p in principals])]),
		"evidence": {"statement": t.index, "sid": object.get(t.statement, "Sid", ""), "principals": principals},
		"key": sprintf("statement/%d", [t.index]),
	}
}

label(p) := sprintf("%s [%s]", [p, lib.account_label(lib.principal_account(p))])
