package orgaudit.rules.reach_self_escalation_test

import data.orgaudit.rules.reach_self_escalation as rule

dev := "arn:aws:iam::222222222222:user/dev"

ops := "arn:aws:iam::222222222222:role/ops"

boss := "arn:aws:iam::222222222222:role/boss"

admin := "admin:222222222222"

joined := "arn:aws:iam::222222222222:user/dev+group/Admins"

ev(action, resource) := {"actions": [action], "resource": resource, "statements": [{"policy": "inline:self", "type": "identity", "index": 0, "sid": ""}]}

nodes := {
	dev: {"kind": "iam-user", "account_id": "222222222222", "label": "user/dev in tools (222222222222)"},
	ops: {"kind": "iam-role", "account_id": "222222222222", "label": "role/ops in tools (222222222222)"},
	boss: {"kind": "iam-role", "account_id": "222222222222", "label": "role/boss in tools (222222222222)", "admin": true},
	admin: {"kind": "account-admin", "account_id": "222222222222", "label": "administrator of account 222222222222"},
	joined: {"kind": "iam-user-in-group", "account_id": "222222222222", "label": "user/dev in group Admins", "admin": true, "user": dev, "group": "Admins"},
}

test_role_puts_a_policy_on_itself if {
	out := [
		{"to": admin, "kind": "escalate:put-role-policy", "mfa": false, "evidence": 0},
		{"to": admin, "kind": "escalate:attach-role-policy", "mfa": false, "evidence": 1},
	]
	g := {"nodes": nodes, "edges": {ops: out}, "self_escalation": {ops: out}, "evidence": [ev("iam:PutRolePolicy", ops), ev("iam:AttachRolePolicy", ops)]}
	results := rule.deny with input.graph as g
	count(results) == 1
	some r in results
	r.resource == ops
	r.account_id == "222222222222"
	r.evidence.methods == ["escalate:attach-role-policy", "escalate:put-role-policy"]
	contains(r.message, "iam:PutRolePolicy on arn:aws:iam::222222222222:role/ops granted by inline:self#0")
}

test_user_joins_an_admin_group if {
	out := [{"to": joined, "kind": "escalate:add-user-to-group", "mfa": false, "evidence": 0}]
	g := {"nodes": nodes, "edges": {dev: out}, "self_escalation": {dev: out}, "evidence": [ev("iam:AddUserToGroup", "arn:aws:iam::222222222222:group/Admins")]}
	results := rule.deny with input.graph as g
	count(results) == 1
	some r in results
	r.resource == dev
	r.key == "group/Admins"
	contains(r.message, "by adding itself to group Admins")
}

devs := "arn:aws:iam::222222222222:group/Devs"

member(name) := sprintf("arn:aws:iam::222222222222:user/%s", [name])

test_group_grant_is_one_finding_on_the_group if {
	names := ["a", "b", "c"]
	members := {member(n): {"kind": "iam-user", "account_id": "222222222222", "label": sprintf("user/%s in tools (222222222222)", [n])} | some n in names}
	self := {member(n): [{"to": admin, "kind": "escalate:attach-user-policy", "mfa": false, "evidence": 0, "holders": [devs]}] | some n in names}
	g := {
		"nodes": object.union(nodes, members), "edges": self, "self_escalation": self,
		"evidence": [{"actions": ["iam:AttachUserPolicy"], "statements": [{"policy": "group/Devs:inline:iam", "type": "identity", "index": 0, "sid": ""}]}],
	}
	results := rule.deny with input.graph as g with input.accounts as [{"id": "222222222222", "name": "tools"}]
	count(results) == 1
	some r in results
	r.resource == devs
	r.account_id == "222222222222"
	r.evidence.principals == [member("a"), member("b"), member("c")]
	r.message == "group/Devs in tools (222222222222) lets 3 principals make themselves administrators (escalate:attach-user-policy): user/a in tools (222222222222), user/b in tools (222222222222), user/c in tools (222222222222); iam:AttachUserPolicy granted by group/Devs:inline:iam#0"
}

test_joining_a_harmless_group_is_not_reported if {
	harmless := object.union(object.remove(nodes, [joined]), {joined: object.remove(nodes[joined], ["admin"])})
	out := [{"to": joined, "kind": "escalate:add-user-to-group", "mfa": false, "evidence": 0}]
	g := {"nodes": harmless, "edges": {dev: out}, "self_escalation": {dev: out}, "evidence": [ev("iam:AddUserToGroup", "g")]}
	count(rule.deny) == 0 with input.graph as g
}

test_taking_over_others_is_not_self_escalation if {
	g := {"nodes": nodes, "evidence": [{"actions": ["iam:UpdateAssumeRolePolicy"], "statements": []}], "self_escalation": {}, "edges": {
		ops: [{"to": boss, "kind": "escalate:update-trust", "mfa": false, "evidence": 0}],
		admin: [{"to": boss, "kind": "assume-role", "mfa": false}],
	}}
	count(rule.deny) == 0 with input.graph as g
}

test_evidence_without_resource_is_the_target if {
	out := [{"to": admin, "kind": "escalate:put-role-policy", "mfa": false, "evidence": 0}]
	g := {"nodes": nodes, "edges": {ops: out}, "self_escalation": {ops: out}, "evidence": [{"actions": ["iam:PutRolePolicy"], "statements": []}]}
	some r in rule.deny with input.graph as g
	contains(r.message, "iam:PutRolePolicy on admin:222222222222 granted by ")
}
