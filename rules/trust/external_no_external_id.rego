# METADATA
# title: Trust to an account outside the organization requires sts:ExternalId
# description: |
#   A role that an account outside your organization can assume is usually a
#   third-party integration (a monitoring vendor, a consultancy). Without an
#   sts:ExternalId condition the role is open to the confused deputy problem:
#   any customer of that third party can ask it to act on your role.
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html
#     description: Access to AWS accounts owned by third parties
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
#     description: The confused deputy problem
# custom:
#   id: OA-TRUST-002
#   severity: high
#   remediation: |
#     Agree on an external id with the third party (they usually generate one
#     per customer) and add it to the trust statement:
#       "Condition": {"StringEquals": {"sts:ExternalId": "THEIR-ID-FOR-YOU"}}
#     If nobody recognizes the account, remove the statement:
#     aws iam update-assume-role-policy --role-name ROLE --policy-document file://trust.json
#   frameworks:
#     orgaudit-practices: ["third-party-external-id"]
#   requires: [organization, iam.authorization_details]
package orgaudit.rules.external_no_external_id

import data.orgaudit.lib

deny contains result if {
	some account in lib.iam_accounts
	some role in account.iam.roles
	some [i, stmt] in lib.trust_statements(role)
	not lib.has_condition_key(stmt, "sts:ExternalId")
	external := sort([p |
		some p in lib.aws_principals(stmt)
		lib.outside_organization(p)
	])
	count(external) > 0
	result := {
		"resource": role.arn,
		"account_id": account.id,
		"message": sprintf("Role %s in %s trusts %s outside the organization without an sts:ExternalId condition", [role.name, lib.account_label(account.id), concat(", ", external)]),
		"evidence": {
			"statement": i,
			"sid": object.get(stmt, "Sid", ""),
			"external_principals": external,
			"external_accounts": sort({lib.principal_account(p) | some p in external}),
		},
		"key": sprintf("statement/%d", [i]),
	}
}
