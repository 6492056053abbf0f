# METADATA
# title: No principal of a development account reaches production
# description: |
#   Development accounts are where experiments, broad permissions and
#   third-party tools live; separating them from production is the point
#   of having accounts. A user, role or Identity Center provisioned role of
#   a development account that can assume a production role, directly or
#   by chaining roles, turns any compromise of development into a
#   compromise of production. The access graph (input.graph) decides
#   reachability with every policy on both sides, SCPs included, so a
#   guardrail SCP that blocks the path is honoured. A development user
#   without an MFA device whose way in needs MFA counts too (a latent
#   source of input.graph): registering a device is all it takes.
#   Development and production accounts come from the configuration file;
#   without them the rule reports nothing and says so in not_evaluated.
# related_resources:
#   - ref: https://docs.aws.amazon.com/whitepapers/latest/organizing-your-aws-environment/benefits-of-using-multiple-aws-accounts.html
#     description: Organizing your AWS environment — benefits of using multiple accounts
#   - ref: https://docs.aws.amazon.com/wellarchitected/latest/security-pillar/sec_securely_operate_multi_accounts.html
#     description: "SEC01-BP01: Separate workloads using accounts"
# custom:
#   id: OA-REACH-003
#   scope: tables
#   severity: high
#   remediation: |
#     Break the path: remove the production account (or the role) from the
#     trust policy of the production role, or remove sts:AssumeRole on
#     production roles from the development principal's policies. For a
#     deployment pipeline, assume production roles from a dedicated
#     deployment account instead. To block it organization-wide, attach an
#     SCP to the development OU denying sts:AssumeRole on
#     arn:aws:iam::PROD-ACCOUNT:role/*.
#     Console: IAM > Roles > the production role > Trust relationships >
#     Edit trust policy; AWS Organizations > Policies > Service control
#     policies for the SCP.
#     CLI: aws iam update-assume-role-policy --role-name ROLE --policy-document file://trust.json;
#     aws organizations create-policy --type SERVICE_CONTROL_POLICY ... and
#     aws organizations attach-policy --policy-id P --target-id OU.
#     Check with: orgaudit paths --snapshot FILE --to env:production --from PRINCIPAL
#   frameworks:
#     orgaudit-practices: ["environment-separation"]
#     aws-well-architected-security: ["SEC01-BP01"]
#   requires: [iam.authorization_details, organization.policies, identity_center]
package orgaudit.rules.reach_dev_to_prod

import data.orgaudit.lib
import data.orgaudit.lib.graph

# Principals of an account: IAM users and roles, provisioned Identity
# Center roles, and member accounts whose IAM data is missing.
account_kinds := {"iam-user", "iam-role", "sso-role", "account"}

deny contains result if {
	dev := lib.environments.development
	kinds := account_kinds
	production := lib.production_accounts
	some id, r in graph.production_reach_or_latent
	r.kind in kinds
	r.account_id in dev
	not r.account_id in production
	result := {
		"resource": id,
		"account_id": r.account_id,
		"message": sprintf("%s, of development account %s, %s production%s: %s", [graph.label(id), lib.account_label(r.account_id), graph.reaches(r), graph.latent_note(r), graph.path_text(r.path)]),
		"evidence": object.union({"path": r.path, "hops": r.hops, "paths": r.paths, "mfa_required": r.mfa_required}, graph.latent_evidence(r)),
	}
}

# not_evaluated says why the rule could not decide (see docs/paths.md).
not_evaluated contains {"section": "config.environments.production", "reason": reason} if {
	some reason in graph.production_not_evaluated
}

not_evaluated contains {"section": "config.environments.development", "reason": "no development environment is configured or recognized: list it under environments.development in .orgaudit.yaml"} if {
	count(object.get(lib.environments, "development", set())) == 0
}
