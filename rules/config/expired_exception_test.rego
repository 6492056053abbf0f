package orgaudit.rules.expired_exception_test

import data.orgaudit.rules.expired_exception

exception(expired) := {"rule": "OA-TRUST-002", "resource": "arn:aws:iam::*:role/legacy-*", "reason": "contract ends in Q4", "owner": "platform", "expires": "2026-10-01", "expired": expired, "source": ".orgaudit.yaml:12"}

test_expired if {
	results := expired_exception.deny with input as {"metadata": {}, "accounts": []}
		with data.orgaudit.config as {"exceptions": [exception(true)]}
	count(results) == 1
	some r in results
	r.resource == "arn:aws:iam::*:role/legacy-* (OA-TRUST-002)"
	r.evidence.source == ".orgaudit.yaml:12"
}

test_current if {
	count(expired_exception.deny) == 0 with input as {"metadata": {}, "accounts": []}
		with data.orgaudit.config as {"exceptions": [exception(false)]}
}

test_no_configuration if {
	count(expired_exception.deny) == 0 with input as {"metadata": {}, "accounts": []}
}
