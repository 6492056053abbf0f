# METADATA
# title: Roles unused for 90 days are removed
# description: |
#   A role nobody has assumed for 90 days (threshold role_unused_days) is a
#   standing door: its trust policy still lets someone in, and nobody will
#   notice when they do. Roles are measured from their last use (IAM tracks
#   about 400 days of it) or, never used, from their creation: a role never
#   used and older than the window counts. Service-linked roles (managed by
#   AWS services) and roles that IAM Identity Center provisions
#   (/aws-reserved/ path) are exempt.
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_manage_delete.html
#     description: Delete roles or instance profiles
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_last-accessed.html
#     description: Refine permissions in AWS using last accessed information
# custom:
#   id: OA-TRUST-007
#   scope: account
#   severity: low
#   remediation: |
#     Confirm with the owner that nothing needs the role (check its last
#     activity and CloudTrail), then delete it.
#     Console: IAM > Roles, sort by "Last activity", select the role, Delete.
#     CLI: aws iam get-role --role-name ROLE --query Role.RoleLastUsed
#     aws iam list-attached-role-policies / detach-role-policy,
#     aws iam list-role-policies / delete-role-policy,
#     aws iam list-instance-profiles-for-role / remove-role-from-instance-profile,
#     then aws iam delete-role --role-name ROLE
#   frameworks:
#     orgaudit-practices: ["least-standing-access"]
#   requires: [iam.authorization_details]
package orgaudit.rules.unused_roles

import data.orgaudit.lib

window_days := lib.threshold("role_unused_days", 90)

# (The window and the labels are bound once, before the loop over every
# role: a reference to a rule inside it is looked up again for each role.)
deny contains result if {
	window := window_days
	labels := lib.account_labels
	some a in lib.role_activity
	a.idle_days >= window
	days := a.idle_days
	result := {
		"resource": a.role_arn,
		"account_id": a.account_id,
		"message": sprintf("Role %s in %s has not been used for %d days (%s %s); the window is %d days", [a.role_name, labels[a.account_id], days, a.what, a.since, window]),
		"evidence": {"reference": a.what, "since": a.since, "days": days, "window_days": window},
	}
}
