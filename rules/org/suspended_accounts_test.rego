package orgaudit.rules.suspended_accounts_test

import data.orgaudit.rules.suspended_accounts

snapshot(status) := {
	"metadata": {},
	"organization": {"roots": [{"id": "r-1"}], "organizational_units": []},
	"accounts": [{"id": "222222222222", "name": "old", "arn": "arn:aws:organizations::111111111111:account/o-1/222222222222", "status": status, "parent_id": "r-1"}],
}

test_suspended if {
	results := suspended_accounts.deny with input as snapshot("SUSPENDED")
	count(results) == 1
	some r in results
	r.resource == "arn:aws:organizations::111111111111:account/o-1/222222222222"
	contains(r.message, "the root (r-1)")
}

test_pending_closure if {
	count(suspended_accounts.deny) == 1 with input as snapshot("PENDING_CLOSURE")
}

test_active if {
	count(suspended_accounts.deny) == 0 with input as snapshot("ACTIVE")
}
