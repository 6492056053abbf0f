# METADATA
# title: Organization has all features enabled
# description: |
#   An organization created for consolidated billing only
#   (feature set CONSOLIDATED_BILLING) pays one bill but cannot govern its
#   accounts: no service control policies, no tag or backup policies, no
#   IAM Identity Center, no delegated administrators, no centralized root
#   access. All features (feature set ALL) keeps consolidated billing and
#   adds the controls that the rest of this rule pack relies on.
# related_resources:
#   - ref: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_org_support-all-features.html
#     description: Enabling all features for an organization with AWS Organizations
# custom:
#   id: OA-ORG-001
#   scope: tables
#   severity: high
#   remediation: |
#     Console: in the management account open AWS Organizations > Settings >
#     "Begin process to enable all features" and send the request; every
#     invited member account must approve it (accounts created by the
#     organization approve automatically).
#     CLI: aws organizations enable-all-features, then follow the handshakes
#     with aws organizations list-handshakes-for-organization.
#   frameworks:
#     orgaudit-practices: ["all-features"]
#   requires: [organization]
package orgaudit.rules.feature_set_all

import data.orgaudit.lib

deny contains result if {
	org := input.organization
	org != null
	org.feature_set != "ALL"
	result := {
		"resource": org.arn,
		"account_id": org.management_account_id,
		"message": sprintf("Organization %s has feature set %s: service control policies, Identity Center and delegated administration are unavailable", [org.id, org.feature_set]),
		"evidence": {"feature_set": org.feature_set, "management_account": lib.account_label(org.management_account_id)},
	}
}
