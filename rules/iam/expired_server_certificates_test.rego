package orgaudit.rules.expired_server_certificates_test

import data.orgaudit.rules.expired_server_certificates

cert(name, expiration) := {"name": name, "arn": sprintf("arn:aws:iam::111111111111:server-certificate/%s", [name]), "expiration": expiration}

snapshot := {"metadata": {"collected_at": "2026-11-01T00:00:00Z", "gaps": []}, "accounts": [
	{"id": "111111111111", "name": "m", "iam": {"server_certificates": [cert("old", "2026-01-01T00:00:00Z"), cert("current", "2027-01-01T00:00:00Z")]}},
	{"id": "222222222222", "name": "none", "iam": {"server_certificates": []}},
	{"id": "333333333333", "name": "older-snapshot", "iam": {}},
]}

test_expired_certificate if {
	results := expired_server_certificates.deny with input as snapshot
	{r.resource | some r in results} == {"arn:aws:iam::111111111111:server-certificate/old"}
}

test_unread_list_is_not_evaluated if {
	{n.account_id | some n in expired_server_certificates.not_evaluated} == {"333333333333"} with input as snapshot
}
