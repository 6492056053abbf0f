package orgaudit.rules.root_recent_use_test

import data.orgaudit.rules.root_recent_use

meta := {"collected_at": "2026-06-01T00:00:00Z"}

snapshot(row) := {"metadata": meta, "accounts": [{"id": "111111111111", "name": "prod", "iam": {"credential_report": {"rows": [row]}}}]}

row(extra) := object.union({"user": "<root_account>", "arn": "arn:aws:iam::111111111111:root", "access_keys": [{"slot": 1, "active": false}, {"slot": 2, "active": false}]}, extra)

test_password_used_last_week if {
	results := root_recent_use.deny with input as snapshot(row({"password_last_used": "2026-05-25T10:00:00Z"}))
	count(results) == 1
	some r in results
	r.evidence.days_ago == 6
	r.evidence.credential == "password"
}

test_used_long_ago if {
	count(root_recent_use.deny) == 0 with input as snapshot(row({"password_last_used": "2025-01-01T00:00:00Z"}))
}

test_never_used if {
	count(root_recent_use.deny) == 0 with input as snapshot(row({}))
}

test_latest_of_password_and_keys if {
	r := row({
		"password_last_used": "2025-01-01T00:00:00Z",
		"access_keys": [
			{"slot": 1, "active": true, "last_used": "2026-05-30T00:00:00Z"},
			{"slot": 2, "active": false, "last_used": "2026-03-01T00:00:00Z"},
		],
	})
	results := root_recent_use.deny with input as snapshot(r)
	count(results) == 1
	some f in results
	f.evidence.credential == "access key 1"
	f.evidence.days_ago == 2
}

test_key_2_counts if {
	r := row({"access_keys": [
		{"slot": 1, "active": false},
		{"slot": 2, "active": true, "last_used": "2026-04-01T00:00:00Z"},
	]})
	results := root_recent_use.deny with input as snapshot(r)
	some f in results
	f.evidence.credential == "access key 2"
}

test_window_is_configurable if {
	input_doc := snapshot(row({"password_last_used": "2026-05-25T10:00:00Z"}))
	count(root_recent_use.deny) == 0 with input as input_doc with data.orgaudit.config as {"thresholds": {"root_unused_days": 5}}
}

test_ninety_days_exactly_is_outside if {
	count(root_recent_use.deny) == 0 with input as snapshot(row({"password_last_used": "2026-03-03T00:00:00Z"}))
}
