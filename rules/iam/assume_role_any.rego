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
#   here. A customer managed policy is reported once, on the policy (what
#   to edit), listing what it is attached to; an inline or AWS managed
#   policy on the user, group or role that holds it.
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_permissions-to-switch.html
#     description: Grant a user permissions to switch roles
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
#     description: Apply least-privilege permissions
# custom:
#   id: OA-IAM-003
#   scope: account
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
	some [i, res] in flagged(ip.document)
	result := finding(account, kind, p, sprintf("inline %s", [ip.name]), i, res)
}

# An AWS managed policy cannot be edited: it is reported on what it is
# attached to, which is what to change.
deny contains result if {
	count(flagged_aws) > 0
	some account in lib.iam_accounts
	some kind in ["users", "groups", "roles"]
	some p in account.iam[kind]
	some ap in p.attached_policies
	some [i, res] in flagged_aws[ap.arn]
	result := finding(account, kind, p, sprintf("managed %s", [ap.name]), i, res)
}

# flagged_aws is flagged_managed for the AWS managed policies. Mostly
# empty: then no principal's attachments need to be read at all.
flagged_aws := {arn: f |
	some arn, f in flagged_managed
	startswith(arn, aws_policy_prefix)
}

# A customer managed policy is reported once, on the policy: editing it
# fixes every user, group and role it is attached to (listed).
deny contains result if {
	some account in lib.iam_accounts
	some pol in account.iam.policies
	some [i, res] in flagged_managed[pol.arn]
	attached := sort([x.arn |
		some x in lib.iam_principals(account)
		some ap in x.attached_policies
		ap.arn == pol.arn
	])
	count(attached) > 0
	result := {
		"resource": pol.arn,
		"account_id": account.id,
		"message": sprintf("Managed policy %s in %s lets %s assume any role (sts:AssumeRole on %s, statement %d): %s", [pol.name, lib.account_label(account.id), attached_count(attached), concat(", ", res), i, concat(", ", attached)]),
		"evidence": {"policy": pol.arn, "statement": i, "resources": res, "attached_to": attached},
		"key": sprintf("statement/%d", [i]),
	}
}

aws_policy_prefix := sprintf("arn:%s:iam::aws:policy/", [lib.partition])

attached_count(xs) := "the principal it is attached to" if count(xs) == 1

attached_count(xs) := sprintf("the %d principals it is attached to", [count(xs)]) if count(xs) > 1

finding(account, kind, p, policy, i, res) := {
	"resource": p.arn,
	"account_id": account.id,
	"message": sprintf("%s %s in %s may assume any role (sts:AssumeRole on %s through %s)", [kind_label[kind], p.name, lib.account_label(account.id), concat(", ", res), policy]),
	"evidence": {"policy": policy, "statement": i, "resources": res},
	"key": sprintf("%s/%d", [policy, i]),
}

kind_label := {"users": "User", "groups": "Group", "roles": "Role"}
