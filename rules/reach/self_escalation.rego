# METADATA
# title: No principal can make itself an administrator of its account
# description: |
#   A user or role that is not an administrator but may rewrite its own
#   permissions is one: it can put or attach an administrator policy on
#   itself (iam:PutUserPolicy, iam:AttachUserPolicy, iam:PutRolePolicy,
#   iam:AttachRolePolicy), on a group it belongs to (iam:PutGroupPolicy,
#   iam:AttachGroupPolicy), write a new default version of a customer
#   managed policy attached to it (iam:CreatePolicyVersion,
#   iam:SetDefaultPolicyVersion), remove or replace the permissions
#   boundary that holds it back, or add itself to a group whose policies
#   make it an administrator (iam:AddUserToGroup). The access graph
#   (input.graph) decides each of these with the policy evaluator, SCPs
#   and boundaries included; AWS managed policies, service-linked roles and
#   the roles IAM Identity Center provisions cannot be changed by account
#   principals and never count. Principals that already hold "*" on "*"
#   are administrators and are not reported. CIS AWS Foundations has no
#   control for it.
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
#     description: Permissions boundaries for IAM entities (delegating permission management)
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html
#     description: Versioning IAM policies
#   - ref: https://docs.aws.amazon.com/wellarchitected/latest/security-pillar/sec_permissions_least_privileges.html
#     description: "SEC03-BP02: Grant least privilege access"
# custom:
#   id: OA-REACH-008
#   severity: high
#   remediation: |
#     Remove the IAM write permission on the principal itself (its user or
#     role, its groups, the customer managed policies attached to it) from
#     the statement the finding names. When a team must manage IAM itself,
#     delegate with a permissions boundary: allow iam:Put*/Attach* only
#     with a condition iam:PermissionsBoundary set to a boundary that does
#     not allow changing the boundary, as the IAM User Guide's delegation
#     example does.
#     Console: IAM > Users, Groups or Roles > the policy > Edit.
#     CLI: aws iam put-user-policy / put-role-policy / create-policy-version --set-as-default.
#     Check with: orgaudit simulate --snapshot FILE --principal ARN --action iam:PutUserPolicy --resource ARN
#   frameworks:
#     orgaudit-practices: ["no-privilege-escalation"]
#     aws-well-architected-security: ["SEC03-BP02"]
#   requires: [iam.authorization_details, organization.policies]
package orgaudit.rules.reach_self_escalation

import data.orgaudit.lib.graph

principal_kinds := {"iam-user", "iam-role", "sso-role"}

# admin_edges[from] are the escalation edges from a node into the
# administrator node of its account (input.graph.self_escalation indexes
# them with the group joins, so that rules never scan every edge).
admin_edges[from] contains e if {
	some from, out in input.graph.self_escalation
	some e in out
	input.graph.nodes[e.to].kind == "account-admin"
}

# becomes_admin(id): the node is an administrator or can make itself one.
becomes_admin(id) if input.graph.nodes[id].admin

becomes_admin(id) if admin_edges[id]

# A user, role or provisioned role raises its own permissions.
deny contains result if {
	some from, es in admin_edges
	node := input.graph.nodes[from]
	node.kind in principal_kinds
	kinds := sort({e.kind | some e in es})
	result := {
		"resource": from,
		"account_id": node.account_id,
		"message": sprintf("%s is not an administrator but can make itself one (%s): %s", [graph.label(from), concat(", ", kinds), concat("; ", sort({evidence_text(e) | some e in es}))]),
		"evidence": {"methods": kinds, "evidence": [evidence(e) | some e in es]},
	}
}

# A user adds itself to a group that makes it (or lets it make itself) an
# administrator.
deny contains result if {
	some from, out in input.graph.self_escalation
	node := input.graph.nodes[from]
	node.kind == "iam-user"
	some e in out
	e.kind == "escalate:add-user-to-group"
	becomes_admin(e.to)
	result := {
		"resource": from,
		"account_id": node.account_id,
		"key": e.to,
		"message": sprintf("%s is not an administrator but can make itself one by adding itself to group %s: %s", [graph.label(from), input.graph.nodes[e.to].group, evidence_text(e)]),
		"evidence": {"methods": ["escalate:add-user-to-group"], "evidence": [evidence(e)]},
	}
}

# evidence(e) is the evidence of escalation edge e; a record without a
# resource stands for the edge's target.
evidence(e) := object.union({"resource": e.to}, input.graph.evidence[e.evidence])

evidence_text(e) := sprintf("%s on %s granted by %s", [concat(" + ", ev.actions), ev.resource, concat(", ", [sprintf("%s#%d", [s.policy, s.index]) | some s in ev.statements])]) if {
	ev := evidence(e)
}
