# METADATA
# title: Duplicates a built-in id
# description: Uses the id of a built-in rule.
# custom:
#   id: OA-ROOT-001
#   severity: low
#   remediation: Pick an id of your own.
package orgaudit.rules.dup

deny contains result if {
	false
	result := {"resource": "x", "account_id": "1", "message": "m"}
}
