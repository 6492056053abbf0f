# METADATA
# title: Administrative roles that people assume require MFA
# description: |
#   A role with administrator access (the AdministratorAccess policy, or any
#   policy that allows "*" on "*", not capped by a permissions boundary)
#   that people can assume must demand MFA in its trust policy
#   (Bool aws:MultiFactorAuthPresent true, or a Deny without it). People
#   are IAM users, account roots (any user of that account who is allowed
#   sts:AssumeRole) and roles of the identity account; a trust statement
#   that names only services, web identity or SAML providers, other roles
#   (machines), or that carries an sts:ExternalId (a vendor integration) is
#   not human-assumable. OrganizationAccountAccessRole is reported by
#   OA-TRUST-005, "Principal": "*" by OA-TRUST-003.
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html
#     description: Configuring MFA-protected API access
#   - ref: https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AdministratorAccess.html
#     description: AdministratorAccess (AWS managed policy)
# custom:
#   id: OA-TRUST-004
#   scope: account
#   severity: critical
#   remediation: |
#     Add an MFA condition to each trust statement that lets people in:
#       "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
#     Console: IAM > Roles > the role > Trust relationships > Edit trust
#     policy (the cross-account role wizard's "Require MFA" box does this).
#     CLI: aws iam update-assume-role-policy --role-name ROLE --policy-document file://trust.json
#     Make sure the people who use the role have MFA devices first.
#   frameworks:
#     orgaudit-practices: ["cross-account-mfa", "admin-mfa"]
#   requires: [iam.authorization_details]
package orgaudit.rules.admin_no_mfa

import data.orgaudit.lib

# human(p) holds for a principal that people sign in as.
human(p) if lib.principal_kind(p) in {"account", "user"}

human(p) if {
	lib.principal_kind(p) in {"role", "assumed-role"}
	lib.principal_account(p) == lib.identity_account_id
}

deny contains result if {
	some t in lib.trust_grants
	t.assume_role
	not t.mfa
	not t.external_id
	t.role_name != "OrganizationAccountAccessRole"
	grants := lib.admin_roles[t.role_arn]
	people := [p | some p in t.principals; human(p)]
	count(people) > 0
	result := {
		"resource": t.role_arn,
		"account_id": t.account_id,
		"message": sprintf("Administrative role %s in %s (%s) can be assumed without MFA by %s", [t.role_name, lib.account_label(t.account_id), concat(", ", grants), concat(", ", people)]),
		"evidence": {"statement": t.index, "sid": object.get(t.statement, "Sid", ""), "principals": people, "administrator_access": grants},
		"key": sprintf("statement/%d", [t.index]),
	}
}
