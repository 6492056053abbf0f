# METADATA
# title: No stale pending invitations
# description: |
#   An invitation (handshake) that stays open means someone asked an
#   account, or an email address, to join the organization and nobody
#   followed up: the invited account may belong to someone else now, or the
#   invitation was sent by mistake. Open handshakes older than the window
#   (default 7 days, threshold handshake_max_age_days) are reported; AWS
#   expires them after 15 days.
# related_resources:
#   - ref: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_invites.html
#     description: Inviting an AWS account to join your organization
# custom:
#   id: OA-ORG-003
#   scope: tables
#   severity: low
#   remediation: |
#     Console: AWS Organizations > AWS accounts > Invitations, check who was
#     invited and why, and cancel the invitations nobody can vouch for.
#     CLI: aws organizations list-handshakes-for-organization \
#       --filter ActionType=INVITE
#     aws organizations cancel-handshake --handshake-id h-xxxxxxxxxx
#   frameworks:
#     orgaudit-practices: ["account-lifecycle"]
#   requires: [organization.handshakes]
package orgaudit.rules.pending_handshakes

import data.orgaudit.lib

max_age_days := lib.threshold("handshake_max_age_days", 7)

deny contains result if {
	some hs in input.organization.handshakes
	hs.state in {"REQUESTED", "OPEN"}
	days := lib.days_since(hs.requested_at)
	days >= max_age_days
	parties := sort([sprintf("%s %s", [p.type, p.id]) | some p in hs.parties])
	result := {
		"resource": object.get(hs, "arn", hs.id),
		"account_id": input.organization.management_account_id,
		"message": sprintf("%s handshake %s (%s) has been %s for %d days (window %d days)", [hs.action, hs.id, concat(", ", parties), lower(hs.state), days, max_age_days]),
		"evidence": {"action": hs.action, "state": hs.state, "requested_at": hs.requested_at, "days_open": days, "parties": parties},
	}
}
