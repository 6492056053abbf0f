package orgaudit.rules.reach_user_outside_identity_test

import data.orgaudit.rules.reach_user_outside_identity as rule

cfg := {"identity_account": "111111111111", "environments": {"production": ["444444444444"]}}

src(kind, acct) := {"kind": kind, "account_id": acct, "hops": 1, "paths": 1, "mfa_required": true, "path": ["x", "arn:aws:iam::444444444444:role/admin"], "path_without_mfa": []}

graph(reached) := {
	"nodes": {"arn:aws:iam::444444444444:role/admin": {"kind": "iam-role", "label": "role/admin in prod (444444444444)"}},
	"environments": {"production": {"accounts": ["444444444444"], "reached_by": reached}},
}

snap := {"accounts": [{"id": "111111111111", "name": "identity"}, {"id": "222222222222", "name": "dev"}]}

test_user_of_another_account if {
	results := rule.deny with input as object.union(snap, {"graph": graph({"arn:aws:iam::222222222222:user/bob": src("iam-user", "222222222222")})}) with data.orgaudit.config as cfg
	count(results) == 1
	some r in results
	r.resource == "arn:aws:iam::222222222222:user/bob"
	contains(r.message, "outside the identity account identity (111111111111)")
}

test_user_of_the_identity_account_passes if {
	count(rule.deny) == 0 with input as object.union(snap, {"graph": graph({"arn:aws:iam::111111111111:user/alice": src("iam-user", "111111111111")})}) with data.orgaudit.config as cfg
}

test_roles_and_identity_center_are_not_iam_users if {
	reached := {
		"arn:aws:iam::222222222222:role/ci": src("iam-role", "222222222222"),
		"ic:user/u-1": {"kind": "ic-user", "hops": 1, "paths": 1, "mfa_required": false, "path": [], "path_without_mfa": []},
	}
	count(rule.deny) == 0 with input as object.union(snap, {"graph": graph(reached)}) with data.orgaudit.config as cfg
}

test_no_identity_account_is_not_evaluated if {
	no_id := {"environments": {"production": ["444444444444"]}}
	input_doc := object.union(snap, {"graph": graph({"arn:aws:iam::222222222222:user/bob": src("iam-user", "222222222222")})})
	count(rule.deny) == 0 with input as input_doc with data.orgaudit.config as no_id
	{n.reason | some n in rule.not_evaluated} == {"no identity account is designated or recognized: set identity_account in .orgaudit.yaml"} with input as input_doc with data.orgaudit.config as no_id
}

test_no_production_is_not_evaluated if {
	only_id := {"identity_account": "111111111111"}
	input_doc := object.union(snap, {"graph": graph({"arn:aws:iam::222222222222:user/bob": src("iam-user", "222222222222")})})
	count(rule.deny) == 0 with input as input_doc with data.orgaudit.config as only_id
	count(rule.not_evaluated) == 1 with input as input_doc with data.orgaudit.config as only_id
}

test_latent_user_of_another_account if {
	latent := object.union(src("iam-user", "222222222222"), {"blocked_by": "no-mfa-device"})
	g := object.union(graph({}), {"environments": {"production": {"latent": {"arn:aws:iam::222222222222:user/bob": latent}}}})
	results := rule.deny with input as object.union(snap, {"graph": g}) with data.orgaudit.config as cfg
	count(results) == 1
	some r in results
	r.resource == "arn:aws:iam::222222222222:user/bob"
	contains(r.message, "would reach production once it registers an MFA device")
	r.evidence.blocked_by == "no-mfa-device"
}
