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
#   scope: tables
#   severity: high
#   remediation: |
#     Remove the IAM write permission on the principal itself (its user or
#     role, its groups, the customer managed policies attached to it) from
#     the statement the finding names, in the finding's resource: what
#     holds that statement (the principal's own policy, its group, the
#     customer managed policy or the permission set; one finding lists
#     every principal the statement lets do it). When a team must manage IAM itself,
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

import data.orgaudit.lib
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

# holders(from, e) are what hold the statements that grant escalation e
# of node from (input.graph adds them): the thing to edit. Without them,
# the principal itself.
holders(_, e) := e.holders if count(object.get(e, "holders", [])) > 0

holders(from, e) := [from] if count(object.get(e, "holders", [])) == 0

# admin_grants[holder] holds the [principal, edge] pairs of the
# principals the holder's statements let make themselves administrators.
admin_grants[h] contains [from, e] if {
	some from, es in admin_edges
	input.graph.nodes[from].kind in principal_kinds
	some e in es
	some h in holders(from, e)
}

# A user, role or provisioned role raises its own permissions: one
# finding per holder of the granting statements, listing the principals.
deny contains result if {
	some h, pairs in admin_grants
	principals := sort({from | some [from, _] in pairs})
	kinds := sort({e.kind | some [_, e] in pairs})
	result := {
		"resource": h,
		"account_id": holder_account(h, principals[0]),
		"message": admin_message(h, principals, kinds, pairs),
		"evidence": {"holder": h, "principals": principals, "methods": kinds, "evidence": [evidence(e) | some [_, e] in pairs]},
	}
}

# A principal's own policy: the principal can make itself one.
admin_message(h, principals, kinds, pairs) := sprintf("%s is not an administrator but can make itself one (%s): %s", [graph.label(h), concat(", ", kinds), concat("; ", sort({evidence_text(e) | some [_, e] in pairs}))]) if {
	principals == [h]
}

# A group's, a managed policy's or a permission set's statements: every
# principal they let do it.
admin_message(h, principals, kinds, pairs) := sprintf("%s lets %s make themselves administrators (%s): %s; %s", [holder_label(h), count_text(principals), concat(", ", kinds), concat(", ", [graph.label(p) | some p in principals]), concat("; ", sort({grant_text(e) | some [_, e] in pairs}))]) if {
	principals != [h]
}

# join_grants[[holder, group]] holds the [user, edge] pairs of the users
# the holder's statements let add themselves to a group that makes them
# (or lets them make themselves) administrators.
join_grants[[h, input.graph.nodes[e.to].group]] contains [from, e] if {
	some from, out in input.graph.self_escalation
	input.graph.nodes[from].kind == "iam-user"
	some e in out
	e.kind == "escalate:add-user-to-group"
	becomes_admin(e.to)
	some h in holders(from, e)
}

# A user adds itself to a group that makes it (or lets it make itself) an
# administrator.
deny contains result if {
	some [h, group], pairs in join_grants
	principals := sort({from | some [from, _] in pairs})
	result := {
		"resource": h,
		"account_id": holder_account(h, principals[0]),
		"key": sprintf("group/%s", [group]),
		"message": join_message(h, group, principals, pairs),
		"evidence": {"holder": h, "principals": principals, "methods": ["escalate:add-user-to-group"], "evidence": [evidence(e) | some [_, e] in pairs]},
	}
}

join_message(h, group, principals, pairs) := sprintf("%s is not an administrator but can make itself one by adding itself to group %s: %s", [graph.label(h), group, concat("; ", sort({evidence_text(e) | some [_, e] in pairs}))]) if {
	principals == [h]
}

join_message(h, group, principals, pairs) := sprintf("%s lets %s make themselves administrators by adding themselves to group %s: %s; %s", [holder_label(h), count_text(principals), group, concat(", ", [graph.label(p) | some p in principals]), concat("; ", sort({grant_text(e) | some [_, e] in pairs}))]) if {
	principals != [h]
}

count_text(ps) := "1 principal" if count(ps) == 1

count_text(ps) := sprintf("%d principals", [count(ps)]) if count(ps) > 1

# holder_label(h) names a holder that is not a node: "group/Devs in dev
# (222222222222)", or the ARN.
holder_label(h) := graph.label(h) if input.graph.nodes[h]

holder_label(h) := sprintf("%s in %s", [split(h, ":")[5], lib.account_label(arn_account(h))]) if {
	not input.graph.nodes[h]
	arn_account(h)
}

holder_label(h) := h if {
	not input.graph.nodes[h]
	not arn_account(h)
}

arn_account(arn) := account if {
	parts := split(arn, ":")
	count(parts) > 5
	account := parts[4]
	regex.match(`^[0-9]{12}$`, account)
}

# holder_account(h, from) is the account of the holder (a permission set
# has none: the principal's).
holder_account(h, _) := arn_account(h)

holder_account(h, from) := input.graph.nodes[from].account_id if not arn_account(h)

# grant_text(e) names the actions and the statements of escalation e.
grant_text(e) := sprintf("%s granted by %s", [concat(" + ", ev.actions), concat(", ", [sprintf("%s#%d", [s.policy, s.index]) | some s in ev.statements])]) if {
	ev := evidence(e)
}

# evidence(e) is the evidence of escalation edge e; a record without a
# resource stands for the edge's target.
evidence(e) := object.union({"resource": e.to}, input.graph.evidence[e.evidence])

evidence_text(e) := sprintf("%s on %s granted by %s", [concat(" + ", ev.actions), ev.resource, concat(", ", [sprintf("%s#%d", [s.policy, s.index]) | some s in ev.statements])]) if {
	ev := evidence(e)
}
