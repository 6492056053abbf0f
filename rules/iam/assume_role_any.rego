# METADATA
# title: sts:AssumeRole is granted on named roles, not on every role
# description: |
#   A group, user or role allowed sts:AssumeRole on Resource "*" (or on
#   every role of every account, arn:aws:iam::*:role/*) can try every role
#   in every account that trusts its account: which roles it really gets is
#   then decided only by the trust policies on the other side, where nobody
#   reviewing the group looks. Grant sts:AssumeRole on the role ARNs each
#   group needs, as the identity-account pattern prescribes. Statements
#   that allow every action ("*", administrator access) are not reported
#   here.
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_permissions-to-switch.html
#     description: Grant a user permissions to switch roles
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
#     description: Apply least-privilege permissions
# custom:
#   id: OA-IAM-003
#   severity: medium
#   remediation: |
#     Replace "Resource": "*" with the roles the principal needs, e.g.
#       "Resource": ["arn:aws:iam::222222222222:role/Developer"]
#     Console: IAM > User groups (or Users, Roles) > the principal >
#     Permissions, edit the policy's JSON.
#     CLI: aws iam put-group-policy --group-name GROUP --policy-name NAME --policy-document file://policy.json
#     (or aws iam create-policy-version --policy-arn ARN --policy-document file://policy.json --set-as-default
#     for a managed policy).
#   frameworks:
#     orgaudit-practices: ["scoped-assume-role"]
#   requires: [iam.authorization_details]
package orgaudit.rules.assume_role_any

import data.orgaudit.lib

# wildcard_resources(stmt) lists the Resource values of an Allow statement
# that lets it assume any role, when its actions name sts:AssumeRole
# explicitly or by an sts: wildcard.
wildcard_resources(stmt) := found if {
	stmt.Effect == "Allow"
	some a in lib.actions(stmt)
	startswith(a, "sts:")
	glob.match(a, null, "sts:assumerole")
	found := [r |
		some r in lib.as_array(object.get(stmt, "Resource", []))
		any_role(r)
	]
	count(found) > 0
}

any_role(r) if r == "*"

any_role(r) if regex.match(`^arn:[^:]+:iam::\*:(role/)?\*$`, r)

# flagged(doc) lists [statement index, resources] of a document.
flagged(doc) := [[i, res] |
	some i, s in lib.statements(doc)
	res := wildcard_resources(s)
]

# flagged_managed maps a managed policy ARN to its flagged statements;
# computed once, however many principals the policy is attached to.
flagged_managed := {arn: f |
	some arn, doc in lib.managed_policy_documents
	f := flagged(doc)
	count(f) > 0
}

deny contains result if {
	some account in lib.iam_accounts
	some kind in ["users", "groups", "roles"]
	some p in account.iam[kind]
	some ip in p.inline_policies
	found := flagged(ip.document)
	some [i, res] in found
	result := finding(account, kind, p, sprintf("inline %s", [ip.name]), i, res)
}

deny contains result if {
	some account in lib.iam_accounts
	some kind in ["users", "groups", "roles"]
	some p in account.iam[kind]
	some ap in p.attached_policies
	some [i, res] in flagged_managed[ap.arn]
	result := finding(account, kind, p, sprintf("managed %s", [ap.name]), i, res)
}

finding(account, kind, p, policy, i, res) := {
	"resource": p.arn,
	"account_id": account.id,
	"message": sprintf("%s %s in %s may assume any role (sts:AssumeRole on %s through %s)", [kind_label[kind], p.name, lib.account_label(account.id), concat(", ", res), policy]),
	"evidence": {"policy": policy, "statement": i, "resources": res},
	"key": sprintf("%s/%d", [policy, i]),
}

kind_label := {"users": "User", "groups": "Group", "roles": "Role"}
