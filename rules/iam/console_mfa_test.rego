package orgaudit.rules.console_mfa_test

import data.orgaudit.rules.console_mfa

snapshot(rows) := {"metadata": {}, "accounts": [{"id": "111111111111", "name": "identity", "iam": {"credential_report": {"rows": rows}}}]}

row(user, password, mfa) := {"user": user, "arn": sprintf("arn:aws:iam::111111111111:user/%s", [user]), "password_enabled": password, "mfa_active": mfa, "access_keys": []}

test_console_user_without_mfa if {
	results := console_mfa.deny with input as snapshot([row("dave", true, false), row("cobus", true, true)])
	{r.resource | some r in results} == {"arn:aws:iam::111111111111:user/dave"}
}

test_key_only_user_is_not_a_console_user if {
	count(console_mfa.deny) == 0 with input as snapshot([row("ci", false, false)])
}

test_root_row_is_left_to_root_rules if {
	count(console_mfa.deny) == 0 with input as snapshot([{"user": "<root_account>", "arn": "arn:aws:iam::111111111111:root", "password_enabled": true, "mfa_active": false}])
}
