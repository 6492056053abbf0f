package orgaudit.rules.assume_role_any_test

import data.orgaudit.rules.assume_role_any

doc(action, resource) := {"Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}]}

snapshot(group) := {
	"metadata": {},
	"aws_managed_policies": [{"arn": "arn:aws:iam::aws:policy/AdministratorAccess", "name": "AdministratorAccess", "document": doc("*", "*")}],
	"accounts": [{"id": "111111111111", "name": "identity", "iam": {
		"policies": [{"arn": "arn:aws:iam::111111111111:policy/assume-all", "name": "assume-all", "document": doc("sts:AssumeRole", "*")}],
		"users": [],
		"roles": [],
		"groups": [object.union({"name": "OnCall", "arn": "arn:aws:iam::111111111111:group/OnCall", "inline_policies": [], "attached_policies": []}, group)],
	}}],
}

test_inline_resource_star if {
	results := assume_role_any.deny with input as snapshot({"inline_policies": [{"name": "assume", "document": doc("sts:AssumeRole", "*")}]})
	count(results) == 1
	some r in results
	r.resource == "arn:aws:iam::111111111111:group/OnCall"
	r.evidence.resources == ["*"]
	r.key == "inline assume/0"
}

test_customer_managed_policy_is_reported_on_the_policy if {
	results := assume_role_any.deny with input as snapshot({"attached_policies": [{"name": "assume-all", "arn": "arn:aws:iam::111111111111:policy/assume-all"}]})
	count(results) == 1
	some r in results
	r.resource == "arn:aws:iam::111111111111:policy/assume-all"
	r.evidence.attached_to == ["arn:aws:iam::111111111111:group/OnCall"]
	r.key == "statement/0"
}

test_unattached_customer_policy_is_not_reported if {
	count(assume_role_any.deny) == 0 with input as snapshot({})
}

test_aws_managed_policy_is_reported_where_attached if {
	aws := {"arn": "arn:aws:iam::aws:policy/AssumeAll", "name": "AssumeAll", "document": doc("sts:AssumeRole", "*")}
	results := assume_role_any.deny with input as object.union(snapshot({"attached_policies": [{"name": "AssumeAll", "arn": aws.arn}]}), {"aws_managed_policies": [aws]})
	count(results) == 1
	some r in results
	r.resource == "arn:aws:iam::111111111111:group/OnCall"
}

test_every_role_of_every_account if {
	count(assume_role_any.deny) == 1 with input as snapshot({"inline_policies": [{"name": "a", "document": doc(["sts:Assume*"], "arn:aws:iam::*:role/*")}]})
}

test_named_role if {
	count(assume_role_any.deny) == 0 with input as snapshot({"inline_policies": [{"name": "a", "document": doc("sts:AssumeRole", "arn:aws:iam::222222222222:role/Developer")}]})
}

test_named_role_in_any_account if {
	count(assume_role_any.deny) == 0 with input as snapshot({"inline_policies": [{"name": "a", "document": doc("sts:AssumeRole", "arn:aws:iam::*:role/ReadOnly")}]})
}

test_administrator_access_is_not_reported_here if {
	count(assume_role_any.deny) == 0 with input as snapshot({"attached_policies": [{"name": "AdministratorAccess", "arn": "arn:aws:iam::aws:policy/AdministratorAccess"}]})
}

test_other_sts_action if {
	count(assume_role_any.deny) == 0 with input as snapshot({"inline_policies": [{"name": "a", "document": doc("sts:GetCallerIdentity", "*")}]})
}
