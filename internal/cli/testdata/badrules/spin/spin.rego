# METADATA
# title: Never finishes
# description: Walks a billion combinations; used to test --rule-timeout.
# custom:
#   id: BAD-SPIN
#   severity: low
#   remediation: Do not write rules like this one.
package orgaudit.rules.spin

deny contains result if {
	some a in numbers.range(1, 1000)
	some b in numbers.range(1, 1000)
	some c in numbers.range(1, 1000)
	a + b + c < 0
	result := {"resource": "r", "account_id": "", "message": "never"}
}
