# METADATA
# title: Active access keys are rotated every 90 days
# description: |
#   The longer an access key lives, the more places it has been copied to
#   and the longer a leaked copy stays useful. Active keys created (or last
#   rotated) more than 90 days ago (threshold access_key_max_age_days) are
#   reported. Prefer roles, which hand out temporary credentials, over
#   keys altogether.
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#rotating_access_keys_console
#     description: Rotate access keys
# custom:
#   id: OA-IAM-007
#   scope: account
#   severity: medium
#   remediation: |
#     Create a second key, move every consumer to it, then deactivate and
#     delete the old one.
#     Console: IAM > Users > the user > Security credentials > Create access
#     key; later Actions > Deactivate and Delete on the old key.
#     CLI: aws iam create-access-key --user-name USER
#     aws iam update-access-key --user-name USER --access-key-id OLD --status Inactive
#     aws iam delete-access-key --user-name USER --access-key-id OLD
#   frameworks:
#     cis-v3.0.0: ["1.14"]
#     cis-v4.0.0: ["1.14"]
#     cis-v5.0.0: ["1.13"]
#   requires: [iam.credential_report]
package orgaudit.rules.key_rotation

import data.orgaudit.lib

max_age_days := lib.threshold("access_key_max_age_days", 90)

deny contains result if {
	some account in lib.iam_accounts
	some row in lib.user_rows(account)
	some k in row.access_keys
	k.active
	age := lib.days_since(k.last_rotated)
	age > max_age_days
	result := {
		"resource": row.arn,
		"account_id": account.id,
		"message": sprintf("Access key %d of IAM user %s in %s is %d days old (created %s); keys are rotated every %d days", [k.slot, row.user, lib.account_label(account.id), age, k.last_rotated, max_age_days]),
		"evidence": {"slot": k.slot, "last_rotated": k.last_rotated, "age_days": age, "max_age_days": max_age_days},
		"key": sprintf("access-key-%d", [k.slot]),
	}
}
