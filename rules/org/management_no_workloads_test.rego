package orgaudit.rules.management_no_workloads_test

import data.orgaudit.rules.management_no_workloads

snapshot(account_id, principal) := {
	"metadata": {},
	"organization": {"management_account_id": "111111111111"},
	"accounts": [{"id": account_id, "name": "a", "iam": {"roles": [{
		"name": "app",
		"path": "/",
		"arn": sprintf("arn:aws:iam::%s:role/app", [account_id]),
		"trust_policy": {"Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}]},
	}]}}],
}

test_lambda_role_in_management if {
	results := management_no_workloads.deny with input as snapshot("111111111111", {"Service": ["lambda.amazonaws.com"]})
	count(results) == 1
	some r in results
	r.evidence.assumable_by == ["service lambda.amazonaws.com"]
}

test_oidc_ci_role_in_management if {
	count(management_no_workloads.deny) == 1 with input as snapshot("111111111111", {"Federated": "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"})
}

test_sso_saml_role_is_not_a_workload if {
	count(management_no_workloads.deny) == 0 with input as snapshot("111111111111", {"Federated": "arn:aws:iam::111111111111:saml-provider/AWSSSO_x_DO_NOT_DELETE"})
}

test_cross_account_audit_role_is_not_a_workload if {
	count(management_no_workloads.deny) == 0 with input as snapshot("111111111111", {"AWS": "arn:aws:iam::222222222222:root"})
}

test_workload_in_member_account if {
	count(management_no_workloads.deny) == 0 with input as snapshot("222222222222", {"Service": "ec2.amazonaws.com"})
}
