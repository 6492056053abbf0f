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
#   is named like "identity"; without either the rule is not evaluated.
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/tutorial_cross-account-with-roles.html
#     description: "IAM tutorial: Delegate access across AWS accounts using IAM roles"
#   - ref: https://docs.aws.amazon.com/whitepapers/latest/organizing-your-aws-environment/security-ou-and-accounts.html
#     description: Security OU and accounts
# custom:
#   id: OA-IAM-001
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

not_evaluated contains {"section": "config.identity_account", "reason": "no identity account is designated or recognized: set identity_account in .orgaudit.yaml"} if {
	not lib.identity_account_id
}
