# METADATA
# title: Management account root user uses a hardware MFA device
# description: |
#   The root user of the management account controls the whole
#   organization: it can leave no trace in member accounts, change the
#   billing owner and is not restricted by service control policies. Its MFA
#   should be a hardware device (a FIDO security key or hardware TOTP token)
#   kept in a safe, not a virtual MFA app on a phone that is also used for
#   everyday things. A root user whose MFA is a virtual device is reported;
#   one without any MFA is reported by OA-ROOT-001 instead.
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-mfa-for-root.html
#     description: Enable MFA for the root user
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable_fido.html
#     description: Assign a passkey or security key in the AWS Management Console
# custom:
#   id: OA-ROOT-004
#   scope: account
#   severity: high
#   remediation: |
#     Console: sign in to the management account as the root user, open
#     IAM > Security credentials > Multi-factor authentication (MFA), assign
#     a security key (or hardware TOTP token), test it, then remove the
#     virtual device. Store the key in a safe with a second key as backup.
#     CLI: confirm which device the root user has with
#       aws iam list-virtual-mfa-devices --assignment-status Assigned \
#         --query "VirtualMFADevices[?User.Arn=='arn:aws:iam::ACCOUNT:root']"
#     (an empty answer with AccountMFAEnabled 1 in
#     aws iam get-account-summary means a hardware device).
#   frameworks:
#     cis-v3.0.0: ["1.6"]
#     cis-v4.0.0: ["1.6"]
#     cis-v5.0.0: ["1.5"]
#   requires: [organization, iam.account_summary, iam.mfa_devices]
package orgaudit.rules.root_hardware_mfa

import data.orgaudit.lib

deny contains result if {
	some account in lib.iam_accounts
	lib.is_management(account.id)
	account.iam.summary.AccountMFAEnabled == 1
	root := lib.root_arn(account.id)
	some device in account.iam.virtual_mfa_devices
	device.user_arn == root
	result := {
		"resource": root,
		"account_id": account.id,
		"message": sprintf("Root user of the management account %s uses a virtual MFA device (%s), not a hardware device", [lib.account_label(account.id), device.serial_number]),
		"evidence": {"virtual_mfa_device": device.serial_number},
	}
}
