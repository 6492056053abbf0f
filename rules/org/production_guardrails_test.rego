package orgaudit.rules.production_guardrails_test

import data.orgaudit.rules.production_guardrails

base := {
	"metadata": {},
	"organization": {
		"feature_set": "ALL",
		"management_account_id": "111111111111",
		"roots": [{"id": "r-1", "arn": "arn:aws:organizations::111111111111:root/o-1/r-1", "policy_types": [{"type": "SERVICE_CONTROL_POLICY", "status": "ENABLED"}]}],
		"organizational_units": [
			{"id": "ou-prod", "name": "Prod", "parent_id": "r-1", "arn": "arn:aws:organizations::111111111111:ou/o-1/ou-prod"},
			{"id": "ou-work", "name": "Workloads", "parent_id": "ou-prod", "arn": "arn:aws:organizations::111111111111:ou/o-1/ou-work"},
		],
		"policies": [{"name": "FullAWSAccess", "type": "SERVICE_CONTROL_POLICY", "aws_managed": true, "targets": [{"target_id": "r-1", "type": "ROOT"}]}],
	},
	"accounts": [
		{"id": "111111111111", "name": "management", "status": "ACTIVE", "parent_id": "r-1"},
		{"id": "222222222222", "name": "prod-web", "status": "ACTIVE", "parent_id": "ou-work"},
	],
}

prod := {"environments": {"production": ["222222222222"]}}

guardrail(target) := {"name": "Guard", "type": "SERVICE_CONTROL_POLICY", "aws_managed": false, "targets": [{"target_id": target, "type": "ORGANIZATIONAL_UNIT"}]}

with_policies(ps) := json.patch(base, [{"op": "add", "path": "/organization/policies/-", "value": p} | some p in ps])

test_only_full_aws_access if {
	results := production_guardrails.deny with input as base with data.orgaudit.config as prod
	count(results) == 1
	some r in results
	r.resource == "arn:aws:organizations::111111111111:ou/o-1/ou-work"
	r.evidence.accounts == ["222222222222"]
}

test_guardrail_on_parent_ou_of_nested_ou if {
	count(production_guardrails.deny) == 0 with input as with_policies([guardrail("ou-prod")]) with data.orgaudit.config as prod
}

test_guardrail_on_account if {
	count(production_guardrails.deny) == 0 with input as with_policies([guardrail("222222222222")]) with data.orgaudit.config as prod
}

test_guardrail_on_other_ou_does_not_count if {
	count(production_guardrails.deny) == 1 with input as with_policies([guardrail("ou-dev")]) with data.orgaudit.config as prod
}

test_scps_disabled if {
	doc := json.patch(with_policies([guardrail("ou-prod")]), [{"op": "replace", "path": "/organization/roots/0/policy_types", "value": []}])
	results := production_guardrails.deny with input as doc with data.orgaudit.config as prod
	some r in results
	r.evidence.reason == "the SCP policy type is not enabled on the root"
}

test_consolidated_billing if {
	doc := json.patch(with_policies([guardrail("ou-prod")]), [{"op": "replace", "path": "/organization/feature_set", "value": "CONSOLIDATED_BILLING"}])
	count(production_guardrails.deny) == 1 with input as doc with data.orgaudit.config as prod
}

test_no_production_is_not_evaluated if {
	count(production_guardrails.deny) == 0 with input as base
	some n in production_guardrails.not_evaluated with input as base
	n.section == "config.environments.production"
}

test_production_known_is_evaluated if {
	count(production_guardrails.not_evaluated) == 0 with input as base with data.orgaudit.config as prod
}
