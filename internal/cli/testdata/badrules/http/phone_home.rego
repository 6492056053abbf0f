# METADATA
# title: Phones home
# custom:
#   id: BAD-002
#   severity: low
package orgaudit.rules.phone_home

deny contains result if {
	resp := http.send({"method": "GET", "url": "https://example.com"})
	result := {"resource": "x", "account_id": "1", "message": resp.body}
}
