# METADATA
# title: OrganizationAccountAccessRole is not an open administrator door from the management account
# description: |
#   AWS Organizations creates OrganizationAccountAccessRole in every account
#   it creates: administrator access (an inline AdministratorAccess policy)
#   trusted by the whole management account, without MFA. Anyone in the
#   management account allowed sts:AssumeRole, or any leaked management
#   credential, is then administrator of every member account. Reported
#   when the role still holds administrator access and a trust statement
#   admits a management-account principal without requiring MFA.
# related_resources:
#   - ref: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_access-cross-account-role.html
#     description: Accessing a member account that has a management account access role
# custom:
#   id: OA-TRUST-005
#   scope: account
#   severity: high
#   remediation: |
#     Either require MFA in its trust policy
#       "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
#     and restrict the principal to a break-glass role, or replace
#     AdministratorAccess with the permissions the management account
#     really needs (or delete the role and use Identity Center).
#     Console: IAM > Roles > OrganizationAccountAccessRole > Trust
#     relationships > Edit trust policy; Permissions > Remove.
#     CLI: aws iam update-assume-role-policy --role-name OrganizationAccountAccessRole --policy-document file://trust.json
#     aws iam delete-role-policy --role-name OrganizationAccountAccessRole --policy-name AdministratorAccess
#     aws iam detach-role-policy --role-name OrganizationAccountAccessRole --policy-arn arn:aws:iam::aws:policy/AdministratorAccess
#   frameworks:
#     orgaudit-practices: ["cross-account-mfa", "organization-access-role"]
#   requires: [organization, iam.authorization_details]
package orgaudit.rules.org_access_role

import data.orgaudit.lib

deny contains result if {
	some t in lib.trust_grants
	t.role_name == "OrganizationAccountAccessRole"
	t.assume_role
	not t.mfa
	grants := lib.admin_roles[t.role_arn]
	from_management := [p |
		some p in t.principals
		t.principal_accounts[p] == lib.management_account_id
	]
	count(from_management) > 0
	result := {
		"resource": t.role_arn,
		"account_id": t.account_id,
		"message": sprintf("OrganizationAccountAccessRole in %s still holds administrator access (%s) and trusts the management account without MFA (%s)", [lib.account_label(t.account_id), concat(", ", grants), concat(", ", from_management)]),
		"evidence": {"statement": t.index, "principals": from_management, "administrator_access": grants},
		"key": sprintf("statement/%d", [t.index]),
	}
}
