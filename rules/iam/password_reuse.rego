# METADATA
# title: Password policy prevents reuse of the last 24 passwords
# description: |
#   Without reuse prevention a user asked to change a leaked password can set
#   the same one again. CIS asks the password policy to remember 24
#   passwords (threshold password_reuse_prevention). An account with IAM
#   users and no password policy at all allows reuse and is reported too.
#   Accounts without IAM users are not checked. A password policy that
#   could not be read is a gap (not evaluated), never a pass.
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html
#     description: Set an account password policy for IAM users
# custom:
#   id: OA-IAM-009
#   scope: account
#   severity: low
#   remediation: |
#     Console: IAM > Account settings > Password policy > Edit, choose
#     "Custom", tick "Prevent password reuse" and set 24.
#     CLI: aws iam update-account-password-policy --password-reuse-prevention 24 \
#       --minimum-password-length 14 (plus every other setting to keep: the
#       call replaces the whole policy)
#   frameworks:
#     cis-v3.0.0: ["1.9"]
#     cis-v4.0.0: ["1.9"]
#     cis-v5.0.0: ["1.8"]
#   requires: [iam.password_policy, iam.authorization_details]
package orgaudit.rules.password_reuse

import data.orgaudit.lib

required := lib.threshold("password_reuse_prevention", 24)

deny contains result if {
	some account in lib.iam_accounts
	count(account.iam.users) > 0
	account.iam.password_policy == null
	not lib.has_gap(account.id, "iam.password_policy")
	result := {
		"resource": lib.account_arn(account.id),
		"account_id": account.id,
		"message": sprintf("Account %s has IAM users but no password policy, so passwords can be reused (%d remembered passwords required)", [lib.account_label(account.id), required]),
		"evidence": {"password_policy": null, "users": count(account.iam.users), "required": required},
	}
}

deny contains result if {
	some account in lib.iam_accounts
	count(account.iam.users) > 0
	policy := account.iam.password_policy
	policy != null
	remembered := object.get(policy, "password_reuse_prevention", 0)
	remembered < required
	result := {
		"resource": lib.account_arn(account.id),
		"account_id": account.id,
		"message": sprintf("The password policy of %s remembers %d previous passwords; %d required", [lib.account_label(account.id), remembered, required]),
		"evidence": {"password_reuse_prevention": remembered, "required": required},
	}
}
