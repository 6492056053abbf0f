# METADATA
# title: No IAM user outside the identity account reaches production
# description: |
#   People should sign in once, in the designated identity account (or
#   through Identity Center), and reach production from there. An IAM user
#   in any other account that can reach a production account, directly or
#   by chaining roles, is a second door into production whose credentials
#   nobody reviews with the others. A user without an MFA device whose way
#   into production needs MFA counts too: registering a device is all it
#   takes (input.graph's latent sources). The access graph (input.graph)
#   decides reachability with every policy on both sides: identity, group and
#   boundary policies, SCPs and trust policies. The identity account and
#   the production accounts come from the configuration file; without them
#   the rule reports nothing and says so in not_evaluated.
# related_resources:
#   - ref: https://docs.aws.amazon.com/prescriptive-guidance/latest/security-reference-architecture/org-management.html
#     description: AWS Security Reference Architecture — organization and account structure
#   - ref: https://docs.aws.amazon.com/wellarchitected/latest/security-pillar/sec_identities_identity_provider.html
#     description: "SEC02-BP04: Rely on a centralized identity provider"
# custom:
#   id: OA-REACH-002
#   scope: tables
#   severity: high
#   remediation: |
#     Move the person to the identity account (or Identity Center) and
#     delete the IAM user, or remove the path into production: take
#     sts:AssumeRole on production roles out of the user's (and its
#     groups') policies, or stop the production role's trust policy from
#     naming the user's account.
#     Console: IAM > Users > the user > Permissions (remove the policy or
#     group), or IAM > Users > Delete.
#     CLI: aws iam detach-user-policy / aws iam remove-user-from-group /
#     aws iam delete-user-policy, or aws iam delete-user after removing its
#     keys, password and MFA devices.
#     Check with: orgaudit paths --snapshot FILE --to env:production --from USER-ARN
#   frameworks:
#     orgaudit-practices: ["central-identity-account"]
#     aws-well-architected-security: ["SEC02-BP04"]
#   requires: [iam.authorization_details, organization.policies, identity_center]
package orgaudit.rules.reach_user_outside_identity

import data.orgaudit.lib
import data.orgaudit.lib.graph

deny contains result if {
	identity := lib.identity_account_id
	some id, r in graph.production_reach_or_latent
	r.kind == "iam-user"
	r.account_id != identity
	result := {
		"resource": id,
		"account_id": r.account_id,
		"message": sprintf("IAM user %s, outside the identity account %s, %s production%s: %s", [graph.label(id), lib.account_label(identity), graph.reaches(r), graph.latent_note(r), graph.path_text(r.path)]),
		"evidence": object.union({"path": r.path, "hops": r.hops, "paths": r.paths, "identity_account": identity}, graph.latent_evidence(r)),
	}
}

# not_evaluated says why the rule could not decide (see docs/paths.md).
not_evaluated contains {"section": "config.environments.production", "reason": reason} if {
	some reason in graph.production_not_evaluated
}

not_evaluated contains {"section": "config.identity_account", "reason": "no identity account is designated or recognized: set identity_account in .orgaudit.yaml"} if {
	not lib.identity_account_id
}
