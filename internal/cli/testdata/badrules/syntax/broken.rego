# METADATA
# title: Broken
# custom:
#   id: BAD-001
#   severity: low
package orgaudit.rules.broken

deny contains result if {
	result := {"resource": "x", "account_id": "1", "message": "m"
}
