package orgaudit.rules.acme_owner_tag_test

import data.orgaudit.rules.acme_owner_tag

test_untagged if {
	count(acme_owner_tag.deny) == 1 with input as {"accounts": [{"id": "1", "name": "a", "iam": {"roles": [{"name": "r", "arn": "arn:r", "path": "/"}]}}]}
}

test_tagged if {
	count(acme_owner_tag.deny) == 0 with input as {"accounts": [{"id": "1", "name": "a", "iam": {"roles": [{"name": "r", "arn": "arn:r", "path": "/", "tags": {"owner": "x"}}]}}]}
}
