# METADATA
# title: Identity policy grants sts:AssumeRole on a role whose trust does not admit the principal
# description: |
#   An identity policy names a role by its exact ARN in an sts:AssumeRole
#   statement, but the role's trust policy does not admit that principal,
#   so the grant cannot be used. Such grants are left over from a role
#   whose trust was narrowed, point at the wrong account, or wait for
#   someone to widen the trust policy: each is either dead permission
#   (remove it, least privilege) or a broken access path someone will
#   "fix" by loosening the trust. The policy evaluator decides admission
#   (input.graph.grants_without_trust): conditions the principal could meet
#   at request time, such as MFA, count as admitting it. Grants with
#   wildcards in the role ARN are not checked. A finding is reported on
#   what holds the grant, the thing to edit: the group for a group's
#   policy, the user or role for its own policy, the customer managed
#   policy (by ARN) wherever it is attached, the permission set for a role
#   Identity Center provisions; once per statement and role, listing the
#   principals it is granted to.
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_permissions-to-switch.html
#     description: Granting a user permissions to switch roles
#   - ref: https://docs.aws.amazon.com/wellarchitected/latest/security-pillar/sec_permissions_least_privileges.html
#     description: "SEC03-BP02: Grant least privilege access"
# custom:
#   id: OA-REACH-004
#   scope: tables
#   severity: low
#   remediation: |
#     Edit the finding's resource, which holds the statement: remove the
#     role from the statement's Resource if the access is not needed;
#     otherwise add the principals (or their account) to the role's trust
#     policy, with an MFA condition.
#     Console: IAM > Users, Groups or Roles > the policy > Edit; or IAM >
#     Roles > the role > Trust relationships > Edit trust policy.
#     CLI: aws iam put-user-policy / put-group-policy / put-role-policy or
#     aws iam create-policy-version --set-as-default for managed policies;
#     aws iam update-assume-role-policy for the trust policy.
#     Check with: orgaudit simulate --snapshot FILE --principal ARN --action sts:AssumeRole --resource ROLE-ARN
#   frameworks:
#     orgaudit-practices: ["no-dangling-grants"]
#     aws-well-architected-security: ["SEC03-BP02"]
#   requires: [iam.authorization_details, organization.policies]
package orgaudit.rules.reach_grant_without_trust

import data.orgaudit.lib
import data.orgaudit.lib.graph

# holder(m) is what holds the statement of mismatch m (input.graph adds
# it; a principal's own policy before it did).
holder(m) := object.get(m, "holder", m.principal)

# grants[[holder, policy, statement, role]] are the mismatches of one
# statement on one role, whoever it is granted to.
grants[[holder(m), m.policy, m.statement, m.role]] contains m if {
	some m in input.graph.grants_without_trust
}

deny contains result if {
	some key, ms in grants
	[h, pol, stmt, role] := key
	principals := sort({m.principal | some m in ms})
	some first in ms
	first.principal == principals[0]
	result := {
		"resource": h,
		"account_id": holder_account(h, first),
		"message": sprintf("%s grants sts:AssumeRole on %s (%s, statement %d), but the role's trust policy does not admit %s: %s", [holder_label(h), role, pol, stmt, who(count(principals)), concat(", ", [graph.label(p) | some p in principals])]),
		"evidence": {
			"holder": h, "policy": pol, "statement": stmt, "sid": first.sid, "role": role, "role_account": first.role_account,
			"principals": principals, "reasons": {m.principal: m.reason | some m in ms},
		},
		"key": sprintf("%s/%s/%d", [role, pol, stmt]),
	}
}

who(1) := "the principal it is granted to"

who(n) := sprintf("the %d principals it is granted to", [n]) if n > 1

# holder_label(h) names the holder: the graph's label of a principal;
# "group/Devs in identity (111111111111)" for a group or a customer
# managed policy; the ARN of a permission set.
holder_label(h) := graph.label(h) if input.graph.nodes[h]

holder_label(h) := sprintf("%s in %s", [split(h, ":")[5], lib.account_label(arn_account(h))]) if {
	not input.graph.nodes[h]
	arn_account(h)
}

holder_label(h) := h if {
	not input.graph.nodes[h]
	not arn_account(h)
}

# arn_account(arn) is the account field of an ARN, when it has one.
arn_account(arn) := account if {
	parts := split(arn, ":")
	count(parts) > 5
	account := parts[4]
	regex.match(`^[0-9]{12}$`, account)
}

# holder_account(h, m) is the account of the holder; a permission set
# (arn:aws:sso:::permissionSet/...) has none, and the finding is on the
# account of the principal it was found on.
holder_account(h, _) := arn_account(h)

holder_account(h, m) := m.principal_account if not arn_account(h)
