# METADATA
# title: Production accounts are guarded by a service control policy
# description: |
#   FullAWSAccess, the service control policy AWS attaches everywhere,
#   allows everything: on its own it guards nothing. Production accounts
#   should sit under at least one more SCP (attached to their OU, an OU
#   above it, the root or the account) that denies what must never happen
#   there: leaving the organization, disabling CloudTrail or GuardDuty,
#   using unapproved regions, assuming production roles from development.
#   SCPs only apply when the organization has all features and the SCP
#   policy type is enabled on the root. Findings name the OU (or the root,
#   for accounts directly under it) that holds unguarded production
#   accounts. Which accounts are production comes from the configuration
#   (environments.production) or its defaults; when none is found the rule
#   is not evaluated.
# related_resources:
#   - ref: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
#     description: Service control policies (SCPs)
#   - ref: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples.html
#     description: Example service control policies
# custom:
#   id: OA-ORG-004
#   scope: tables
#   severity: high
#   remediation: |
#     Console: AWS Organizations > Policies > Service control policies (enable
#     the policy type first if needed), Create policy with the guardrails
#     production needs (deny organizations:LeaveOrganization, deny stopping
#     CloudTrail, deny regions you do not use, ...), then Targets > Attach
#     to the production OU.
#     CLI: aws organizations enable-policy-type --root-id r-xxxx --policy-type SERVICE_CONTROL_POLICY
#     aws organizations create-policy --type SERVICE_CONTROL_POLICY --name ProdGuardrails --description "..." --content file://scp.json
#     aws organizations attach-policy --policy-id p-xxxxxxxx --target-id ou-xxxx-xxxxxxxx
#   frameworks:
#     orgaudit-practices: ["production-guardrails"]
#   requires: [organization, organization.policies]
package orgaudit.rules.production_guardrails

import data.orgaudit.lib

# scps_enabled holds when SCPs take effect in the organization.
scps_enabled if {
	input.organization.feature_set == "ALL"
	some root in input.organization.roots
	some pt in root.policy_types
	pt.type == "SERVICE_CONTROL_POLICY"
	pt.status == "ENABLED"
}

# guardrail_targets holds the roots, OUs and accounts a service control
# policy other than FullAWSAccess is attached to.
guardrail_targets := {t.target_id |
	some p in input.organization.policies
	p.type == "SERVICE_CONTROL_POLICY"
	not p.aws_managed
	some t in p.targets
}

guarded(account) if {
	scps_enabled
	account.id in guardrail_targets
}

guarded(account) if {
	scps_enabled
	some c in lib.containers_above(account)
	c in guardrail_targets
}

# unguarded lists the id and parent of every active production account no
# guardrail applies to.
unguarded := [{"id": account.id, "parent_id": account.parent_id} |
	input.organization != null
	some account in lib.org_accounts
	account.id in lib.production_accounts
	account.status == "ACTIVE"
	not guarded(account)
]

deny contains result if {
	some parent in {a.parent_id | some a in unguarded}
	ids := sort([a.id | some a in unguarded; a.parent_id == parent])
	reason := why_unguarded
	result := {
		"resource": lib.container_arn(parent),
		"account_id": input.organization.management_account_id,
		"message": sprintf("Production accounts in %s have no guardrail service control policy beyond FullAWSAccess (%s): %s", [lib.container_name(parent), reason, concat(", ", [lib.account_label(id) | some id in ids])]),
		"evidence": {"accounts": ids, "scps_enabled": scps_enabled_flag, "reason": reason},
	}
}

why_unguarded := "the organization does not have all features" if input.organization.feature_set != "ALL"

else := "the SCP policy type is not enabled on the root" if not scps_enabled

else := "no SCP other than FullAWSAccess applies to them"

scps_enabled_flag if scps_enabled

default scps_enabled_flag := false

not_evaluated contains {"section": "config.environments.production", "reason": "no production accounts are configured or recognized: list them under environments.production in .orgaudit.yaml (OUs, account ids, names or tags)"} if {
	input.organization != null
	count(lib.production_accounts) == 0
}
