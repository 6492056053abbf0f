package orgaudit.rules.multiple_active_keys_test

import data.orgaudit.rules.multiple_active_keys

snapshot(a1, a2) := {"metadata": {}, "accounts": [{"id": "111111111111", "name": "m", "iam": {"credential_report": {"rows": [
	{"user": "ci", "arn": "arn:aws:iam::111111111111:user/ci", "access_keys": [{"slot": 1, "active": a1}, {"slot": 2, "active": a2}]},
	{"user": "<root_account>", "arn": "arn:aws:iam::111111111111:root", "access_keys": [{"slot": 1, "active": true}, {"slot": 2, "active": true}]},
]}}}]}

test_two_active_keys if {
	results := multiple_active_keys.deny with input as snapshot(true, true)
	{r.resource | some r in results} == {"arn:aws:iam::111111111111:user/ci"}
}

test_one_active_key if {
	count(multiple_active_keys.deny) == 0 with input as snapshot(true, false)
}
