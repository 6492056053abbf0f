package orgaudit.rules.reach_escalate_into_prod_test

import data.orgaudit.rules.reach_escalate_into_prod as rule

ci := "arn:aws:iam::222222222222:user/ci"

deployer := "arn:aws:iam::222222222222:role/deployer"

admin := "arn:aws:iam::444444444444:role/admin"

cfg := {"environments": {"production": ["444444444444"]}}

doc(reached) := {"graph": {
	"nodes": {
		ci: {"kind": "iam-user", "label": "user/ci in tools (222222222222)"},
		deployer: {"kind": "iam-role", "label": "role/deployer in tools (222222222222)"},
		admin: {"kind": "iam-role", "label": "role/admin in prod (444444444444)"},
	},
	"environments": {"production": {"accounts": ["444444444444"], "reached_by": reached}},
}}

escalating := {
	"kind": "iam-user", "account_id": "222222222222", "hops": 2, "paths": 1, "mfa_required": false,
	"escalation_required": true, "path": [ci, deployer, admin], "path_kinds": ["escalate:update-trust", "assume-role"],
}

test_escalation_into_prod if {
	results := rule.deny with input as doc({ci: escalating}) with data.orgaudit.config as cfg
	count(results) == 1
	some r in results
	r.resource == ci
	r.account_id == "222222222222"
	r.message == "user/ci in tools (222222222222) reaches production only by privilege escalation: user/ci in tools (222222222222) -[escalate:update-trust]-> role/deployer in tools (222222222222) -[assume-role]-> role/admin in prod (444444444444)"
	r.evidence.path_kinds == ["escalate:update-trust", "assume-role"]
}

test_assumption_alone_is_left_to_the_other_rules if {
	assumes := object.union(escalating, {"escalation_required": false, "path": [deployer, admin], "path_kinds": ["assume-role"]})
	count(rule.deny) == 0 with input as doc({deployer: assumes}) with data.orgaudit.config as cfg
}

test_any_principal_without_account if {
	star := object.remove(object.union(escalating, {"kind": "any-principal"}), ["account_id"])
	results := rule.deny with input as doc({"*": star}) with data.orgaudit.config as cfg
	some r in results
	r.resource == "*"
	r.account_id == ""
}

test_no_production_is_not_evaluated if {
	count(rule.deny) == 0 with input as doc({ci: escalating})
	count(rule.not_evaluated) == 1 with input as doc({ci: escalating})
}
