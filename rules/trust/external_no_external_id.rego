# METADATA
# title: Trust to an account outside the organization requires sts:ExternalId
# description: |
#   A role that an account outside your organization can assume is usually a
#   third-party integration (a monitoring vendor, a consultancy). Without an
#   sts:ExternalId condition the role is open to the confused deputy problem:
#   any customer of that third party can ask it to act on your role.
#   Accounts listed as known vendors (vendors in .orgaudit.yaml) are named
#   in the finding but not exempt: the confused deputy problem is precisely
#   about vendors. What the vendor list changes is OA-TRUST-006, which
#   reports trust to external accounts nobody has recognized.
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html
#     description: Access to AWS accounts owned by third parties
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
#     description: The confused deputy problem
# custom:
#   id: OA-TRUST-002
#   scope: account
#   severity: high
#   remediation: |
#     Agree on an external id with the third party (they usually generate one
#     per customer) and add it to the trust statement:
#       "Condition": {"StringEquals": {"sts:ExternalId": "THEIR-ID-FOR-YOU"}}
#     If nobody recognizes the account, remove the statement.
#     Console: IAM > Roles > the role > Trust relationships > Edit trust policy.
#     CLI: aws iam update-assume-role-policy --role-name ROLE --policy-document file://trust.json
#   frameworks:
#     orgaudit-practices: ["third-party-external-id"]
#   requires: [organization, iam.authorization_details]
package orgaudit.rules.external_no_external_id

import data.orgaudit.lib

deny contains result if {
	some t in lib.trust_grants
	t.assume_role
	not t.external_id
	external := t.external
	count(external) > 0
	accounts := sort({t.principal_accounts[p] | some p in external})
	result := {
		"resource": t.role_arn,
		"account_id": t.account_id,
		"message": sprintf("Role %s in %s trusts %s outside the organization without an sts:ExternalId condition", [t.role_name, lib.account_label(t.account_id), concat(", ", [label(p) | some p in external])]),
		"evidence": {
			"statement": t.index,
			"sid": object.get(t.statement, "Sid", ""),
			"external_principals": external,
			"external_accounts": accounts,
			"known_vendors": {a: lib.vendor_accounts[a] | some a in accounts},
		},
		"key": sprintf("statement/%d", [t.index]),
	}
}

label(p) := sprintf("%s (known vendor %s)", [p, lib.vendor_accounts[lib.principal_account(p)]]) if lib.vendor_accounts[lib.principal_account(p)]

else := p
