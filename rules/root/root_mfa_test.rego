package orgaudit.rules.root_mfa_test

import data.orgaudit.rules.root_mfa

account(id, summary) := {"id": id, "name": sprintf("acct-%s", [id]), "status": "ACTIVE", "iam": {"summary": summary}}

test_root_without_mfa_is_reported if {
	results := root_mfa.deny with input as {"metadata": {"partition": "aws"}, "accounts": [account("111111111111", {"AccountMFAEnabled": 0})]}
	count(results) == 1
	some r in results
	r.resource == "arn:aws:iam::111111111111:root"
	r.account_id == "111111111111"
	contains(r.message, "acct-111111111111 (111111111111)")
}

test_root_with_mfa_passes if {
	count(root_mfa.deny) == 0 with input as {"metadata": {}, "accounts": [account("111111111111", {"AccountMFAEnabled": 1})]}
}

test_account_without_iam_data_is_not_a_finding if {
	# A gap is reported as "not evaluated" by the engine, not as a finding.
	count(root_mfa.deny) == 0 with input as {"metadata": {}, "accounts": [{"id": "111111111111", "name": "a", "iam": null}]}
}

test_unknown_summary_is_not_a_finding if {
	count(root_mfa.deny) == 0 with input as {"metadata": {}, "accounts": [account("111111111111", null)]}
}

test_only_accounts_without_mfa if {
	results := root_mfa.deny with input as {"metadata": {}, "accounts": [
		account("111111111111", {"AccountMFAEnabled": 1}),
		account("222222222222", {"AccountMFAEnabled": 0}),
	]}
	{r.account_id | some r in results} == {"222222222222"}
}
