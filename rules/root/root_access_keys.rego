# METADATA
# title: Root user has no access keys
# description: |
#   Access keys for the root user are long-term credentials with unlimited
#   power over the account that no IAM policy or permissions boundary can
#   restrict (service control policies do not apply to the management
#   account's root either). Leaked root keys are a full account compromise.
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user_manage_delete-key.html
#     description: Delete access keys for the root user
# custom:
#   id: OA-ROOT-002
#   scope: account
#   severity: critical
#   remediation: |
#     Console: sign in as the root user, open IAM > Security credentials >
#     Access keys, make the keys inactive, confirm nothing breaks, then delete
#     them. Give automation an IAM role instead.
#     CLI (signed in as root): aws iam list-access-keys, then
#     aws iam update-access-key --access-key-id KEY --status Inactive and
#     aws iam delete-access-key --access-key-id KEY; check with
#     aws iam get-account-summary --query SummaryMap.AccountAccessKeysPresent
#   frameworks:
#     cis-v3.0.0: ["1.4"]
#     cis-v4.0.0: ["1.4"]
#     cis-v5.0.0: ["1.3"]
#   requires: [iam.account_summary, iam.credential_report]
package orgaudit.rules.root_access_keys

import data.orgaudit.lib

# Summary says keys exist (active or not).
deny contains result if {
	some account in lib.iam_accounts
	account.iam.summary.AccountAccessKeysPresent > 0
	result := {
		"resource": lib.root_arn(account.id),
		"account_id": account.id,
		"message": sprintf("Root user of %s has access keys", [lib.account_label(account.id)]),
		"evidence": {
			"AccountAccessKeysPresent": account.iam.summary.AccountAccessKeysPresent,
			"active_key_slots": active_slots(account),
		},
	}
}

# The summary is unknown but the credential report shows an active key.
deny contains result if {
	some account in lib.iam_accounts
	not account.iam.summary.AccountAccessKeysPresent
	count(active_slots(account)) > 0
	result := {
		"resource": lib.root_arn(account.id),
		"account_id": account.id,
		"message": sprintf("Root user of %s has active access keys", [lib.account_label(account.id)]),
		"evidence": {"active_key_slots": active_slots(account)},
	}
}

active_slots(account) := [k.slot |
	some k in lib.root_row(account).access_keys
	k.active
]
