package orgaudit.rules.reach_trust_without_grant_test

import data.orgaudit.rules.reach_trust_without_grant as rule

deleted := {
	"principal": "arn:aws:iam::111111111111:role/break-glass", "principal_account": "111111111111",
	"role": "arn:aws:iam::444444444444:role/DataAdmin", "role_account": "444444444444",
	"policy": "trust", "statement": 0, "sid": "",
	"reason": "the principal is not in the snapshot, although the IAM data of its account is",
}

account := object.union(deleted, {
	"principal": "arn:aws:iam::111111111111:root",
	"role": "arn:aws:iam::444444444444:role/developer",
	"reason": "no identity policy of a principal in account 111111111111 allows sts:AssumeRole on the role",
})

snap := {"accounts": [{"id": "444444444444", "name": "prod-data"}]}

test_each_mismatch_is_a_finding if {
	results := rule.deny with input as object.union(snap, {"graph": {"nodes": {}, "trusts_without_grant": [deleted, account]}})
	count(results) == 2
	{r.resource | some r in results} == {deleted.role, account.role}
	some r in results
	r.resource == deleted.role
	r.account_id == "444444444444"
	r.key == "statement/0/arn:aws:iam::111111111111:role/break-glass"
	contains(r.message, "Role arn:aws:iam::444444444444:role/DataAdmin in prod-data (444444444444) trusts arn:aws:iam::111111111111:role/break-glass, which cannot assume it")
}

test_nothing_to_report if {
	count(rule.deny) == 0 with input as object.union(snap, {"graph": {"nodes": {}, "trusts_without_grant": []}})
}
