# METADATA
# title: Password policy requires at least 14 characters
# description: |
#   The account password policy sets the minimum length of IAM users'
#   console passwords. CIS asks for 14 characters or more (threshold
#   password_min_length). An account with IAM users and no password policy
#   at all accepts AWS's default (8 characters) and is reported too.
#   Accounts without IAM users are not checked: the policy applies to
#   nobody there. A password policy that could not be read is a gap (not
#   evaluated), never a pass.
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html
#     description: Set an account password policy for IAM users
# custom:
#   id: OA-IAM-008
#   scope: account
#   severity: medium
#   remediation: |
#     Console: IAM > Account settings > Password policy > Edit, choose
#     "Custom" and set "Password minimum length" to 14 or more.
#     CLI: aws iam update-account-password-policy --minimum-password-length 14 \
#       --password-reuse-prevention 24 --require-symbols --require-numbers \
#       --require-uppercase-characters --require-lowercase-characters \
#       --allow-users-to-change-password
#     (update-account-password-policy replaces the whole policy: pass every
#     setting you want to keep.)
#   frameworks:
#     cis-v3.0.0: ["1.8"]
#     cis-v4.0.0: ["1.8"]
#     cis-v5.0.0: ["1.7"]
#   requires: [iam.password_policy, iam.authorization_details]
package orgaudit.rules.password_length

import data.orgaudit.lib

min_length := lib.threshold("password_min_length", 14)

deny contains result if {
	some account in lib.iam_accounts
	count(account.iam.users) > 0
	account.iam.password_policy == null
	not lib.has_gap(account.id, "iam.password_policy")
	result := {
		"resource": lib.account_arn(account.id),
		"account_id": account.id,
		"message": sprintf("Account %s has IAM users but no password policy (AWS's default allows 8-character passwords; %d required)", [lib.account_label(account.id), min_length]),
		"evidence": {"password_policy": null, "users": count(account.iam.users), "required": min_length},
	}
}

deny contains result if {
	some account in lib.iam_accounts
	count(account.iam.users) > 0
	policy := account.iam.password_policy
	policy != null
	policy.minimum_password_length < min_length
	result := {
		"resource": lib.account_arn(account.id),
		"account_id": account.id,
		"message": sprintf("The password policy of %s accepts %d-character passwords; %d required", [lib.account_label(account.id), policy.minimum_password_length, min_length]),
		"evidence": {"minimum_password_length": policy.minimum_password_length, "required": min_length},
	}
}
