# METADATA
# title: IAM users live only in the identity account
# description: |
#   With an identity account, people (and the few machine users that cannot
#   use roles) are IAM users in that one account and reach every other
#   account by assuming roles. IAM users anywhere else are credentials
#   nobody reviews in one place: they escape the identity account's
#   password policy, MFA enforcement and offboarding. Users in the
#   management account are reported by OA-ORG-005. The identity account is
#   identity_account in .orgaudit.yaml, or inferred when exactly one account
#   is named like "identity". Without one, when IAM Identity Center has
#   account assignments, people sign in there: every IAM user with a console
#   password (credential report) outside the management account is reported
#   (users without one are machine credentials with nowhere else to live).
#   With neither the rule is not evaluated. Together with OA-ORG-005 it is
#   CIS control "IAM users are managed centrally".
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/tutorial_cross-account-with-roles.html
#     description: "IAM tutorial: Delegate access across AWS accounts using IAM roles"
#   - ref: https://docs.aws.amazon.com/whitepapers/latest/organizing-your-aws-environment/security-ou-and-accounts.html
#     description: Security OU and accounts
# custom:
#   id: OA-IAM-001
#   scope: account
#   severity: medium
#   remediation: |
#     Create the person in the identity account (or Identity Center), give
#     them a role in this account through a group that allows sts:AssumeRole
#     on it, then delete the local user.
#     Console: IAM > Users, select the user, remove its keys, password, MFA,
#     groups and policies, then Delete.
#     CLI: aws iam delete-login-profile --user-name USER,
#     aws iam delete-access-key --user-name USER --access-key-id KEY, then
#     aws iam delete-user --user-name USER
#   frameworks:
#     orgaudit-practices: ["identity-account"]
#     cis-v3.0.0: ["1.21"]
#     cis-v4.0.0: ["1.21"]
#     cis-v5.0.0: ["1.20"]
#   requires: [iam.authorization_details]
package orgaudit.rules.users_in_identity_account

import data.orgaudit.lib

deny contains result if {
	identity := lib.identity_account_id
	some account in lib.iam_accounts
	account.id != identity
	not lib.is_management(account.id)
	some user in account.iam.users
	result := {
		"resource": user.arn,
		"account_id": account.id,
		"message": sprintf("IAM user %s lives in %s instead of the identity account %s", [user.name, lib.account_label(account.id), lib.account_label(identity)]),
		"evidence": {"identity_account": identity, "groups": user.groups},
	}
}

deny contains result if {
	not lib.identity_account_id
	lib.identity_center_in_use
	some account in lib.iam_accounts
	not lib.is_management(account.id)
	some row in lib.user_rows(account)
	row.password_enabled
	result := {
		"resource": row.arn,
		"account_id": account.id,
		"message": sprintf("IAM user %s in %s has a console password although people sign in through IAM Identity Center", [row.user, lib.account_label(account.id)]),
		"evidence": {"people_sign_in_through": "IAM Identity Center", "password_last_used": object.get(row, "password_last_used", "")},
	}
}

not_evaluated contains {"section": "config.identity_account", "reason": "no identity account is designated or recognized and Identity Center has no assignments: set identity_account in .orgaudit.yaml"} if {
	not lib.identity_account_id
	not lib.identity_center_in_use
}

not_evaluated contains {"account_id": account.id, "section": "iam.credential_report", "reason": "people sign in through IAM Identity Center, and which IAM users have a console password is unknown without the credential report"} if {
	not lib.identity_account_id
	lib.identity_center_in_use
	some account in lib.iam_accounts
	not lib.is_management(account.id)
	count(account.iam.users) > 0
	account.iam.credential_report == null
}
