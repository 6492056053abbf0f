package orgaudit.rules.unused_roles_test

import data.orgaudit.rules.unused_roles

snapshot(role) := {"metadata": {"collected_at": "2026-11-01T00:00:00Z"}, "accounts": [{"id": "222222222222", "name": "prod", "iam": {"roles": [object.union(
	{"name": "old", "arn": "arn:aws:iam::222222222222:role/old", "path": "/", "create_date": "2024-12-01T00:00:00Z"},
	role,
)]}}]}

test_last_used_long_ago if {
	results := unused_roles.deny with input as snapshot({"last_used": {"date": "2026-06-01T00:00:00Z"}})
	count(results) == 1
	some r in results
	r.evidence.days == 153
}

test_used_recently if {
	count(unused_roles.deny) == 0 with input as snapshot({"last_used": {"date": "2026-10-01T00:00:00Z"}})
}

test_never_used_and_old if {
	results := unused_roles.deny with input as snapshot({})
	some r in results
	r.evidence.reference == "never used, created"
}

test_never_used_but_new if {
	count(unused_roles.deny) == 0 with input as snapshot({"create_date": "2026-10-20T00:00:00Z"})
}

test_service_linked_exempt if {
	count(unused_roles.deny) == 0 with input as snapshot({"path": "/aws-service-role/support.amazonaws.com/"})
}

test_identity_center_role_exempt if {
	count(unused_roles.deny) == 0 with input as snapshot({"path": "/aws-reserved/sso.amazonaws.com/"})
}

test_window_is_configurable if {
	count(unused_roles.deny) == 0 with input as snapshot({"last_used": {"date": "2026-06-01T00:00:00Z"}})
		with data.orgaudit.config as {"thresholds": {"role_unused_days": 365}}
}
