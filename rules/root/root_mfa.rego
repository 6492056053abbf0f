# METADATA
# title: Root user has MFA enabled
# description: |
#   The root user of an AWS account can do anything, including closing the
#   account and changing its email address, and cannot be restricted by IAM
#   policies. Without multi-factor authentication, a leaked or phished root
#   password is enough to take over the account.
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-mfa-for-root.html
#     description: Enable MFA for the root user
# custom:
#   id: OA-ROOT-001
#   scope: account
#   severity: critical
#   remediation: |
#     Console: sign in as the root user, open IAM > Security credentials >
#     Multi-factor authentication (MFA) > Assign MFA device, and register a
#     hardware key or an authenticator app kept in a safe place.
#     CLI: check with aws iam get-account-summary --query
#     SummaryMap.AccountMFAEnabled (root MFA itself is assigned in the console).
#     For accounts created by Organizations, reset the root password through
#     "Forgot password" first, or centralize root access
#     (aws iam enable-organizations-root-credentials-management) and remove
#     the member accounts' root credentials.
#   frameworks:
#     cis-v3.0.0: ["1.5"]
#     cis-v4.0.0: ["1.5"]
#     cis-v5.0.0: ["1.4"]
#   requires: [iam.account_summary]
package orgaudit.rules.root_mfa

import data.orgaudit.lib

deny contains result if {
	some account in lib.iam_accounts
	account.iam.summary.AccountMFAEnabled != 1
	result := {
		"resource": lib.root_arn(account.id),
		"account_id": account.id,
		"message": sprintf("Root user of %s has no MFA device", [lib.account_label(account.id)]),
		"evidence": {"AccountMFAEnabled": account.iam.summary.AccountMFAEnabled},
	}
}
