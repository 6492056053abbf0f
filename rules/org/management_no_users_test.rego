package orgaudit.rules.management_no_users_test

import data.orgaudit.rules.management_no_users

snapshot(ic) := {
	"metadata": {},
	"organization": {"management_account_id": "111111111111"},
	"identity_center": ic,
	"accounts": [
		{"id": "111111111111", "name": "management", "iam": {"users": [{"name": "admin", "arn": "arn:aws:iam::111111111111:user/admin", "groups": []}]}},
		{"id": "222222222222", "name": "identity", "iam": {"users": [{"name": "alice", "arn": "arn:aws:iam::222222222222:user/alice", "groups": []}]}},
	],
}

ic_in_use := {"instances": [{"arn": "i"}], "assignments": [{"account_id": "333333333333"}]}

test_user_in_management_with_identity_account if {
	results := management_no_users.deny with input as snapshot(null) with data.orgaudit.config as {"identity_account": "222222222222"}
	{r.resource | some r in results} == {"arn:aws:iam::111111111111:user/admin"}
	count(management_no_users.not_evaluated) == 0 with input as snapshot(null) with data.orgaudit.config as {"identity_account": "222222222222"}
}

test_user_in_management_with_identity_center if {
	count(management_no_users.deny) == 1 with input as snapshot(ic_in_use)
}

test_identity_center_without_assignments_is_not_in_use if {
	count(management_no_users.deny) == 0 with input as snapshot({"instances": [{"arn": "i"}], "assignments": []})
}

test_nothing_known_is_not_evaluated if {
	count(management_no_users.deny) == 0 with input as snapshot(null)
	count(management_no_users.not_evaluated) == 1 with input as snapshot(null)
}

test_management_designated_as_identity_account_passes if {
	count(management_no_users.deny) == 0 with input as snapshot(null) with data.orgaudit.config as {"identity_account": "111111111111"}
	count(management_no_users.not_evaluated) == 0 with input as snapshot(null) with data.orgaudit.config as {"identity_account": "111111111111"}
}

test_no_users_passes if {
	doc := json.patch(snapshot(ic_in_use), [{"op": "replace", "path": "/accounts/0/iam/users", "value": []}])
	count(management_no_users.deny) == 0 with input as doc
}
