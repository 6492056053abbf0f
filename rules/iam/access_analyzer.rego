# METADATA
# title: IAM Access Analyzer watches every region of every account
# description: |
#   IAM Access Analyzer reports the resources (buckets, keys, roles, queues,
#   secrets...) that are shared outside the zone of trust. It is regional:
#   a region without an external access analyzer is a region where a
#   public bucket or a role trusting another account goes unnoticed. Each
#   active account passes in a region when it has an active analyzer of
#   type ACCOUNT there, or when the organization has an active analyzer of
#   type ORGANIZATION in that region (in the management account or the
#   delegated administrator for access-analyzer.amazonaws.com). The regions
#   are those collect read (metadata.regions: --regions, or the regions
#   the accounts have enabled) that the account has enabled. Regions whose
#   analyzers could not be read are not evaluated.
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-getting-started.html#access-analyzer-enabling
#     description: Enabling IAM Access Analyzer
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-settings.html
#     description: Delegated administrator for IAM Access Analyzer
# custom:
#   id: OA-IAM-014
#   scope: account
#   severity: medium
#   remediation: |
#     Create one organization analyzer per region in the delegated
#     administrator (or management) account, which covers every member
#     account; or an account analyzer in each account and region.
#     Console: IAM > Access analyzer > Analyzer settings > Create analyzer,
#     zone of trust: current organization (repeat per region).
#     CLI: aws accessanalyzer create-analyzer --analyzer-name org --type ORGANIZATION --region REGION
#   frameworks:
#     cis-v3.0.0: ["1.20"]
#     cis-v4.0.0: ["1.20"]
#     cis-v5.0.0: ["1.19"]
#   requires: [iam.access_analyzer]
package orgaudit.rules.access_analyzer

import data.orgaudit.lib

external_types := {"ACCOUNT", "ORGANIZATION"}

run_regions := {r | some r in input.metadata.regions}

active(account) if object.get(account, "status", "ACTIVE") == "ACTIVE"

analyzers(account) := object.get(account.iam, ["access_analyzer", "analyzers"], [])

read_regions(account) := {r | some r in object.get(account.iam, ["access_analyzer", "regions"], [])}

# regions_of(account) are the regions the account is checked in.
regions_of(account) := {r | some r in run_regions; r in account.enabled_regions} if count(object.get(account, "enabled_regions", [])) > 0

regions_of(account) := run_regions if count(object.get(account, "enabled_regions", [])) == 0

# org_sources are the accounts that can hold an organization analyzer.
org_sources := {lib.management_account_id} | {d.account_id |
	some d in input.organization.delegated_administrators
	"access-analyzer.amazonaws.com" in d.service_principals
} if input.organization != null

org_sources := {input.metadata.caller.account_id} if input.organization == null

# org_covered holds the regions with an active organization analyzer.
org_covered := lib.organization_analyzer_regions

# sources_read(region) holds when every account that could hold an
# organization analyzer had its analyzers of region read.
sources_read(region) if {
	every id in org_sources {
		region in lib.analyzer_regions_read[id]
	}
}

covered(account, region) if region in org_covered

covered(account, region) if {
	some an in analyzers(account)
	an.region == region
	an.type in external_types
	an.status == "ACTIVE"
}

missing(account) := {r |
	some r in regions_of(account)
	not covered(account, r)
	r in read_regions(account)
	sources_read(r)
}

unknown(account) := {r |
	some r in regions_of(account)
	not covered(account, r)
	not r in missing(account)
}

deny contains result if {
	some account in lib.iam_accounts
	active(account)
	regions := sort(missing(account))
	count(regions) > 0
	result := {
		"resource": lib.account_arn(account.id),
		"account_id": account.id,
		"message": sprintf("IAM Access Analyzer is not enabled in %s in %d region(s): %s (no active account analyzer there, and no organization analyzer)", [lib.account_label(account.id), count(regions), concat(", ", regions)]),
		"evidence": {"regions": regions},
	}
}

not_evaluated contains {"account_id": account.id, "section": "iam.access_analyzer", "reason": reason} if {
	count(run_regions) > 0
	some account in lib.iam_accounts
	active(account)
	regions := sort(unknown(account))
	count(regions) > 0
	reason := sprintf("the analyzers of %s (in this account, or in the accounts that can hold an organization analyzer) could not be read: see the gaps", [concat(", ", regions)])
}

not_evaluated contains {"section": "iam.access_analyzer", "reason": "the snapshot lists no regions (metadata.regions): it was collected before orgaudit read IAM Access Analyzer; collect it again"} if {
	count(run_regions) == 0
	count(lib.iam_accounts) > 0
}
