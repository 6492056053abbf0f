package orgaudit.rules.cloudshell_full_access_test

import data.orgaudit.rules.cloudshell_full_access

cloudshell := {"name": "AWSCloudShellFullAccess", "arn": "arn:aws:iam::aws:policy/AWSCloudShellFullAccess"}

readonly := {"name": "ReadOnlyAccess", "arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}

snapshot := {"metadata": {"partition": "aws"}, "accounts": [{"id": "111111111111", "name": "m", "iam": {
	"users": [{"arn": "arn:aws:iam::111111111111:user/u", "attached_policies": [readonly]}],
	"groups": [{"arn": "arn:aws:iam::111111111111:group/devs", "attached_policies": [cloudshell]}],
	"roles": [{"arn": "arn:aws:iam::111111111111:role/ops", "attached_policies": [readonly, cloudshell]}],
}}]}

test_attachments if {
	results := cloudshell_full_access.deny with input as snapshot
	{[r.resource, r.evidence.principal_type] | some r in results} == {["arn:aws:iam::111111111111:group/devs", "group"], ["arn:aws:iam::111111111111:role/ops", "role"]}
}

test_other_partition if {
	count(cloudshell_full_access.deny) == 0 with input as object.union(snapshot, {"metadata": {"partition": "aws-cn"}})
}
