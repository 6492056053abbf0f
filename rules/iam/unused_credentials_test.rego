package orgaudit.rules.unused_credentials_test

import data.orgaudit.rules.unused_credentials

snapshot(row) := {"metadata": {"collected_at": "2026-11-01T00:00:00Z"}, "accounts": [{"id": "111111111111", "name": "identity", "iam": {"credential_report": {"rows": [object.union(
	{"user": "u", "arn": "arn:aws:iam::111111111111:user/u", "password_enabled": false, "user_creation_time": "2025-01-01T00:00:00Z", "access_keys": [{"slot": 1, "active": false}, {"slot": 2, "active": false}]},
	row,
)]}}}]}

test_password_unused if {
	results := unused_credentials.deny with input as snapshot({"password_enabled": true, "password_last_used": "2026-09-01T00:00:00Z"})
	count(results) == 1
	some r in results
	r.key == "password"
	r.evidence.days == 61
}

test_password_used_recently if {
	count(unused_credentials.deny) == 0 with input as snapshot({"password_enabled": true, "password_last_used": "2026-10-20T00:00:00Z"})
}

test_password_never_used_old_user if {
	results := unused_credentials.deny with input as snapshot({"password_enabled": true})
	some r in results
	r.evidence.reference == "never used, created"
}

test_password_never_used_new_user if {
	count(unused_credentials.deny) == 0 with input as snapshot({"password_enabled": true, "user_creation_time": "2026-10-25T00:00:00Z"})
}

test_active_key_unused if {
	keys := [{"slot": 1, "active": true, "last_rotated": "2025-01-01T00:00:00Z", "last_used": "2026-07-24T00:00:00Z"}, {"slot": 2, "active": false}]
	results := unused_credentials.deny with input as snapshot({"access_keys": keys})
	{r.key | some r in results} == {"access-key-1"}
}

test_active_key_never_used if {
	keys := [{"slot": 1, "active": false}, {"slot": 2, "active": true, "last_rotated": "2026-01-01T00:00:00Z"}]
	results := unused_credentials.deny with input as snapshot({"access_keys": keys})
	{r.key | some r in results} == {"access-key-2"}
}

test_inactive_key_is_ignored if {
	keys := [{"slot": 1, "active": false, "last_rotated": "2025-01-01T00:00:00Z", "last_used": "2025-02-01T00:00:00Z"}, {"slot": 2, "active": false}]
	count(unused_credentials.deny) == 0 with input as snapshot({"access_keys": keys})
}

test_window_is_configurable if {
	doc := snapshot({"password_enabled": true, "password_last_used": "2026-09-01T00:00:00Z"})
	count(unused_credentials.deny) == 0 with input as doc with data.orgaudit.config as {"thresholds": {"credentials_unused_days": 90}}
}
