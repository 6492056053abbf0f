# METADATA
# title: Credentials unused for 45 days are disabled
# description: |
#   A console password or an active access key that nobody has used for 45
#   days (threshold credentials_unused_days) belongs to someone who left,
#   changed jobs or moved to roles: it is pure risk. Passwords are measured
#   from their last sign-in (or, never used, from the user's creation);
#   access keys from their last use (or, never used, from their creation or
#   rotation). Inactive keys are ignored.
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_finding-unused.html
#     description: Find unused AWS credentials
# custom:
#   id: OA-IAM-005
#   scope: account
#   severity: medium
#   remediation: |
#     Console: IAM > Users > the user > Security credentials: Manage console
#     access > Disable, and Actions > Deactivate on each unused access key
#     (delete it once nothing breaks).
#     CLI: aws iam delete-login-profile --user-name USER
#     aws iam update-access-key --user-name USER --access-key-id KEY --status Inactive
#     aws iam delete-access-key --user-name USER --access-key-id KEY
#   frameworks:
#     cis-v3.0.0: ["1.12"]
#     cis-v4.0.0: ["1.12"]
#     cis-v5.0.0: ["1.11"]
#   requires: [iam.credential_report]
package orgaudit.rules.unused_credentials

import data.orgaudit.lib

window_days := lib.threshold("credentials_unused_days", 45)

# idle lists {credential, key, since, what} for the credentials of a row
# that are enabled and idle for window_days or more.
idle(row) := array.concat(
	[{"credential": "console password", "key": "password", "since": since, "what": what} |
		row.password_enabled
		[since, what] := password_reference(row)
		lib.days_since(since) >= window_days
	],
	[{"credential": sprintf("access key %d", [k.slot]), "key": sprintf("access-key-%d", [k.slot]), "since": since, "what": what} |
		some k in row.access_keys
		k.active
		[since, what] := key_reference(k)
		lib.days_since(since) >= window_days
	],
)

password_reference(row) := [row.password_last_used, "last used"] if row.password_last_used

else := [row.user_creation_time, "never used, created"]

key_reference(k) := [k.last_used, "last used"] if k.last_used

else := [k.last_rotated, "never used, created"]

deny contains result if {
	some account in lib.iam_accounts
	some row in lib.user_rows(account)
	some c in idle(row)
	days := lib.days_since(c.since)
	result := {
		"resource": row.arn,
		"account_id": account.id,
		"message": sprintf("The %s of IAM user %s in %s is enabled but unused for %d days (%s %s); the window is %d days", [c.credential, row.user, lib.account_label(account.id), days, c.what, c.since, window_days]),
		"evidence": {"credential": c.credential, "reference": c.what, "since": c.since, "days": days, "window_days": window_days},
		"key": c.key,
	}
}
