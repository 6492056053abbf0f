package orgaudit.rules.reach_prod_mfa_test

import data.orgaudit.rules.reach_prod_mfa

alice := "arn:aws:iam::111111111111:user/alice"

admin := "arn:aws:iam::444444444444:role/admin"

cfg := {"environments": {"production": ["444444444444"]}}

graph(reached) := {
	"nodes": {
		alice: {"kind": "iam-user", "label": "user/alice in identity (111111111111)", "mfa_device": "no"},
		admin: {"kind": "iam-role", "label": "role/admin in prod (444444444444)"},
		"arn:aws:iam::222222222222:role/ci": {"kind": "iam-role", "label": "role/ci in dev (222222222222)"},
	},
	"environments": {"production": {"accounts": ["444444444444"], "reached_by": reached}},
}

no_mfa := {"kind": "iam-user", "account_id": "111111111111", "hops": 1, "paths": 1, "mfa_required": false, "path": [alice, admin], "path_without_mfa": [alice, admin]}

test_user_without_mfa_on_a_path if {
	results := reach_prod_mfa.deny with input.graph as graph({alice: no_mfa}) with data.orgaudit.config as cfg
	count(results) == 1
	some r in results
	r.resource == alice
	r.account_id == "111111111111"
	r.message == "IAM user user/alice in identity (111111111111) reaches production without MFA: user/alice in identity (111111111111) -> role/admin in prod (444444444444)"
	r.evidence.mfa_device == "no"
}

test_mfa_on_every_path_passes if {
	ok := object.union(no_mfa, {"mfa_required": true, "path_without_mfa": []})
	count(reach_prod_mfa.deny) == 0 with input.graph as graph({alice: ok}) with data.orgaudit.config as cfg
}

test_roles_are_not_origins if {
	ci := {"kind": "iam-role", "account_id": "222222222222", "hops": 1, "paths": 1, "mfa_required": false, "path": [], "path_without_mfa": []}
	count(reach_prod_mfa.deny) == 0 with input.graph as graph({"arn:aws:iam::222222222222:role/ci": ci}) with data.orgaudit.config as cfg
}

test_not_configured_reports_not_evaluated if {
	count(reach_prod_mfa.deny) == 0 with input.graph as graph({alice: no_mfa})
	some n in reach_prod_mfa.not_evaluated with input.graph as graph({alice: no_mfa})
	n.section == "config.environments.production"
	contains(n.reason, "no production environment is configured")
}

test_summary_of_other_accounts_is_not_trusted if {
	other := {"environments": {"production": ["444444444444", "555555555555"]}}
	count(reach_prod_mfa.deny) == 0 with input.graph as graph({alice: no_mfa}) with data.orgaudit.config as other
	count(reach_prod_mfa.not_evaluated) == 1 with input.graph as graph({alice: no_mfa}) with data.orgaudit.config as other
}

test_configured_has_nothing_to_say if {
	count(reach_prod_mfa.not_evaluated) == 0 with input.graph as graph({alice: no_mfa}) with data.orgaudit.config as cfg
}

test_latent_user_is_not_reported if {
	latent := object.union(no_mfa, {"mfa_required": true, "path_without_mfa": [], "blocked_by": "no-mfa-device"})
	g := object.union(graph({}), {"environments": {"production": {"latent": {alice: latent}}}})
	count(reach_prod_mfa.deny) == 0 with input.graph as g with data.orgaudit.config as cfg
}
