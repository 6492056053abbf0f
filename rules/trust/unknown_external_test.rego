package orgaudit.rules.unknown_external_test

import data.orgaudit.rules.unknown_external

snapshot(principal, cond) := {
	"metadata": {},
	"organization": {"id": "o-1"},
	"accounts": [
		{"id": "111111111111", "name": "management", "iam": {"roles": []}},
		{"id": "222222222222", "name": "prod", "iam": {"roles": [{"name": "vendor", "arn": "arn:aws:iam::222222222222:role/vendor", "path": "/", "trust_policy": {"Statement": [object.union({"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}, cond)]}}]}},
	],
}

external_id := {"Condition": {"StringEquals": {"sts:ExternalId": "x"}}}

test_unknown_external_with_external_id if {
	results := unknown_external.deny with input as snapshot("arn:aws:iam::999999999999:root", external_id)
	count(results) == 1
	some r in results
	r.evidence.external_account == "999999999999"
	r.evidence.external_id == true
}

test_known_vendor if {
	count(unknown_external.deny) == 0 with input as snapshot("arn:aws:iam::999999999999:root", external_id)
		with data.orgaudit.config as {"vendor_accounts": {"999999999999": "Acme"}}
}

test_inside_organization if {
	count(unknown_external.deny) == 0 with input as snapshot("arn:aws:iam::111111111111:root", {})
}

test_single_account_snapshot if {
	doc := object.union(snapshot("999999999999", {}), {"organization": null})
	count(unknown_external.deny) == 0 with input as doc
}

test_one_finding_per_account if {
	results := unknown_external.deny with input as snapshot(["999999999999", "arn:aws:iam::999999999999:role/x", "888888888888"], {})
	{r.key | some r in results} == {"statement/0/999999999999", "statement/0/888888888888"}
}
