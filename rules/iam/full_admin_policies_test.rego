package orgaudit.rules.full_admin_policies_test

import data.orgaudit.rules.full_admin_policies

admin_doc := {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}

narrow_doc := {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}

acct := "111111111111"

snapshot := {"metadata": {}, "accounts": [{"id": acct, "name": "m", "iam": {
	"policies": [
		{"name": "everything", "arn": "arn:aws:iam::111111111111:policy/everything", "document": admin_doc},
		{"name": "unused", "arn": "arn:aws:iam::111111111111:policy/unused", "document": admin_doc},
		{"name": "s3", "arn": "arn:aws:iam::111111111111:policy/s3", "document": narrow_doc},
	],
	"users": [{"name": "u", "arn": "arn:aws:iam::111111111111:user/u", "attached_policies": [{"arn": "arn:aws:iam::111111111111:policy/s3"}], "inline_policies": [{"name": "god", "document": admin_doc}]}],
	"groups": [{"name": "g", "arn": "arn:aws:iam::111111111111:group/g", "attached_policies": [{"arn": "arn:aws:iam::111111111111:policy/everything"}], "inline_policies": []}],
	"roles": [{"name": "r", "arn": "arn:aws:iam::111111111111:role/r", "attached_policies": [{"arn": "arn:aws:iam::111111111111:policy/everything"}], "inline_policies": [{"name": "fine", "document": narrow_doc}]}],
}}]}

test_literal_form_without_engine_facts if {
	results := full_admin_policies.deny with input as snapshot
	{[r.resource, object.get(r, "key", "")] | some r in results} == {
		["arn:aws:iam::111111111111:policy/everything", ""],
		["arn:aws:iam::111111111111:user/u", "inline/god"],
	}
	some r in results
	r.resource == "arn:aws:iam::111111111111:policy/everything"
	r.evidence.attached_to == ["arn:aws:iam::111111111111:group/g", "arn:aws:iam::111111111111:role/r"]
}

# The engine's facts (from the policy evaluator) win over the literal form:
# a NotAction policy it found is reported, the literal one it did not is not.
test_engine_facts if {
	facts := {"full_admin_policies": [{
		"account_id": acct, "kind": "managed", "policy_arn": "arn:aws:iam::111111111111:policy/s3", "policy_name": "s3",
		"owner_arn": "", "attached_to": ["arn:aws:iam::111111111111:user/u"],
	}]}
	results := full_admin_policies.deny with input as object.union(snapshot, {"facts": facts})
	{r.resource | some r in results} == {"arn:aws:iam::111111111111:policy/s3"}
}

test_unattached_policy_passes if {
	facts := {"full_admin_policies": [{"account_id": acct, "kind": "managed", "policy_arn": "p", "policy_name": "p", "owner_arn": "", "attached_to": []}]}
	count(full_admin_policies.deny) == 0 with input as object.union(snapshot, {"facts": facts})
}
