# METADATA
# title: Looks up hosts
# custom:
#   id: BAD-003
#   severity: low
package orgaudit.rules.lookup

deny contains result if {
	some account in input.accounts
	addrs := net.lookup_ip_addr(sprintf("%s.example.com", [account.name]))
	result := {"resource": account.id, "account_id": account.id, "message": sprintf("%v", [addrs])}
}
