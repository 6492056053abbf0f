# METADATA
# title: No suspended accounts left in the organization
# description: |
#   A closed account is SUSPENDED (or PENDING_CLOSURE) for 90 days before AWS
#   deletes it, and it stays in the organization, under whatever OU and
#   policies it had, until then: it can be reopened by its root user in that
#   time, it still counts against the account quota, and audits cannot read
#   it. Move suspended accounts to a dedicated Suspended OU with a deny-all
#   SCP, or remove them from the organization.
# related_resources:
#   - ref: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_close.html
#     description: Closing a member account in your organization
#   - ref: https://docs.aws.amazon.com/whitepapers/latest/organizing-your-aws-environment/suspended-ou.html
#     description: Suspended OU
# custom:
#   id: OA-ORG-007
#   scope: account
#   severity: low
#   remediation: |
#     Console: AWS Organizations > AWS accounts, select the suspended
#     account, Actions > Move to the Suspended OU (attach a deny-all SCP to
#     that OU), or Actions > Remove from organization once AWS allows it.
#     CLI: aws organizations move-account --account-id ACCOUNT --source-parent-id PARENT --destination-parent-id ou-suspended
#     aws organizations remove-account-from-organization --account-id ACCOUNT
#   frameworks:
#     orgaudit-practices: ["account-lifecycle"]
#   requires: [organization]
package orgaudit.rules.suspended_accounts

import data.orgaudit.lib

deny contains result if {
	input.organization != null
	some account in input.accounts
	account.status in {"SUSPENDED", "PENDING_CLOSURE"}
	result := {
		"resource": lib.account_arn(account.id),
		"account_id": account.id,
		"message": sprintf("Account %s is %s but still in the organization, under %s", [lib.account_label(account.id), account.status, lib.container_name(object.get(account, "parent_id", "an unknown parent"))]),
		"evidence": {"status": account.status, "parent_id": object.get(account, "parent_id", "")},
	}
}
