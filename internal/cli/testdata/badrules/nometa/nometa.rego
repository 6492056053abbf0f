package orgaudit.rules.nometa

deny contains result if {
	result := {"resource": "x", "account_id": "1", "message": "m"}
}
