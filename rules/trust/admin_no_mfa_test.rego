package orgaudit.rules.admin_no_mfa_test

import data.orgaudit.rules.admin_no_mfa

admin := {"arn": "arn:aws:iam::aws:policy/AdministratorAccess", "name": "AdministratorAccess"}

read_only := {"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess", "name": "ReadOnlyAccess"}

snapshot(role) := {
	"metadata": {},
	"aws_managed_policies": [
		{"arn": admin.arn, "name": admin.name, "document": {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}},
		{"arn": read_only.arn, "name": read_only.name, "document": {"Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}},
	],
	"accounts": [{"id": "222222222222", "name": "prod", "iam": {"policies": [], "roles": [object.union(
		{"name": "admin", "arn": "arn:aws:iam::222222222222:role/admin", "path": "/", "attached_policies": [admin], "inline_policies": []},
		role,
	)]}}],
}

trust(principal, cond) := {"trust_policy": {"Statement": [object.union({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}, cond)]}}

mfa := {"Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}

test_account_root_without_mfa if {
	results := admin_no_mfa.deny with input as snapshot(trust({"AWS": "arn:aws:iam::111111111111:root"}, {}))
	count(results) == 1
	some r in results
	r.evidence.administrator_access == ["policy AdministratorAccess"]
}

test_same_account_user_without_mfa if {
	count(admin_no_mfa.deny) == 1 with input as snapshot(trust({"AWS": "arn:aws:iam::222222222222:user/bob"}, {}))
}

test_with_mfa if {
	count(admin_no_mfa.deny) == 0 with input as snapshot(trust({"AWS": "arn:aws:iam::111111111111:root"}, mfa))
}

test_inline_star_star_is_admin if {
	role := object.union(trust({"AWS": "111111111111"}, {}), {"attached_policies": [], "inline_policies": [{"name": "all", "document": {"Statement": {"Effect": "Allow", "Action": ["*"], "Resource": "*"}}}]})
	results := admin_no_mfa.deny with input as snapshot(role)
	some r in results
	r.evidence.administrator_access == ["inline all"]
}

test_read_only_role_is_not_admin if {
	role := object.union(trust({"AWS": "111111111111"}, {}), {"attached_policies": [read_only]})
	count(admin_no_mfa.deny) == 0 with input as snapshot(role)
}

test_boundary_caps_admin if {
	role := object.union(trust({"AWS": "111111111111"}, {}), {"permissions_boundary": read_only})
	count(admin_no_mfa.deny) == 0 with input as snapshot(role)
}

test_machine_role_is_not_human if {
	count(admin_no_mfa.deny) == 0 with input as snapshot(trust({"AWS": "arn:aws:iam::111111111111:role/ci"}, {}))
}

test_identity_account_role_is_human if {
	count(admin_no_mfa.deny) == 1 with input as snapshot(trust({"AWS": "arn:aws:iam::111111111111:role/people"}, {}))
		with data.orgaudit.config as {"identity_account": "111111111111"}
}

test_service_only if {
	count(admin_no_mfa.deny) == 0 with input as snapshot(trust({"Service": "ec2.amazonaws.com"}, {}))
}

test_vendor_with_external_id if {
	count(admin_no_mfa.deny) == 0 with input as snapshot(trust({"AWS": "999999999999"}, {"Condition": {"StringEquals": {"sts:ExternalId": "x"}}}))
}

test_organization_account_access_role_is_left_to_trust_005 if {
	role := object.union(trust({"AWS": "111111111111"}, {}), {"name": "OrganizationAccountAccessRole"})
	count(admin_no_mfa.deny) == 0 with input as snapshot(role)
}
