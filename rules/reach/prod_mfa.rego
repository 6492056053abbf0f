# METADATA
# title: Every path into production requires MFA
# description: |
#   An IAM user that can reach a production account (directly or by
#   chaining roles, as the access graph of input.graph decides with every
#   policy on both sides) should need multi-factor authentication on every
#   path: somewhere along the way a trust policy must require
#   aws:MultiFactorAuthPresent (or bound aws:MultiFactorAuthAge), or deny
#   requests without MFA. A user with long-term credentials and one path
#   without MFA is one leaked password or access key away from production.
#   IAM users are the checked origin: roles are reached from users,
#   identity providers or services, Identity Center enforces MFA in its
#   own settings, and third-party accounts are covered by the trust rules.
#   Users without an MFA device that would reach production once they
#   register one (input.graph's latent sources) are not reported: their
#   path needs MFA.
#   Production accounts come from the configuration file; without them the
#   rule reports nothing and says so in not_evaluated.
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html
#     description: Configuring MFA-protected API access
#   - ref: https://docs.aws.amazon.com/wellarchitected/latest/security-pillar/sec_identities_enforce_mechanisms.html
#     description: "SEC02-BP01: Use strong sign-in mechanisms"
# custom:
#   id: OA-REACH-001
#   scope: tables
#   severity: high
#   remediation: |
#     Require MFA on the trust policy of the production role the path
#     enters (or on the first role of the path):
#       "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
#     Console: IAM > Roles > the role > Trust relationships > Edit trust policy.
#     CLI: aws iam update-assume-role-policy --role-name ROLE --policy-document file://trust.json
#     Then give the user an MFA device (IAM > Users > the user > Security
#     credentials > Assign MFA device; CLI: aws iam create-virtual-mfa-device
#     and aws iam enable-mfa-device), or better, move the person to
#     Identity Center. Check with: orgaudit paths --snapshot FILE --to env:production --from USER-ARN
#   frameworks:
#     orgaudit-practices: ["prod-access-mfa"]
#     aws-well-architected-security: ["SEC02-BP01"]
#   requires: [iam.authorization_details, organization.policies, identity_center]
package orgaudit.rules.reach_prod_mfa

import data.orgaudit.lib.graph

deny contains result if {
	some id, r in graph.production_reach
	r.kind == "iam-user"
	not r.mfa_required
	result := {
		"resource": id,
		"account_id": r.account_id,
		"message": sprintf("IAM user %s reaches production without MFA: %s", [graph.label(id), graph.path_text(r.path_without_mfa)]),
		"evidence": {"path_without_mfa": r.path_without_mfa, "hops": r.hops, "paths": r.paths, "mfa_device": object.get(input.graph.nodes, [id, "mfa_device"], "unknown")},
	}
}

# not_evaluated says why the rule could not decide (see docs/paths.md).
not_evaluated contains {"section": "config.environments.production", "reason": reason} if {
	some reason in graph.production_not_evaluated
}
