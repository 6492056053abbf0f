package orgaudit.rules.access_analyzer_test

import data.orgaudit.rules.access_analyzer as rule

analyzer(account, region, type, status) := {"name": "a", "arn": sprintf("arn:aws:access-analyzer:%s:%s:analyzer/a", [region, account]), "region": region, "type": type, "status": status}

acct(id, enabled, regions, list) := {"id": id, "name": id, "status": "ACTIVE", "enabled_regions": enabled, "iam": {"access_analyzer": {"regions": regions, "analyzers": list}}}

both := ["eu-west-1", "us-east-1"]

snap(mgmt_list, members) := {
	"metadata": {"regions": both, "caller": {"account_id": "100000000000"}},
	"organization": {"management_account_id": "100000000000", "delegated_administrators": []},
	"accounts": array.concat([acct("100000000000", both, both, mgmt_list)], members),
}

test_organization_analyzer_covers_members if {
	s := snap([analyzer("100000000000", "eu-west-1", "ORGANIZATION", "ACTIVE"), analyzer("100000000000", "us-east-1", "ORGANIZATION", "ACTIVE")], [{"id": "200000000000", "name": "m", "status": "ACTIVE", "iam": {}}])
	count(rule.deny) == 0 with input as s
	count(rule.not_evaluated) == 0 with input as s
}

test_missing_regions if {
	s := snap([analyzer("100000000000", "us-east-1", "ORGANIZATION", "ACTIVE")], [
		acct("200000000000", both, both, [analyzer("200000000000", "eu-west-1", "ACCOUNT", "ACTIVE")]),
		acct("300000000000", both, both, [analyzer("300000000000", "eu-west-1", "ACCOUNT_UNUSED_ACCESS", "ACTIVE")]),
		acct("400000000000", ["us-east-1"], ["us-east-1"], []),
	])
	results := rule.deny with input as s
	{[r.account_id, r.evidence.regions] | some r in results} == {["100000000000", ["eu-west-1"]], ["300000000000", ["eu-west-1"]]}
}

test_disabled_analyzer_does_not_count if {
	s := snap([analyzer("100000000000", "us-east-1", "ORGANIZATION", "DISABLED")], [])
	some r in rule.deny with input as s
	r.evidence.regions == ["eu-west-1", "us-east-1"]
}

test_unread_regions_are_not_evaluated if {
	# The management account's eu-west-1 could not be read: no member is
	# reported there, whatever it holds.
	s := object.union(snap([], [acct("200000000000", both, ["us-east-1"], [])]), {"accounts": [
		acct("100000000000", both, ["us-east-1"], []),
		acct("200000000000", both, ["eu-west-1", "us-east-1"], []),
	]})
	{[r.account_id, r.evidence.regions] | some r in rule.deny} == {["100000000000", ["us-east-1"]], ["200000000000", ["us-east-1"]]} with input as s
	{n.account_id | some n in rule.not_evaluated} == {"100000000000", "200000000000"} with input as s
}

test_old_snapshot_without_regions if {
	s := {"metadata": {}, "organization": null, "accounts": [{"id": "1", "name": "x", "iam": {}}]}
	count(rule.deny) == 0 with input as s
	some n in rule.not_evaluated with input as s
	contains(n.reason, "collect it again")
}
