# METADATA
# title: Counts the organization's accounts (a wrong scope declaration)
# description: >-
#   Compares the accounts with each other, yet declares scope account: in chunks each
#   chunk counts its own accounts. TestWholeInputFlag uses it to show --whole-input.
# related_resources:
#   - ref: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts.html
# custom:
#   id: ACME-COUNT
#   severity: info
#   remediation: remove scope account from the rule
#   scope: account
package orgaudit.rules.acme_count

deny contains result if {
	result := {
		"resource": "organization",
		"account_id": "",
		"message": sprintf("%d accounts", [count(input.accounts)]),
	}
}
