# METADATA
# title: No access keys created with a console user and never used
# description: |
#   An access key created together with a console user (within a minute of
#   the user, per the credential report) and never used since was made
#   "just in case" during setup: a long-term credential nobody asked for,
#   which can leak from wherever the setup output went without anyone
#   noticing it is used. Keys a person needs are created later, by them or
#   on request, as a separate step.
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_users_create.html
#     description: Create an IAM user in your AWS account
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html
#     description: Generate credential reports for your AWS account
# custom:
#   id: OA-IAM-010
#   scope: account
#   severity: medium
#   remediation: |
#     Delete the unused key; let the user create one later if they need it.
#     Console: IAM > Users > the user > Security credentials > Access keys,
#     Actions > Deactivate, then Delete.
#     CLI: aws iam list-access-keys --user-name USER, then
#     aws iam delete-access-key --user-name USER --access-key-id KEY
#   frameworks:
#     cis-v3.0.0: ["1.11"]
#     cis-v4.0.0: ["1.11"]
#     cis-v5.0.0: ["1.10"]
#   requires: [iam.credential_report]
package orgaudit.rules.initial_access_keys

import data.orgaudit.lib

# setup_window_seconds is how close to the user's creation a key counts as
# created with it.
setup_window_seconds := 60

deny contains result if {
	some account in lib.iam_accounts
	some row in lib.user_rows(account)
	row.password_enabled
	created := time.parse_rfc3339_ns(row.user_creation_time)
	some k in row.access_keys
	not k.last_used
	after := (time.parse_rfc3339_ns(k.last_rotated) - created) / 1000000000
	after >= 0
	after <= setup_window_seconds
	result := {
		"resource": row.arn,
		"account_id": account.id,
		"message": sprintf("Access key %d of console user %s in %s was created with the user (%d s after it, %s) and has never been used", [k.slot, row.user, lib.account_label(account.id), after, k.last_rotated]),
		"evidence": {"slot": k.slot, "active": k.active, "user_creation_time": row.user_creation_time, "key_created": k.last_rotated},
		"key": sprintf("access-key-%d", [k.slot]),
	}
}
