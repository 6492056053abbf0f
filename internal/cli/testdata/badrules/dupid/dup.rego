# METADATA
# title: Duplicates a built-in id
# custom:
#   id: OA-ROOT-001
#   severity: low
package orgaudit.rules.dup

deny contains result if {
	false
	result := {"resource": "x", "account_id": "1", "message": "m"}
}
