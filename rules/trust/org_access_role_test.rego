package orgaudit.rules.org_access_role_test

import data.orgaudit.rules.org_access_role

snapshot(trust, attached) := {
	"metadata": {},
	"organization": {"management_account_id": "111111111111"},
	"aws_managed_policies": [{"arn": "arn:aws:iam::aws:policy/AdministratorAccess", "name": "AdministratorAccess", "document": {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}],
	"accounts": [{"id": "222222222222", "name": "prod", "iam": {"policies": [], "roles": [{
		"name": "OrganizationAccountAccessRole",
		"arn": "arn:aws:iam::222222222222:role/OrganizationAccountAccessRole",
		"path": "/",
		"trust_policy": trust,
		"attached_policies": attached,
		"inline_policies": [],
	}]}}],
}

admin := [{"arn": "arn:aws:iam::aws:policy/AdministratorAccess", "name": "AdministratorAccess"}]

trust(principal, cond) := {"Statement": [object.union({"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}, cond)]}

test_default_role if {
	results := org_access_role.deny with input as snapshot(trust("arn:aws:iam::111111111111:root", {}), admin)
	count(results) == 1
	some r in results
	r.resource == "arn:aws:iam::222222222222:role/OrganizationAccountAccessRole"
}

test_default_inline_policy if {
	doc := json.patch(snapshot(trust("111111111111", {}), []), [{"op": "replace", "path": "/accounts/0/iam/roles/0/inline_policies", "value": [{"name": "AdministratorAccess", "document": {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}]}])
	count(org_access_role.deny) == 1 with input as doc
}

test_mfa_required if {
	count(org_access_role.deny) == 0 with input as snapshot(trust("arn:aws:iam::111111111111:root", {"Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}), admin)
}

test_permissions_reduced if {
	count(org_access_role.deny) == 0 with input as snapshot(trust("arn:aws:iam::111111111111:root", {}), [])
}

test_trusts_other_account_only if {
	count(org_access_role.deny) == 0 with input as snapshot(trust("arn:aws:iam::333333333333:root", {}), admin)
}
