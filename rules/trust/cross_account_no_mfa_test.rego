package orgaudit.rules.cross_account_no_mfa_test

import data.orgaudit.rules.cross_account_no_mfa

role(trust) := {"name": "admin", "arn": "arn:aws:iam::222222222222:role/admin", "path": "/", "trust_policy": trust}

snapshot(r) := {"metadata": {}, "organization": {"id": "o-1"}, "accounts": [
	{"id": "111111111111", "name": "management", "iam": {"roles": []}},
	{"id": "222222222222", "name": "prod", "iam": {"roles": [r]}},
]}

trust(principal, condition) := {"Version": "2012-10-17", "Statement": [object.union(
	{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"},
	condition,
)]}

test_account_root_without_mfa if {
	results := cross_account_no_mfa.deny with input as snapshot(role(trust({"AWS": "arn:aws:iam::111111111111:root"}, {})))
	count(results) == 1
	some r in results
	r.resource == "arn:aws:iam::222222222222:role/admin"
	r.evidence.principals == ["arn:aws:iam::111111111111:root"]
	contains(r.message, "management (111111111111)")
}

test_outside_organization_is_left_to_trust_002 if {
	count(cross_account_no_mfa.deny) == 0 with input as snapshot(role(trust({"AWS": "arn:aws:iam::999999999999:root"}, {})))
}

test_single_account_snapshot_reports_every_other_account if {
	doc := object.union(snapshot(role(trust({"AWS": "arn:aws:iam::999999999999:root"}, {}))), {"organization": null})
	count(cross_account_no_mfa.deny) == 1 with input as doc
}

test_bare_account_id_principal if {
	count(cross_account_no_mfa.deny) == 1 with input as snapshot(role(trust({"AWS": "111111111111"}, {})))
}

test_statement_object_not_list if {
	doc := {"Statement": {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111111111111:user/alice"]}, "Action": ["sts:AssumeRole", "sts:TagSession"]}}
	count(cross_account_no_mfa.deny) == 1 with input as snapshot(role(doc))
}

test_mfa_condition_passes if {
	cond := {"Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}
	count(cross_account_no_mfa.deny) == 0 with input as snapshot(role(trust({"AWS": "arn:aws:iam::111111111111:root"}, cond)))
}

test_mfa_condition_as_boolean_value if {
	cond := {"Condition": {"Bool": {"aws:MultiFactorAuthPresent": true}}}
	count(cross_account_no_mfa.deny) == 0 with input as snapshot(role(trust({"AWS": "arn:aws:iam::111111111111:root"}, cond)))
}

test_mfa_age_condition_passes if {
	cond := {"Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}}
	count(cross_account_no_mfa.deny) == 0 with input as snapshot(role(trust({"AWS": "arn:aws:iam::111111111111:root"}, cond)))
}

test_bool_if_exists_does_not_count if {
	cond := {"Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}}}
	count(cross_account_no_mfa.deny) == 1 with input as snapshot(role(trust({"AWS": "arn:aws:iam::111111111111:root"}, cond)))
}

test_deny_without_mfa_counts if {
	doc := {"Statement": [
		{"Effect": "Allow", "Principal": {"AWS": "111111111111"}, "Action": "sts:AssumeRole"},
		{"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole", "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}},
	]}
	count(cross_account_no_mfa.deny) == 0 with input as snapshot(role(doc))
}

test_same_account_is_not_cross_account if {
	count(cross_account_no_mfa.deny) == 0 with input as snapshot(role(trust({"AWS": "arn:aws:iam::222222222222:root"}, {})))
}

test_service_principal_is_ignored if {
	count(cross_account_no_mfa.deny) == 0 with input as snapshot(role(trust({"Service": "ec2.amazonaws.com"}, {})))
}

test_external_id_is_left_to_trust_002 if {
	cond := {"Condition": {"StringEquals": {"sts:ExternalId": "abc"}}}
	count(cross_account_no_mfa.deny) == 0 with input as snapshot(role(trust({"AWS": "arn:aws:iam::999999999999:root"}, cond)))
}

test_deny_statement_is_not_a_trust if {
	doc := {"Statement": [{"Effect": "Deny", "Principal": {"AWS": "111111111111"}, "Action": "sts:AssumeRole"}]}
	count(cross_account_no_mfa.deny) == 0 with input as snapshot(role(doc))
}

test_other_action_is_not_assume_role if {
	doc := {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "111111111111"}, "Action": "sts:TagSession"}]}
	count(cross_account_no_mfa.deny) == 0 with input as snapshot(role(doc))
}

test_wildcard_action_is_assume_role if {
	doc := {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "111111111111"}, "Action": "sts:*"}]}
	count(cross_account_no_mfa.deny) == 1 with input as snapshot(role(doc))
}

test_one_finding_per_statement if {
	doc := {"Statement": [
		{"Effect": "Allow", "Principal": {"AWS": "111111111111"}, "Action": "sts:AssumeRole"},
		{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:user/bob"}, "Action": "sts:AssumeRole"},
	]}
	results := cross_account_no_mfa.deny with input as snapshot(role(doc))
	{r.key | some r in results} == {"statement/0", "statement/1"}
}
