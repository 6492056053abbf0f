package orgaudit.rules.security_contact_test

import data.orgaudit.rules.security_contact

contact := {"name": "Security", "email": "security@example.com"}

snapshot := {"metadata": {"gaps": [{"account_id": "444444444444", "section": "account.alternate_contacts", "operation": "account:GetAlternateContact", "error_code": "AccessDeniedException", "message": "no"}]}, "accounts": [
	{"id": "111111111111", "name": "m", "status": "ACTIVE", "alternate_contacts": {"security": contact}},
	{"id": "222222222222", "name": "dev", "status": "ACTIVE", "alternate_contacts": {"security": null}},
	{"id": "333333333333", "name": "old", "status": "ACTIVE"},
	{"id": "444444444444", "name": "denied", "status": "ACTIVE"},
	{"id": "555555555555", "name": "closed", "status": "SUSPENDED", "alternate_contacts": {"security": null}},
]}

test_missing_contact if {
	results := security_contact.deny with input as snapshot
	{r.account_id | some r in results} == {"222222222222"}
}

test_unread_contacts_are_not_evaluated if {
	# An older snapshot without the field is not evaluated by the rule;
	# a gap is left to the engine.
	{n.account_id | some n in security_contact.not_evaluated} == {"333333333333"} with input as snapshot
}
