# METADATA
# title: External accounts trusted by roles are known vendors
# description: |
#   Every account outside the organization that a role trusts should be one
#   you recognize: a vendor you pay (monitoring, security scanning, backup),
#   a partner, a consultancy. Trust to an account nobody can name is either
#   a forgotten integration or a backdoor. List the accounts you know under
#   vendors in .orgaudit.yaml (account id: name): this rule then reports
#   only the others, with or without sts:ExternalId. Being a known vendor
#   does not waive the external id check (OA-TRUST-002).
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html
#     description: Access to AWS accounts owned by third parties
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-findings.html
#     description: IAM Access Analyzer external access findings
# custom:
#   id: OA-TRUST-006
#   scope: account
#   severity: medium
#   remediation: |
#     Find out who owns the account (your vendor contracts, CloudTrail
#     AssumeRole events from it). If it is a vendor you use, add it to
#     vendors in .orgaudit.yaml; otherwise remove the statement or the role.
#     Console: IAM > Roles > the role > Trust relationships > Edit trust
#     policy (or Delete the role).
#     CLI: aws iam update-assume-role-policy --role-name ROLE --policy-document file://trust.json
#     aws iam delete-role --role-name ROLE (after removing its policies)
#   frameworks:
#     orgaudit-practices: ["third-party-inventory"]
#   requires: [organization, iam.authorization_details]
package orgaudit.rules.unknown_external

import data.orgaudit.lib

deny contains result if {
	input.organization != null
	some t in lib.trust_grants
	t.assume_role
	some external in {t.principal_accounts[p] |
		some p in t.external
		regex.match(`^[0-9]{12}$`, t.principal_accounts[p])
	}
	not lib.vendor_accounts[external]
	result := {
		"resource": t.role_arn,
		"account_id": t.account_id,
		"message": sprintf("Role %s in %s trusts account %s, which is outside the organization and not a known vendor", [t.role_name, lib.account_label(t.account_id), external]),
		"evidence": {"statement": t.index, "external_account": external, "external_id": t.external_id},
		"key": sprintf("statement/%d/%s", [t.index, external]),
	}
}
