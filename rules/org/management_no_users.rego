# METADATA
# title: Management account holds no IAM users
# description: |
#   Once people sign in through an identity account or IAM Identity Center,
#   IAM users left in the management account are a side door into the most
#   powerful account of the organization, the one service control policies
#   do not restrict. Each such user is reported when an identity account is
#   designated (configuration identity_account, or inferred from account
#   names) or Identity Center has account assignments. When neither is
#   known the rule is not evaluated; designating the management account
#   itself as identity_account records that people live there on purpose
#   and the rule passes.
# related_resources:
#   - ref: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_best-practices_mgmt-acct.html
#     description: Best practices for the management account
#   - ref: https://docs.aws.amazon.com/singlesignon/latest/userguide/what-is.html
#     description: What is IAM Identity Center?
# custom:
#   id: OA-ORG-005
#   scope: account
#   severity: high
#   remediation: |
#     Move each person to the identity account or Identity Center first, then
#     remove the user.
#     Console: IAM > Users in the management account, select the user, remove
#     its access keys, console password, MFA devices, group memberships and
#     policies, then Delete.
#     CLI: aws iam list-access-keys --user-name USER, aws iam delete-access-key,
#     aws iam delete-login-profile, aws iam remove-user-from-group,
#     aws iam detach-user-policy, aws iam delete-user-policy, then
#     aws iam delete-user --user-name USER
#   frameworks:
#     orgaudit-practices: ["management-account-minimal"]
#     cis-v3.0.0: ["1.21"]
#     cis-v4.0.0: ["1.21"]
#     cis-v5.0.0: ["1.20"]
#   requires: [organization, iam.authorization_details, identity_center]
package orgaudit.rules.management_no_users

import data.orgaudit.lib

people_elsewhere := sprintf("the identity account %s", [lib.account_label(lib.identity_account_id)]) if {
	lib.identity_account_id != lib.management_account_id
}

else := "IAM Identity Center" if lib.identity_center_in_use

deny contains result if {
	where := people_elsewhere
	some account in lib.iam_accounts
	lib.is_management(account.id)
	some user in account.iam.users
	result := {
		"resource": user.arn,
		"account_id": account.id,
		"message": sprintf("IAM user %s lives in the management account %s although people sign in through %s", [user.name, lib.account_label(account.id), where]),
		"evidence": {"user": user.name, "groups": user.groups, "people_sign_in_through": where},
	}
}

not_evaluated contains {"section": "config.identity_account", "reason": "no identity account is designated or recognized and Identity Center has no assignments: set identity_account in .orgaudit.yaml"} if {
	input.organization != null
	not lib.identity_account_id
	not lib.identity_center_in_use
}
