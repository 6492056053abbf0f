package orgaudit.rules.users_in_identity_account_test

import data.orgaudit.rules.users_in_identity_account

user(account, name) := {"name": name, "arn": sprintf("arn:aws:iam::%s:user/%s", [account, name]), "groups": []}

snapshot := {
	"metadata": {},
	"organization": {"management_account_id": "100000000000"},
	"accounts": [
		{"id": "100000000000", "name": "management", "iam": {"users": [user("100000000000", "root-ish")]}},
		{"id": "111111111111", "name": "identity", "iam": {"users": [user("111111111111", "alice")]}},
		{"id": "222222222222", "name": "dev", "iam": {"users": [user("222222222222", "local")]}},
	],
}

test_user_outside_identity_account if {
	results := users_in_identity_account.deny with input as snapshot with data.orgaudit.config as {"identity_account": "111111111111"}
	{r.resource | some r in results} == {"arn:aws:iam::222222222222:user/local"}
}

test_no_identity_account_is_not_evaluated if {
	count(users_in_identity_account.deny) == 0 with input as snapshot
	some n in users_in_identity_account.not_evaluated with input as snapshot
	n.section == "config.identity_account"
}

test_identity_account_known_is_evaluated if {
	count(users_in_identity_account.not_evaluated) == 0 with input as snapshot with data.orgaudit.config as {"identity_account": "111111111111"}
}

ic_snapshot := object.union(snapshot, {
	"identity_center": {"instances": [{"arn": "i"}], "assignments": [{"account_id": "222222222222"}]},
	"accounts": [
		{"id": "100000000000", "name": "management", "iam": {"users": [user("100000000000", "root-ish")], "credential_report": {"rows": [{"user": "root-ish", "arn": "arn:aws:iam::100000000000:user/root-ish", "password_enabled": true}]}}},
		{"id": "222222222222", "name": "dev", "iam": {"users": [user("222222222222", "local"), user("222222222222", "ci")], "credential_report": {"rows": [
			{"user": "local", "arn": "arn:aws:iam::222222222222:user/local", "password_enabled": true},
			{"user": "ci", "arn": "arn:aws:iam::222222222222:user/ci", "password_enabled": false},
		]}}},
		{"id": "333333333333", "name": "unread", "iam": {"users": [user("333333333333", "x")], "credential_report": null}},
	],
})

test_identity_center_console_users if {
	results := users_in_identity_account.deny with input as ic_snapshot
	{r.resource | some r in results} == {"arn:aws:iam::222222222222:user/local"}
	{[n.account_id, n.section] | some n in users_in_identity_account.not_evaluated} == {["333333333333", "iam.credential_report"]} with input as ic_snapshot
}
