package orgaudit.rules.wildcard_principal_test

import data.orgaudit.rules.wildcard_principal

snapshot(stmt) := {"metadata": {}, "accounts": [{"id": "222222222222", "name": "prod", "iam": {"roles": [{"name": "open", "arn": "arn:aws:iam::222222222222:role/open", "path": "/", "trust_policy": {"Statement": [stmt]}}]}}]}

stmt(principal, cond) := object.union({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}, cond)

test_star_principal if {
	count(wildcard_principal.deny) == 1 with input as snapshot(stmt("*", {}))
}

test_aws_star_principal if {
	count(wildcard_principal.deny) == 1 with input as snapshot(stmt({"AWS": "*"}, {}))
}

test_aws_star_in_list if {
	count(wildcard_principal.deny) == 1 with input as snapshot(stmt({"AWS": ["arn:aws:iam::111111111111:root", "*"]}, {}))
}

test_principal_org_id_restricts if {
	cond := {"Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}}
	count(wildcard_principal.deny) == 0 with input as snapshot(stmt("*", cond))
}

test_principal_arn_like_restricts if {
	cond := {"Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111111111111:role/ci-*"}}}
	count(wildcard_principal.deny) == 0 with input as snapshot(stmt({"AWS": "*"}, cond))
}

test_negated_operator_does_not_restrict if {
	cond := {"Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-abc123"}}}
	count(wildcard_principal.deny) == 1 with input as snapshot(stmt("*", cond))
}

test_if_exists_does_not_restrict if {
	cond := {"Condition": {"StringEqualsIfExists": {"aws:PrincipalOrgID": "o-abc123"}}}
	count(wildcard_principal.deny) == 1 with input as snapshot(stmt("*", cond))
}

test_wildcard_value_does_not_restrict if {
	cond := {"Condition": {"StringLike": {"aws:PrincipalArn": "*"}}}
	count(wildcard_principal.deny) == 1 with input as snapshot(stmt("*", cond))
}

test_external_id_alone_does_not_restrict if {
	cond := {"Condition": {"StringEquals": {"sts:ExternalId": "secret"}}}
	count(wildcard_principal.deny) == 1 with input as snapshot(stmt("*", cond))
}

test_mfa_alone_does_not_restrict if {
	cond := {"Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}
	count(wildcard_principal.deny) == 1 with input as snapshot(stmt("*", cond))
}

test_specific_principal_passes if {
	count(wildcard_principal.deny) == 0 with input as snapshot(stmt({"AWS": "arn:aws:iam::111111111111:root"}, {}))
}

test_deny_star_is_fine if {
	s := {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole"}
	count(wildcard_principal.deny) == 0 with input as snapshot(s)
}
