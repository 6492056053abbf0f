package orgaudit.rules.password_length_test

import data.orgaudit.rules.password_length

snapshot(users, policy) := {"metadata": {}, "accounts": [{"id": "111111111111", "name": "identity", "arn": "arn:aws:organizations::100000000000:account/o-1/111111111111", "iam": {"users": users, "password_policy": policy}}]}

alice := {"name": "alice", "arn": "arn:aws:iam::111111111111:user/alice"}

test_short_minimum if {
	results := password_length.deny with input as snapshot([alice], {"minimum_password_length": 8})
	count(results) == 1
	some r in results
	r.resource == "arn:aws:organizations::100000000000:account/o-1/111111111111"
	r.evidence.minimum_password_length == 8
}

test_no_policy if {
	results := password_length.deny with input as snapshot([alice], null)
	count(results) == 1
	some r in results
	contains(r.message, "no password policy")
}

test_long_enough if {
	count(password_length.deny) == 0 with input as snapshot([alice], {"minimum_password_length": 14})
}

test_no_users if {
	count(password_length.deny) == 0 with input as snapshot([], null)
}

test_threshold if {
	count(password_length.deny) == 1 with input as snapshot([alice], {"minimum_password_length": 14}) with data.orgaudit.config as {"thresholds": {"password_min_length": 16}}
}

test_gap_is_not_a_missing_policy if {
	doc := object.union(snapshot([alice], null), {"metadata": {"gaps": [{"account_id": "111111111111", "section": "iam.password_policy", "operation": "iam:GetAccountPasswordPolicy", "error_code": "AccessDenied", "message": "denied"}]}})
	count(password_length.deny) == 0 with input as doc
}
