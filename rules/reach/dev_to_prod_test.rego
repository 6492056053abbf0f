package orgaudit.rules.reach_dev_to_prod_test

import data.orgaudit.rules.reach_dev_to_prod as rule

cfg := {"environments": {"production": ["444444444444"], "development": ["222222222222"]}}

src(kind, acct) := {"kind": kind, "account_id": acct, "hops": 2, "paths": 3, "mfa_required": false, "path": ["x", "y"], "path_without_mfa": ["x", "y"]}

doc(reached) := {
	"accounts": [{"id": "222222222222", "name": "dev"}],
	"graph": {
		"nodes": {"arn:aws:iam::222222222222:role/ci": {"kind": "iam-role", "label": "role/ci in dev (222222222222)"}},
		"environments": {"production": {"accounts": ["444444444444"], "reached_by": reached}},
	},
}

test_dev_role_reaches_prod if {
	results := rule.deny with input as doc({"arn:aws:iam::222222222222:role/ci": src("iam-role", "222222222222")}) with data.orgaudit.config as cfg
	count(results) == 1
	some r in results
	r.resource == "arn:aws:iam::222222222222:role/ci"
	r.account_id == "222222222222"
	startswith(r.message, "role/ci in dev (222222222222), of development account dev (222222222222), reaches production")
}

test_dev_account_without_iam_data_counts if {
	count(rule.deny) == 1 with input as doc({"arn:aws:iam::222222222222:root": src("account", "222222222222")}) with data.orgaudit.config as cfg
}

test_other_accounts_pass if {
	reached := {
		"arn:aws:iam::333333333333:role/stage": src("iam-role", "333333333333"),
		"arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com": src("oidc-provider", "222222222222"),
	}
	count(rule.deny) == 0 with input as doc(reached) with data.orgaudit.config as cfg
}

test_account_in_both_environments_is_left_alone if {
	both := {"environments": {"production": ["444444444444", "222222222222"], "development": ["222222222222"]}}
	g := {"nodes": {}, "environments": {"production": {"accounts": ["222222222222", "444444444444"], "reached_by": {"arn:aws:iam::222222222222:role/ci": src("iam-role", "222222222222")}}}}
	count(rule.deny) == 0 with input.graph as g with data.orgaudit.config as both
}

test_no_development_is_not_evaluated if {
	prod_only := {"environments": {"production": ["444444444444"]}}
	input_doc := doc({"arn:aws:iam::222222222222:role/ci": src("iam-role", "222222222222")})
	count(rule.deny) == 0 with input as input_doc with data.orgaudit.config as prod_only
	{n.reason | some n in rule.not_evaluated} == {"no development environment is configured or recognized: list it under environments.development in .orgaudit.yaml"} with input as input_doc with data.orgaudit.config as prod_only
}

test_nothing_configured_is_not_evaluated_twice if {
	count(rule.not_evaluated) == 2 with input as doc({})
}

test_latent_dev_user_counts if {
	latent := object.union(src("iam-user", "222222222222"), {"mfa_required": true, "blocked_by": "no-mfa-device"})
	d := object.union(doc({}), {"graph": {"environments": {"production": {"latent": {"arn:aws:iam::222222222222:user/dev": latent}}}}})
	results := rule.deny with input as d with data.orgaudit.config as cfg
	count(results) == 1
	some r in results
	contains(r.message, "would reach production once it registers an MFA device")
}
