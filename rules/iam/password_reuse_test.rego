package orgaudit.rules.password_reuse_test

import data.orgaudit.rules.password_reuse

snapshot(users, policy) := {"metadata": {}, "accounts": [{"id": "111111111111", "name": "identity", "iam": {"users": users, "password_policy": policy}}]}

alice := {"name": "alice", "arn": "arn:aws:iam::111111111111:user/alice"}

test_reuse_not_set if {
	results := password_reuse.deny with input as snapshot([alice], {"minimum_password_length": 14})
	count(results) == 1
	some r in results
	r.resource == "111111111111"
	r.evidence.password_reuse_prevention == 0
}

test_reuse_too_low if {
	count(password_reuse.deny) == 1 with input as snapshot([alice], {"minimum_password_length": 14, "password_reuse_prevention": 5})
}

test_no_policy if {
	count(password_reuse.deny) == 1 with input as snapshot([alice], null)
}

test_reuse_24 if {
	count(password_reuse.deny) == 0 with input as snapshot([alice], {"minimum_password_length": 14, "password_reuse_prevention": 24})
}

test_no_users if {
	count(password_reuse.deny) == 0 with input as snapshot([], null)
}

test_gap_is_not_a_missing_policy if {
	doc := object.union(snapshot([alice], null), {"metadata": {"gaps": [{"account_id": "111111111111", "section": "account", "operation": "sts:AssumeRole", "error_code": "AccessDenied", "message": "denied"}]}})
	count(password_reuse.deny) == 0 with input as doc
}
