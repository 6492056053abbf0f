# METADATA
# title: Every account has a security contact
# description: |
#   AWS writes to an account's security alternate contact about abuse
#   reports, compromised credentials and security notices. Without one those
#   messages go to the root email alone, often a mailbox nobody on the
#   security team reads, and a member account's root email is easily a
#   forgotten alias. Every active account of the organization is checked,
#   read from the management account through AWS Account Management (which
#   needs trusted access for it: `aws organizations enable-aws-service-access
#   --service-principal account.amazonaws.com`); where it could not be read
#   the check is not evaluated.
# related_resources:
#   - ref: https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-update-contact-alternate.html
#     description: Update the alternate contacts for your AWS account
#   - ref: https://docs.aws.amazon.com/accounts/latest/reference/using-orgs-trusted-access.html
#     description: Enable trusted access for AWS Account Management
# custom:
#   id: OA-ORG-008
#   scope: account
#   severity: medium
#   remediation: |
#     Register a security contact that reaches the security team (a mail
#     alias and a phone number that does not depend on one person).
#     Console: account menu > Account > Alternate contacts > Edit, or for a
#     member account AWS Organizations > AWS accounts > the account > Contact
#     info.
#     CLI (from the management account): aws account put-alternate-contact
#     --account-id ACCOUNT --alternate-contact-type SECURITY --name NAME
#     --title TITLE --email-address security@example.com --phone-number PHONE
#     (leave out --account-id for the management account itself)
#   frameworks:
#     cis-v3.0.0: ["1.2"]
#     cis-v4.0.0: ["1.2"]
#     cis-v5.0.0: ["1.2"]
#   requires: [account.alternate_contacts]
package orgaudit.rules.security_contact

import data.orgaudit.lib

active(account) if object.get(account, "status", "ACTIVE") == "ACTIVE"

deny contains result if {
	some account in input.accounts
	active(account)
	account.alternate_contacts.security == null
	result := {
		"resource": lib.account_arn(account.id),
		"account_id": account.id,
		"message": sprintf("Account %s has no security contact registered: AWS security notices reach only its root email", [lib.account_label(account.id)]),
	}
}

not_evaluated contains {
	"account_id": account.id,
	"section": "account.alternate_contacts",
	"reason": "the snapshot holds no alternate contacts for this account (it was collected before orgaudit read them): collect it again",
} if {
	some account in input.accounts
	active(account)
	not account.alternate_contacts
	not lib.has_gap(account.id, "account.alternate_contacts")
}
