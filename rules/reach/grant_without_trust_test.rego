package orgaudit.rules.reach_grant_without_trust_test

import data.orgaudit.rules.reach_grant_without_trust as rule

group := "arn:aws:iam::111111111111:group/DataReaders"

role := "arn:aws:iam::444444444444:role/ReadOnly"

mismatch(user, holder, policy) := {
	"principal": sprintf("arn:aws:iam::111111111111:user/%s", [user]), "principal_account": "111111111111",
	"role": role, "role_account": "444444444444",
	"policy": policy, "statement": 0, "sid": "", "holder": holder,
	"reason": "implicitly denied: the role's trust policy does not allow it",
}

members := [mismatch(u, group, "group/DataReaders:inline:assume") | some u in ["ali", "sam", "zoe"]]

test_one_finding_per_group_statement_and_role if {
	results := rule.deny with input.graph as {"nodes": {}, "grants_without_trust": members}
		with input.accounts as [{"id": "111111111111", "name": "identity"}]
	count(results) == 1
	some r in results
	r.resource == group
	r.account_id == "111111111111"
	r.key == "arn:aws:iam::444444444444:role/ReadOnly/group/DataReaders:inline:assume/0"
	r.evidence.principals == [
		"arn:aws:iam::111111111111:user/ali",
		"arn:aws:iam::111111111111:user/sam",
		"arn:aws:iam::111111111111:user/zoe",
	]
	r.message == "group/DataReaders in identity (111111111111) grants sts:AssumeRole on arn:aws:iam::444444444444:role/ReadOnly (group/DataReaders:inline:assume, statement 0), but the role's trust policy does not admit the 3 principals it is granted to: arn:aws:iam::111111111111:user/ali, arn:aws:iam::111111111111:user/sam, arn:aws:iam::111111111111:user/zoe"
}

test_own_policy_is_on_the_user if {
	m := mismatch("sam", "arn:aws:iam::111111111111:user/sam", "inline:assume")
	g := {"nodes": {m.principal: {"label": "user/sam in identity (111111111111)"}}, "grants_without_trust": [m]}
	some r in rule.deny with input.graph as g
	r.resource == m.principal
	startswith(r.message, "user/sam in identity (111111111111) grants sts:AssumeRole on")
	endswith(r.message, "does not admit the principal it is granted to: user/sam in identity (111111111111)")
}

test_customer_managed_policy_once_for_every_holder if {
	policy := "arn:aws:iam::111111111111:policy/AssumeReadOnly"
	ms := [mismatch("ali", policy, policy), mismatch("sam", policy, policy)]
	results := rule.deny with input.graph as {"nodes": {}, "grants_without_trust": ms}
	count(results) == 1
	some r in results
	r.resource == policy
	count(r.evidence.principals) == 2
}

test_permission_set_on_the_principal_account if {
	ps := "arn:aws:sso:::permissionSet/ssoins-1/ps-1"
	m := object.union(mismatch("ali", ps, "permission-set:Ops:inline"), {"principal_account": "222222222222"})
	some r in rule.deny with input.graph as {"nodes": {}, "grants_without_trust": [m]}
	r.resource == ps
	r.account_id == "222222222222"
}

test_without_holder_on_the_principal if {
	m := object.remove(mismatch("sam", "", "inline:assume"), ["holder"])
	some r in rule.deny with input.graph as {"nodes": {}, "grants_without_trust": [m]}
	r.resource == m.principal
}

test_nothing_to_report if {
	count(rule.deny) == 0 with input.graph as {"nodes": {}, "grants_without_trust": []}
}

test_no_graph_no_finding if {
	count(rule.deny) == 0 with input as {}
}
