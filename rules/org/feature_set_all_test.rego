package orgaudit.rules.feature_set_all_test

import data.orgaudit.rules.feature_set_all

org(fs) := {"metadata": {}, "accounts": [], "organization": {"id": "o-1", "arn": "arn:aws:organizations::111111111111:organization/o-1", "management_account_id": "111111111111", "feature_set": fs}}

test_consolidated_billing_only if {
	results := feature_set_all.deny with input as org("CONSOLIDATED_BILLING")
	count(results) == 1
	some r in results
	r.resource == "arn:aws:organizations::111111111111:organization/o-1"
	r.evidence.feature_set == "CONSOLIDATED_BILLING"
}

test_all_features if {
	count(feature_set_all.deny) == 0 with input as org("ALL")
}

test_single_account_snapshot if {
	count(feature_set_all.deny) == 0 with input as {"metadata": {}, "accounts": [], "organization": null}
}
