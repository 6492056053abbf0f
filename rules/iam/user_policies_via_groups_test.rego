package orgaudit.rules.user_policies_via_groups_test

import data.orgaudit.rules.user_policies_via_groups

assume := {"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::222222222222:role/deploy"}]}

snapshot(user) := {
	"metadata": {},
	"aws_managed_policies": [{"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess", "document": {"Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}}],
	"accounts": [{"id": "111111111111", "name": "identity", "iam": {"policies": [], "users": [object.union({"name": "ci", "arn": "arn:aws:iam::111111111111:user/ci", "groups": [], "attached_policies": [], "inline_policies": []}, user)]}}],
}

test_inline_assume_role if {
	results := user_policies_via_groups.deny with input as snapshot({"inline_policies": [{"name": "assume-deploy", "document": assume}]})
	count(results) == 1
	some r in results
	r.evidence.grants_assume_role == ["assume-deploy"]
	contains(r.message, "including sts:AssumeRole")
}

test_attached_managed_policy if {
	results := user_policies_via_groups.deny with input as snapshot({"attached_policies": [{"name": "ReadOnlyAccess", "arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}]})
	count(results) == 1
	some r in results
	r.evidence.grants_assume_role == []
}

test_groups_only if {
	count(user_policies_via_groups.deny) == 0 with input as snapshot({"groups": ["Developers"]})
}
