package orgaudit.rules.root_access_keys_test

import data.orgaudit.rules.root_access_keys

root_row(active) := {"user": "<root_account>", "arn": "arn:aws:iam::111111111111:root", "access_keys": [
	{"slot": 1, "active": active},
	{"slot": 2, "active": false},
]}

account(summary, rows) := {"id": "111111111111", "name": "prod", "iam": {"summary": summary, "credential_report": {"rows": rows}}}

test_root_keys_present if {
	results := root_access_keys.deny with input as {"metadata": {}, "accounts": [account({"AccountAccessKeysPresent": 1}, [root_row(true)])]}
	count(results) == 1
	some r in results
	r.resource == "arn:aws:iam::111111111111:root"
	r.evidence.active_key_slots == [1]
}

test_no_root_keys if {
	count(root_access_keys.deny) == 0 with input as {"metadata": {}, "accounts": [account({"AccountAccessKeysPresent": 0}, [root_row(false)])]}
}

test_inactive_keys_still_present if {
	# Inactive keys can be reactivated: the summary counts them.
	results := root_access_keys.deny with input as {"metadata": {}, "accounts": [account({"AccountAccessKeysPresent": 1}, [root_row(false)])]}
	count(results) == 1
}

test_report_only if {
	results := root_access_keys.deny with input as {"metadata": {}, "accounts": [account(null, [root_row(true)])]}
	count(results) == 1
}

test_nothing_known if {
	count(root_access_keys.deny) == 0 with input as {"metadata": {}, "accounts": [{"id": "111111111111", "name": "x", "iam": null}]}
}
