# METADATA
# title: Every member account is in an organizational unit
# description: |
#   Accounts directly under the organization root share whatever policies
#   are attached to the root, and nothing tells a development account from a
#   production one. Grouping accounts in OUs per environment or function
#   (Security, Infrastructure, Workloads/Prod, Workloads/Dev, Sandbox,
#   Suspended) is what lets guardrails differ between them. The management
#   account is exempt: it stays under the root. Suspended accounts are
#   reported by OA-ORG-007.
# related_resources:
#   - ref: https://docs.aws.amazon.com/whitepapers/latest/organizing-your-aws-environment/recommended-ous-and-accounts.html
#     description: Organizing Your AWS Environment Using Multiple Accounts - recommended OUs and accounts
#   - ref: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_ous.html
#     description: Managing organizational units (OUs)
# custom:
#   id: OA-ORG-002
#   scope: account
#   severity: medium
#   remediation: |
#     Console: AWS Organizations > AWS accounts, select the account, Actions >
#     Move, and choose the OU of its environment (create it first with
#     Actions > Create new under the root).
#     CLI: aws organizations create-organizational-unit --parent-id r-xxxx --name Prod
#     aws organizations move-account --account-id ACCOUNT --source-parent-id r-xxxx --destination-parent-id ou-xxxx-xxxxxxxx
#   frameworks:
#     orgaudit-practices: ["ous-per-environment"]
#   requires: [organization]
package orgaudit.rules.accounts_in_ous

import data.orgaudit.lib

deny contains result if {
	input.organization != null
	some account in input.accounts
	account.status == "ACTIVE"
	not lib.is_management(account.id)
	account.parent_id in lib.root_ids
	result := {
		"resource": lib.account_arn(account.id),
		"account_id": account.id,
		"message": sprintf("Account %s sits directly under the organization root instead of in an OU", [lib.account_label(account.id)]),
		"evidence": {"parent_id": account.parent_id},
	}
}
