package orgaudit.rules.accounts_in_ous_test

import data.orgaudit.rules.accounts_in_ous

snapshot(accounts) := {
	"metadata": {},
	"organization": {"management_account_id": "111111111111", "roots": [{"id": "r-1"}], "organizational_units": [{"id": "ou-1-prod", "name": "Prod", "parent_id": "r-1"}]},
	"accounts": accounts,
}

acct(id, parent, status) := {"id": id, "name": id, "arn": sprintf("arn:aws:organizations::111111111111:account/o-1/%s", [id]), "status": status, "parent_id": parent}

test_member_under_root if {
	results := accounts_in_ous.deny with input as snapshot([acct("111111111111", "r-1", "ACTIVE"), acct("222222222222", "r-1", "ACTIVE")])
	{r.resource | some r in results} == {"arn:aws:organizations::111111111111:account/o-1/222222222222"}
}

test_member_in_ou if {
	count(accounts_in_ous.deny) == 0 with input as snapshot([acct("111111111111", "r-1", "ACTIVE"), acct("222222222222", "ou-1-prod", "ACTIVE")])
}

test_suspended_account_left_to_org_007 if {
	count(accounts_in_ous.deny) == 0 with input as snapshot([acct("333333333333", "r-1", "SUSPENDED")])
}
