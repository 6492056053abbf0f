package orgaudit.lib_test

import data.orgaudit.lib

test_days_since if {
	lib.days_since("2026-05-01T00:00:00Z") == 31 with input as {"metadata": {"collected_at": "2026-06-01T12:00:00Z"}}
}

test_threshold_default_and_configured if {
	lib.threshold("x", 7) == 7
	lib.threshold("x", 7) == 3 with data.orgaudit.config as {"thresholds": {"x": 3}}
}

test_statements_object_or_list if {
	lib.statements({"Statement": {"Effect": "Allow"}}) == [{"Effect": "Allow"}]
	lib.statements({"Statement": [{"Effect": "Allow"}, {"Effect": "Deny"}]}) == [{"Effect": "Allow"}, {"Effect": "Deny"}]
}

test_allows_action_wildcards_and_case if {
	lib.allows_action({"Action": "sts:AssumeRole"}, "sts:AssumeRole")
	lib.allows_action({"Action": ["STS:assumerole"]}, "sts:AssumeRole")
	lib.allows_action({"Action": "sts:Assume*"}, "sts:AssumeRole")
	lib.allows_action({"Action": "*"}, "sts:AssumeRole")
	lib.allows_action({"Action": "sts:AssumeRol?"}, "sts:AssumeRole")
	not lib.allows_action({"Action": "sts:AssumeRoleWithSAML"}, "sts:AssumeRole")
	not lib.allows_action({"Action": "s3:*"}, "sts:AssumeRole")
}

test_not_action if {
	lib.allows_action({"NotAction": "s3:*"}, "sts:AssumeRole")
	not lib.allows_action({"NotAction": ["sts:*"]}, "sts:AssumeRole")
}

test_aws_principals if {
	lib.aws_principals({"Principal": "*"}) == {"*"}
	lib.aws_principals({"Principal": {"AWS": "111111111111"}}) == {"111111111111"}
	lib.aws_principals({"Principal": {"AWS": ["a", "b"], "Service": "ec2.amazonaws.com"}}) == {"a", "b"}
	lib.aws_principals({"Principal": {"Service": "ec2.amazonaws.com"}}) == set()
	lib.aws_principals({"Effect": "Allow"}) == set()
}

test_principal_account if {
	lib.principal_account("111111111111") == "111111111111"
	lib.principal_account("arn:aws:iam::222222222222:role/x") == "222222222222"
	not lib.principal_account("*")
	not lib.principal_account("AROAEXAMPLEID")
}

test_requires_mfa if {
	lib.requires_mfa({"Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}})
	lib.requires_mfa({"Condition": {"bool": {"AWS:multifactorauthpresent": true}}})
	lib.requires_mfa({"Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": 3600}}})
	not lib.requires_mfa({"Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "true"}}})
	not lib.requires_mfa({"Condition": {"Bool": {"aws:MultiFactorAuthPresent": ["true", "false"]}}})
	not lib.requires_mfa({"Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}})
	not lib.requires_mfa({})
}

test_restricts_principal if {
	lib.restricts_principal({"Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-1"}}})
	lib.restricts_principal({"Condition": {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-1/r-1/ou-1/*"}}})
	not lib.restricts_principal({"Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "o-1"}}})
	not lib.restricts_principal({"Condition": {"StringLike": {"aws:PrincipalArn": ["*"]}}})
}

test_outside_organization if {
	doc := {"organization": {"id": "o-1"}, "accounts": [{"id": "111111111111"}]}
	lib.outside_organization("arn:aws:iam::999999999999:root") with input as doc
	not lib.outside_organization("arn:aws:iam::111111111111:root") with input as doc
	not lib.outside_organization("*") with input as doc
	not lib.outside_organization("arn:aws:iam::999999999999:root") with input as {"organization": null, "accounts": []}
}

test_mfa_enforced_by_deny if {
	lib.mfa_enforced_by_deny({"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole", "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}]})
	not lib.mfa_enforced_by_deny({"Statement": [{"Effect": "Deny", "Principal": {"AWS": "111111111111"}, "Action": "sts:AssumeRole", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}]})
}

test_account_label if {
	lib.account_label("1") == "prod (1)" with input as {"accounts": [{"id": "1", "name": "prod"}]}
	lib.account_label("2") == "2" with input as {"accounts": [{"id": "1", "name": "prod"}]}
}

test_root_row if {
	acct := {"iam": {"credential_report": {"rows": [{"user": "alice"}, {"user": "<root_account>", "mfa_active": true}]}}}
	lib.root_row(acct).mfa_active
}

test_service_linked if {
	lib.is_service_linked({"path": "/aws-service-role/support.amazonaws.com/"})
	not lib.is_service_linked({"path": "/"})
}

cfg := {
	"identity_account": "111111111111",
	"environments": {"production": ["222222222222", "333333333333"], "development": ["444444444444"]},
	"vendor_accounts": {"464622532012": "Datadog"},
}

test_environments if {
	lib.production_accounts == {"222222222222", "333333333333"} with data.orgaudit.config as cfg
	lib.environments_of("444444444444") == {"development"} with data.orgaudit.config as cfg
	lib.environments_of("999999999999") == set() with data.orgaudit.config as cfg
	lib.identity_account_id == "111111111111" with data.orgaudit.config as cfg
	lib.vendor_accounts["464622532012"] == "Datadog" with data.orgaudit.config as cfg
}

test_no_configuration if {
	lib.production_accounts == set()
	not lib.identity_account_id
	lib.vendor_accounts == {}
}

# attached_to_by_loops is lib.attached_to as first written, one loop over
# the principals and one over each one's attachments: the slow way the
# single reference must agree with.
attached_to_by_loops(account, policy_arn) := [{"arn": x.arn, "type": type} |
	some type, list in {"user": object.get(account.iam, "users", []), "group": object.get(account.iam, "groups", []), "role": object.get(account.iam, "roles", [])}
	some x in list
	some ap in x.attached_policies
	ap.arn == policy_arn
]

test_attached_to if {
	p := "arn:aws:iam::aws:policy/P"
	account := {"iam": {
		"users": [
			{"arn": "u1", "attached_policies": [{"arn": p, "name": "P"}]},
			{"arn": "u2", "attached_policies": []},
			{"arn": "u3"},
		],
		"roles": [
			{"arn": "r1", "attached_policies": [{"arn": "other"}, {"arn": p}]},
			{"arn": "r2", "attached_policies": [{"arn": p}, {"arn": p}]},
			{"attached_policies": [{"arn": p}]},
			{"arn": "r4", "attached_policies": [{"name": "no arn"}]},
		],
	}}
	found := lib.attached_to(account, p)
	sort(found) == sort([
		{"arn": "u1", "type": "user"},
		{"arn": "r1", "type": "role"},
		{"arn": "r2", "type": "role"},
		{"arn": "r2", "type": "role"},
	])
	sort(found) == sort(attached_to_by_loops(account, p))
	lib.attached_to({"iam": {}}, p) == []
	lib.attached_to({"iam": {"groups": [{"arn": "g", "attached_policies": [{"arn": p}]}]}}, p) == [{"arn": "g", "type": "group"}]
}
