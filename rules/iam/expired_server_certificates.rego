# METADATA
# title: No expired server certificates stored in IAM
# description: |
#   Server certificates uploaded to IAM (for load balancers and CloudFront
#   before ACM, or for Regions ACM does not serve) stay there after they
#   expire. An expired certificate can be deployed to a listener by mistake,
#   breaking clients or training people to click through warnings, and it
#   clutters the inventory of what the account trusts. Every certificate
#   whose expiry is before the snapshot was taken is reported.
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_server-certs.html
#     description: Manage server certificates in IAM
# custom:
#   id: OA-IAM-013
#   scope: account
#   severity: medium
#   remediation: |
#     Move what still uses the certificate to a current one (preferably from
#     ACM), then delete it. Deleting it from IAM has no console page.
#     CLI: aws iam delete-server-certificate --server-certificate-name NAME
#   frameworks:
#     cis-v3.0.0: ["1.19"]
#     cis-v4.0.0: ["1.19"]
#     cis-v5.0.0: ["1.18"]
#   requires: [iam.server_certificates]
package orgaudit.rules.expired_server_certificates

import data.orgaudit.lib

deny contains result if {
	some account in lib.iam_accounts
	some cert in account.iam.server_certificates
	time.parse_rfc3339_ns(cert.expiration) < lib.now_ns
	result := {
		"resource": cert.arn,
		"account_id": account.id,
		"message": sprintf("Server certificate %s in %s expired on %s", [cert.name, lib.account_label(account.id), cert.expiration]),
		"evidence": {"expiration": cert.expiration, "upload_date": object.get(cert, "upload_date", "")},
	}
}

not_evaluated contains {
	"account_id": account.id,
	"section": "iam.server_certificates",
	"reason": "the snapshot holds no server certificate list for this account (it was collected before orgaudit read them): collect it again",
} if {
	some account in lib.iam_accounts
	object.get(account.iam, "server_certificates", null) == null
	not lib.has_gap(account.id, "iam.server_certificates")
}
