# METADATA
# title: IAM users with a console password have MFA
# description: |
#   A console password without a second factor is one phishing email away
#   from the account. Every IAM user that can sign in to the console must
#   have an MFA device enabled (virtual, security key or hardware token).
#   Read from the credential report (password_enabled and mfa_active).
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable.html
#     description: AWS Multi-factor authentication in IAM
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html
#     description: Generate credential reports for your AWS account
# custom:
#   id: OA-IAM-004
#   scope: account
#   severity: high
#   remediation: |
#     Ask the user to assign an MFA device, or do it for them.
#     Console: IAM > Users > the user > Security credentials > Multi-factor
#     authentication (MFA) > Assign MFA device.
#     CLI: aws iam create-virtual-mfa-device --virtual-mfa-device-name USER --outfile qr.png --bootstrap-method QRCodePNG
#     aws iam enable-mfa-device --user-name USER --serial-number ARN --authentication-code1 CODE1 --authentication-code2 CODE2
#     Enforce it with a policy that denies everything but MFA setup when
#     aws:MultiFactorAuthPresent is false.
#   frameworks:
#     cis-v3.0.0: ["1.10"]
#     cis-v4.0.0: ["1.10"]
#     cis-v5.0.0: ["1.9"]
#   requires: [iam.credential_report]
package orgaudit.rules.console_mfa

import data.orgaudit.lib

deny contains result if {
	some account in lib.iam_accounts
	some row in lib.user_rows(account)
	row.password_enabled
	not row.mfa_active
	result := {
		"resource": row.arn,
		"account_id": account.id,
		"message": sprintf("IAM user %s in %s can sign in to the console without MFA", [row.user, lib.account_label(account.id)]),
		"evidence": {"password_enabled": true, "mfa_active": false, "password_last_used": object.get(row, "password_last_used", "never")},
	}
}
