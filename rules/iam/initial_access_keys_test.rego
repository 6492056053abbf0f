package orgaudit.rules.initial_access_keys_test

import data.orgaudit.rules.initial_access_keys

snapshot(row) := {"metadata": {"collected_at": "2026-11-01T00:00:00Z"}, "accounts": [{"id": "111111111111", "name": "m", "iam": {"credential_report": {"rows": [row]}}}]}

row(password, key) := {
	"user": "dana", "arn": "arn:aws:iam::111111111111:user/dana", "user_creation_time": "2026-06-01T10:00:00Z",
	"password_enabled": password, "access_keys": [key],
}

test_key_created_with_console_user if {
	results := initial_access_keys.deny with input as snapshot(row(true, {"slot": 1, "active": true, "last_rotated": "2026-06-01T10:00:04Z"}))
	count(results) == 1
	some r in results
	r.key == "access-key-1"
	r.evidence.key_created == "2026-06-01T10:00:04Z"
}

test_used_key_passes if {
	count(initial_access_keys.deny) == 0 with input as snapshot(row(true, {"slot": 1, "active": true, "last_rotated": "2026-06-01T10:00:04Z", "last_used": "2026-06-02T00:00:00Z"}))
}

test_key_created_later_passes if {
	count(initial_access_keys.deny) == 0 with input as snapshot(row(true, {"slot": 1, "active": true, "last_rotated": "2026-06-03T10:00:00Z"}))
}

test_programmatic_user_passes if {
	count(initial_access_keys.deny) == 0 with input as snapshot(row(false, {"slot": 1, "active": true, "last_rotated": "2026-06-01T10:00:04Z"}))
}
