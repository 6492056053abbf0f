# METADATA
# title: Every role carries an owner tag
# description: Roles without an owner tag cannot be traced to a team.
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html
# custom:
#   id: ACME-001
#   severity: low
#   remediation: aws iam tag-role --role-name ROLE --tags Key=owner,Value=TEAM
#   requires: [iam.authorization_details]
package orgaudit.rules.acme_owner_tag

import data.orgaudit.lib

deny contains result if {
	some account in lib.iam_accounts
	some role in account.iam.roles
	not lib.is_service_linked(role)
	not role.tags.owner
	result := {
		"resource": role.arn,
		"account_id": account.id,
		"message": sprintf("Role %s has no owner tag", [role.name]),
	}
}
