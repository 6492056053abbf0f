package orgaudit.rules.key_rotation_test

import data.orgaudit.rules.key_rotation

snapshot(k1) := {"metadata": {"collected_at": "2026-11-01T00:00:00Z"}, "accounts": [{"id": "111111111111", "name": "m", "iam": {"credential_report": {"rows": [
	{"user": "ci", "arn": "arn:aws:iam::111111111111:user/ci", "access_keys": [k1, {"slot": 2, "active": false}]},
]}}}]}

test_old_active_key if {
	results := key_rotation.deny with input as snapshot({"slot": 1, "active": true, "last_rotated": "2026-04-15T00:00:00Z"})
	count(results) == 1
	some r in results
	r.evidence.age_days == 200
	r.key == "access-key-1"
}

test_young_key if {
	count(key_rotation.deny) == 0 with input as snapshot({"slot": 1, "active": true, "last_rotated": "2026-10-01T00:00:00Z"})
}

test_old_inactive_key if {
	count(key_rotation.deny) == 0 with input as snapshot({"slot": 1, "active": false, "last_rotated": "2020-01-01T00:00:00Z"})
}

test_max_age_is_configurable if {
	count(key_rotation.deny) == 1 with input as snapshot({"slot": 1, "active": true, "last_rotated": "2026-10-01T00:00:00Z"})
		with data.orgaudit.config as {"thresholds": {"access_key_max_age_days": 30}}
}
