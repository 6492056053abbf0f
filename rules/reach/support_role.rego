# METADATA
# title: Every account has a support role someone can assume
# description: |
#   When an incident needs AWS Support, someone has to be able to open and
#   follow a case in the affected account, without borrowing the root user
#   or an administrator. CIS asks for a role with the AWS managed
#   AWSSupportAccess policy in every account; orgaudit also asks the access
#   graph (input.graph) whether anybody can assume it: a support role that
#   no principal reaches is as good as none. An account is reported when it
#   has no such role, or when its support roles have no caller in the graph
#   (the evidence lists the roles; a finding lists who can assume them when
#   they can). Only role assumption counts: a principal that could reach
#   the role by privilege escalation (rewriting its trust, becoming an
#   administrator of the account) is no caller meant for it. When the
#   callers named in a support role's trust live in an account whose IAM
#   data is missing, or the organization's SCPs could not be read, the
#   check is not evaluated for that account.
# related_resources:
#   - ref: https://docs.aws.amazon.com/awssupport/latest/user/accessing-support.html
#     description: Manage access to AWS Support Center
#   - ref: https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSSupportAccess.html
#     description: AWSSupportAccess
# custom:
#   id: OA-REACH-006
#   scope: account
#   severity: low
#   remediation: |
#     Create a role for incident responders in every account (a
#     CloudFormation StackSet does it organization-wide), attach
#     AWSSupportAccess, and let the responders' group or permission set
#     assume it (with MFA).
#     Console: IAM > Roles > Create role > AWS account (the identity
#     account), attach AWSSupportAccess.
#     CLI: aws iam create-role --role-name support --assume-role-policy-document file://trust.json
#     aws iam attach-role-policy --role-name support --policy-arn arn:aws:iam::aws:policy/AWSSupportAccess
#     Check with: orgaudit paths --snapshot FILE --to arn:aws:iam::ACCOUNT:role/support
#   frameworks:
#     cis-v3.0.0: ["1.17"]
#     cis-v4.0.0: ["1.17"]
#     cis-v5.0.0: ["1.16"]
#   requires: [iam.authorization_details]
package orgaudit.rules.reach_support_role

import data.orgaudit.lib

support_policy := lib.aws_policy_arn("AWSSupportAccess")

active(account) if object.get(account, "status", "ACTIVE") == "ACTIVE"

# support_roles maps an account id to the ARNs of its roles with
# AWSSupportAccess attached.
support_roles := {account.id: roles |
	some account in lib.iam_accounts
	roles := sort([role.arn |
		some role in account.iam.roles
		some p in role.attached_policies
		p.arn == support_policy
	])
}

# virtual(id): the node stands for what a principal becomes by privilege
# escalation (an account's administrator, a user once in a group), not for
# a principal someone signs in as.
virtual(id) if input.graph.nodes[id].kind in {"account-admin", "iam-user-in-group"}

escalation(edge) if startswith(edge.kind, "escalate:")

# assume_callers(role) are the principals with a role-assumption edge to
# role.
assume_callers(role) := {from |
	some from in object.get(input.graph.assume_edges_in, role, [])
	not virtual(from)
}

# class_targets holds the roles some member of a class can assume through
# a class edge (a member outside the edge's excepted accounts).
class_targets := {e.to |
	some class, edges in input.graph.class_edges
	some e in edges
	not escalation(e)
	class_admits(class, e.except_accounts)
}

# class_admits(class, except) holds when a member of class is a principal
# of an account outside except (the first one found is enough).
class_admits(class, except) if {
	some member in input.graph.classes[class]
	not virtual(member)
	not input.graph.nodes[member].account_id in except
}

# callers(role) lists who can assume a role: individual callers, and
# "members of class:N" for class edges.
callers(role) := array.concat(
	sort(assume_callers(role)),
	sort([sprintf("members of %s", [class]) |
		some class, edges in input.graph.class_edges
		some e in edges
		e.to == role
		not escalation(e)
		some member in input.graph.classes[class]
		not virtual(member)
	]),
)

assumable(account_id) if {
	some role in support_roles[account_id]
	count(assume_callers(role)) > 0
}

assumable(account_id) if {
	some role in support_roles[account_id]
	role in class_targets
}

# callers_unknown(account_id) holds when a support role's trust names a
# principal whose account's IAM data is missing: it might be a caller.
callers_unknown(account_id) if {
	some g in lib.trust_grants
	g.account_id == account_id
	g.role_arn in support_roles[account_id]
	some _, acct in g.principal_accounts
	acct in input.graph.unknown_accounts
}

callers_unknown(_) if lib.has_gap("", "organization.policies")

deny contains result if {
	some account in lib.iam_accounts
	active(account)
	count(support_roles[account.id]) == 0
	result := {
		"resource": lib.account_arn(account.id),
		"account_id": account.id,
		"message": sprintf("No role in %s has AWSSupportAccess attached: nobody can handle an AWS Support case there without broader rights", [lib.account_label(account.id)]),
	}
}

deny contains result if {
	input.graph.version
	some account in lib.iam_accounts
	active(account)
	roles := support_roles[account.id]
	count(roles) > 0
	not assumable(account.id)
	not callers_unknown(account.id)
	result := {
		"resource": lib.account_arn(account.id),
		"account_id": account.id,
		"message": sprintf("Nobody can assume the support roles of %s (%s): the access graph has no caller for them", [lib.account_label(account.id), concat(", ", roles)]),
		"evidence": {"support_roles": roles, "callers": {role: callers(role) | some role in roles}},
	}
}

not_evaluated contains {
	"account_id": account.id,
	"section": "iam.authorization_details",
	"reason": "the support roles' trust names principals of accounts whose IAM data is missing (or the SCPs could not be read): whether anybody can assume them is unknown",
} if {
	input.graph.version
	some account in lib.iam_accounts
	active(account)
	count(support_roles[account.id]) > 0
	not assumable(account.id)
	callers_unknown(account.id)
}

not_evaluated contains {"section": "graph", "reason": "the snapshot was checked without the access graph (input.graph): whether the support roles can be assumed is unknown"} if {
	not input.graph.version
	some account in lib.iam_accounts
	count(support_roles[account.id]) > 0
}
