# METADATA
# title: Root user not used recently
# description: |
#   The root user should be locked away and used only for the few tasks that
#   require it. Any use of its password or access keys within the window
#   (default 90 days, threshold root_unused_days) means root credentials are
#   in daily use. The latest of password, access key 1 and access key 2 last
#   use is taken from the credential report.
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/root-user-best-practices.html
#     description: Root user best practices for your AWS account
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html#root-user-tasks
#     description: Tasks that require root user credentials
# custom:
#   id: OA-ROOT-003
#   scope: account
#   severity: high
#   remediation: |
#     Find out who used the root user and why (CloudTrail, eventName ConsoleLogin
#     with userIdentity.type Root). Give that person an IAM Identity Center or
#     IAM role for the task, rotate the root password, and store it and the MFA
#     device offline. The window is the threshold root_unused_days.
#     Console: CloudTrail > Event history, filter "User name" = root; IAM >
#     Credential report > Download to see password and key last use.
#     CLI: aws iam generate-credential-report && aws iam get-credential-report
#     --query Content --output text | base64 -d | grep root_account
#   frameworks:
#     cis-v3.0.0: ["1.7"]
#     cis-v4.0.0: ["1.7"]
#     cis-v5.0.0: ["1.6"]
#   requires: [iam.credential_report]
package orgaudit.rules.root_recent_use

import data.orgaudit.lib

window_days := lib.threshold("root_unused_days", 90)

deny contains result if {
	some account in lib.iam_accounts
	row := lib.root_row(account)
	uses := last_uses(row)
	count(uses) > 0
	latest := max({u.ns | some u in uses})
	some u in uses
	u.ns == latest
	days := lib.days_since(u.time)
	days < window_days
	result := {
		"resource": lib.root_arn(account.id),
		"account_id": account.id,
		"message": sprintf("Root user of %s was used %d days ago (%s, %s); the window is %d days", [lib.account_label(account.id), days, u.what, u.time, window_days]),
		"evidence": {"last_used": u.time, "credential": u.what, "days_ago": days, "window_days": window_days},
	}
}

last_uses(row) := array.concat(
	[{"what": "password", "time": t, "ns": time.parse_rfc3339_ns(t)} | t := row.password_last_used],
	[{"what": sprintf("access key %d", [k.slot]), "time": k.last_used, "ns": time.parse_rfc3339_ns(k.last_used)} |
		some k in row.access_keys
		k.last_used
	],
)
