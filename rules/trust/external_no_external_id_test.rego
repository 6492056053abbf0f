package orgaudit.rules.external_no_external_id_test

import data.orgaudit.rules.external_no_external_id

snapshot(trust) := {
	"metadata": {},
	"organization": {"id": "o-1", "management_account_id": "111111111111"},
	"accounts": [
		{"id": "111111111111", "name": "management", "iam": {"roles": []}},
		{"id": "222222222222", "name": "prod", "iam": {"roles": [{"name": "vendor", "arn": "arn:aws:iam::222222222222:role/vendor", "path": "/", "trust_policy": trust}]}},
	],
}

allow(principal, extra) := {"Statement": [object.union({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}, extra)]}

test_external_without_external_id if {
	results := external_no_external_id.deny with input as snapshot(allow({"AWS": "arn:aws:iam::999999999999:root"}, {}))
	count(results) == 1
	some r in results
	r.evidence.external_accounts == ["999999999999"]
}

test_external_with_external_id if {
	cond := {"Condition": {"StringEquals": {"sts:externalid": "x-123"}}}
	count(external_no_external_id.deny) == 0 with input as snapshot(allow({"AWS": "arn:aws:iam::999999999999:root"}, cond))
}

test_inside_the_organization if {
	count(external_no_external_id.deny) == 0 with input as snapshot(allow({"AWS": "arn:aws:iam::111111111111:root"}, {}))
}

test_mixed_principals_report_only_external if {
	results := external_no_external_id.deny with input as snapshot(allow({"AWS": ["111111111111", "arn:aws:iam::888888888888:role/x"]}, {}))
	some r in results
	r.evidence.external_principals == ["arn:aws:iam::888888888888:role/x"]
}

test_wildcard_is_left_to_trust_003 if {
	count(external_no_external_id.deny) == 0 with input as snapshot(allow("*", {}))
}

test_single_account_snapshot_is_not_evaluated_here if {
	doc := object.union(snapshot(allow({"AWS": "999999999999"}, {})), {"organization": null})
	count(external_no_external_id.deny) == 0 with input as doc
}

test_known_vendor_is_named_not_exempt if {
	results := external_no_external_id.deny with input as snapshot(allow({"AWS": "arn:aws:iam::999999999999:root"}, {}))
		with data.orgaudit.config as {"vendor_accounts": {"999999999999": "Acme Monitoring"}}
	count(results) == 1
	some r in results
	contains(r.message, "known vendor Acme Monitoring")
	r.evidence.known_vendors == {"999999999999": "Acme Monitoring"}
}
