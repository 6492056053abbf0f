package orgaudit.rules.reach_grant_without_trust_test

import data.orgaudit.rules.reach_grant_without_trust as rule

m := {
	"principal": "arn:aws:iam::111111111111:user/sam", "principal_account": "111111111111",
	"role": "arn:aws:iam::444444444444:role/ReadOnly", "role_account": "444444444444",
	"policy": "group/DataReaders:inline:assume", "statement": 0, "sid": "",
	"reason": "implicitly denied: cross-account request: the role's trust policy does not allow arn:aws:iam::111111111111:user/sam to sts:AssumeRole",
}

test_grant_without_trust if {
	results := rule.deny with input.graph as {"nodes": {}, "grants_without_trust": [m]}
	count(results) == 1
	some r in results
	r.resource == m.principal
	r.account_id == "111111111111"
	r.key == "arn:aws:iam::444444444444:role/ReadOnly/group/DataReaders:inline:assume/0"
	r.message == "arn:aws:iam::111111111111:user/sam is granted sts:AssumeRole on arn:aws:iam::444444444444:role/ReadOnly by group/DataReaders:inline:assume (statement 0), but the role's trust policy does not admit it"
}

test_label_from_the_graph if {
	g := {"nodes": {m.principal: {"label": "user/sam in identity (111111111111)"}}, "grants_without_trust": [m]}
	some r in rule.deny with input.graph as g
	startswith(r.message, "user/sam in identity (111111111111) is granted")
}

test_nothing_to_report if {
	count(rule.deny) == 0 with input.graph as {"nodes": {}, "grants_without_trust": []}
}

test_no_graph_no_finding if {
	count(rule.deny) == 0 with input as {}
}
