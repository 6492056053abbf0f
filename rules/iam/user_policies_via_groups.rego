# METADATA
# title: IAM users receive permissions only through groups
# description: |
#   Permissions attached to one user (a managed policy or an inline policy)
#   are invisible when you review groups, are forgotten when the person
#   changes teams, and turn a cross-account grant (sts:AssumeRole on another
#   account's role) into a one-off that nobody finds again. People should
#   get access, including who may assume which role in which account,
#   through group membership only. Every user with an attached or inline
#   policy is reported, with whether it grants sts:AssumeRole.
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups.html
#     description: IAM user groups
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html
#     description: Security best practices in IAM
# custom:
#   id: OA-IAM-002
#   scope: account
#   severity: medium
#   remediation: |
#     Create (or reuse) a group with the permissions, add the user, then
#     remove the user's own policies.
#     Console: IAM > User groups > Create group (attach the policy), Add
#     users; then IAM > Users > the user > Permissions, Remove each policy.
#     CLI: aws iam add-user-to-group --group-name GROUP --user-name USER
#     aws iam detach-user-policy --user-name USER --policy-arn ARN
#     aws iam delete-user-policy --user-name USER --policy-name NAME
#   frameworks:
#     cis-v3.0.0: ["1.15"]
#     cis-v4.0.0: ["1.15"]
#     cis-v5.0.0: ["1.14"]
#   requires: [iam.authorization_details]
package orgaudit.rules.user_policies_via_groups

import data.orgaudit.lib

deny contains result if {
	some account in lib.iam_accounts
	some user in account.iam.users
	policies := array.concat(
		[sprintf("managed %s", [p.name]) | some p in user.attached_policies],
		[sprintf("inline %s", [p.name]) | some p in user.inline_policies],
	)
	count(policies) > 0
	assume := assume_role_grants(user)
	result := {
		"resource": user.arn,
		"account_id": account.id,
		"message": sprintf("IAM user %s in %s has its own policies (%s)%s", [user.name, lib.account_label(account.id), concat(", ", policies), assume_note(assume)]),
		"evidence": {"policies": policies, "grants_assume_role": assume},
	}
}

assume_role_grants(user) := sort(array.concat(
	[p.name |
		some p in user.inline_policies
		grants_assume_role(p.document)
	],
	[p.name |
		some p in user.attached_policies
		grants_assume_role(lib.managed_policy_documents[p.arn])
	],
))

grants_assume_role(doc) if {
	some s in lib.statements(doc)
	s.Effect == "Allow"
	some a in lib.actions(s)
	startswith(a, "sts:")
	lib.allows_action(s, "sts:AssumeRole")
}

assume_note(names) := "" if count(names) == 0

else := sprintf(", including sts:AssumeRole through %s", [concat(", ", names)])
