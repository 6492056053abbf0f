# METADATA
# title: AWSCloudShellFullAccess is attached to nobody
# description: |
#   AWSCloudShellFullAccess lets a principal open CloudShell sessions with
#   file upload and download and unrestricted network access: a ready-made
#   way to move data out of the account and tools in, from inside the AWS
#   console, around network and endpoint controls. Grant CloudShell with a
#   policy of your own that denies file transfer
#   (cloudshell:GetFileUploadUrls, cloudshell:GetFileDownloadUrls), or not
#   at all. Every user, group and role with the policy attached is
#   reported, including the roles IAM Identity Center provisions for a
#   permission set that uses it.
# related_resources:
#   - ref: https://docs.aws.amazon.com/cloudshell/latest/userguide/sec-auth-with-identities.html
#     description: Managing AWS CloudShell access and usage with IAM policies
# custom:
#   id: OA-IAM-015
#   scope: account
#   severity: medium
#   remediation: |
#     Detach the policy; give the people who need CloudShell a policy of
#     your own without file transfer.
#     Console: IAM > Policies > AWSCloudShellFullAccess > Entities attached,
#     select each, Detach (for an Identity Center role, remove it from the
#     permission set).
#     CLI: aws iam detach-user-policy / detach-group-policy /
#     detach-role-policy --policy-arn arn:aws:iam::aws:policy/AWSCloudShellFullAccess
#   frameworks:
#     cis-v3.0.0: ["1.22"]
#     cis-v4.0.0: ["1.22"]
#     cis-v5.0.0: ["1.21"]
#   requires: [iam.authorization_details]
package orgaudit.rules.cloudshell_full_access

import data.orgaudit.lib

deny contains result if {
	arn := lib.aws_policy_arn("AWSCloudShellFullAccess")
	some account in lib.iam_accounts
	some x in lib.attached_to(account, arn)
	result := {
		"resource": x.arn,
		"account_id": account.id,
		"message": sprintf("AWSCloudShellFullAccess is attached to %s %s in %s", [x.type, x.arn, lib.account_label(account.id)]),
		"evidence": {"policy_arn": arn, "principal_type": x.type},
	}
}
