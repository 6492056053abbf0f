# METADATA
# title: IAM users have at most one active access key
# description: |
#   Two active access keys are useful only for the minutes of a rotation.
#   Left in place, the old key keeps working wherever it was copied, and
#   nobody knows which of the two a leak came from.
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#rotating_access_keys_console
#     description: Rotate access keys
# custom:
#   id: OA-IAM-006
#   scope: account
#   severity: low
#   remediation: |
#     Find which key is still in use (last used date), move every consumer to
#     it, then deactivate and delete the other one. Better, replace the user's
#     keys with a role.
#     Console: IAM > Users > the user > Security credentials > Access keys,
#     Actions > Deactivate, then Delete.
#     CLI: aws iam list-access-keys --user-name USER
#     aws iam get-access-key-last-used --access-key-id KEY
#     aws iam update-access-key --user-name USER --access-key-id KEY --status Inactive
#     aws iam delete-access-key --user-name USER --access-key-id KEY
#   frameworks:
#     cis-v3.0.0: ["1.13"]
#     cis-v4.0.0: ["1.13"]
#     cis-v5.0.0: ["1.12"]
#   requires: [iam.credential_report]
package orgaudit.rules.multiple_active_keys

import data.orgaudit.lib

deny contains result if {
	some account in lib.iam_accounts
	some row in lib.user_rows(account)
	active := [k.slot | some k in row.access_keys; k.active]
	count(active) > 1
	result := {
		"resource": row.arn,
		"account_id": account.id,
		"message": sprintf("IAM user %s in %s has %d active access keys", [row.user, lib.account_label(account.id), count(active)]),
		"evidence": {"active_key_slots": active, "last_used": [object.get(k, "last_used", "never") | some k in row.access_keys; k.active]},
	}
}
