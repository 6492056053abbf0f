package orgaudit.rules.acme_count_test

import data.orgaudit.rules.acme_count

test_counts_the_accounts_it_sees if {
	some r in acme_count.deny with input as {"accounts": [{"id": "1"}, {"id": "2"}]}
	r.message == "2 accounts"
}
