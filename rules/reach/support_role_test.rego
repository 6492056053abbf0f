package orgaudit.rules.reach_support_role_test

import data.orgaudit.rules.reach_support_role as rule

support := {"name": "AWSSupportAccess", "arn": "arn:aws:iam::aws:policy/AWSSupportAccess"}

role(account, name, policies) := {"name": name, "arn": sprintf("arn:aws:iam::%s:role/%s", [account, name]), "path": "/", "attached_policies": policies, "trust_policy": {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"}, "Action": "sts:AssumeRole"}]}}

snapshot := {"metadata": {"partition": "aws", "gaps": []}, "accounts": [
	{"id": "111111111111", "name": "a", "iam": {"roles": [role("111111111111", "support", [support])]}},
	{"id": "222222222222", "name": "b", "iam": {"roles": [role("222222222222", "admin", [])]}},
	{"id": "333333333333", "name": "c", "iam": {"roles": [role("333333333333", "support", [support])]}},
	{"id": "444444444444", "name": "d", "iam": {"roles": [role("444444444444", "support", [support])]}},
]}

graph := {
	"version": 1,
	"nodes": {"u": {"kind": "user", "account_id": "999999999998"}, "m": {"kind": "user", "account_id": "999999999998"}},
	"edges": {"u": [{"to": "arn:aws:iam::111111111111:role/support", "kind": "assume-role"}]},
	"edges_in": {"arn:aws:iam::111111111111:role/support": ["u"]},
	"assume_edges_in": {"arn:aws:iam::111111111111:role/support": ["u"]},
	"classes": {"class:1": ["m"]},
	"class_edges": {"class:1": [{"to": "arn:aws:iam::444444444444:role/support", "kind": "assume-role", "except_accounts": []}]},
	"unknown_accounts": [],
}

test_missing_and_unassumable if {
	results := rule.deny with input as object.union(snapshot, {"graph": graph})
	{[r.account_id, count(object.get(r, "evidence", {"support_roles": []}).support_roles)] | some r in results} == {["222222222222", 0], ["333333333333", 1]}
}

test_class_edge_with_every_member_excepted_does_not_count if {
	g := object.union(graph, {"class_edges": {"class:1": [{"to": "arn:aws:iam::444444444444:role/support", "except_accounts": ["999999999998"]}]}})
	some r in rule.deny with input as object.union(snapshot, {"graph": g})
	r.account_id == "444444444444"
}

# Reaching a support role by privilege escalation (as the account's
# administrator, or by rewriting its trust) makes nobody its caller.
test_escalation_is_no_caller if {
	admin := "account-admin:111111111111"
	g := object.union(graph, {
		"nodes": {admin: {"kind": "account-admin", "account_id": "111111111111"}, "a": {"kind": "account-admin", "account_id": "999999999998"}},
		"edges": {
			"u": [{"to": "arn:aws:iam::111111111111:role/support", "kind": "escalate:update-trust"}],
			admin: [{"to": "arn:aws:iam::111111111111:role/support", "kind": "assume-role"}],
		},
		"edges_in": {"arn:aws:iam::111111111111:role/support": ["u", admin]},
		"assume_edges_in": {"arn:aws:iam::111111111111:role/support": [admin]},
		"classes": {"class:1": ["a"]},
	})
	results := rule.deny with input as object.union(snapshot, {"graph": g})
	{r.account_id | some r in results} == {"111111111111", "222222222222", "333333333333", "444444444444"}
}

test_callers_in_unknown_account_are_not_evaluated if {
	g := object.union(graph, {"unknown_accounts": ["999999999999"]})
	results := rule.deny with input as object.union(snapshot, {"graph": g})
	{r.account_id | some r in results} == {"222222222222"}
	{n.account_id | some n in rule.not_evaluated} == {"333333333333"} with input as object.union(snapshot, {"graph": g})
}

test_without_graph if {
	{r.account_id | some r in rule.deny} == {"222222222222"} with input as snapshot
	some n in rule.not_evaluated with input as snapshot
	n.section == "graph"
}
