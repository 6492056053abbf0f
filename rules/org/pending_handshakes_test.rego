package orgaudit.rules.pending_handshakes_test

import data.orgaudit.rules.pending_handshakes

snapshot(hs) := {
	"metadata": {"collected_at": "2026-11-01T00:00:00Z"},
	"accounts": [],
	"organization": {"management_account_id": "111111111111", "handshakes": [hs]},
}

hs(state, requested) := {"id": "h-1", "arn": "arn:aws:organizations::111111111111:handshake/o-1/invite/h-1", "action": "INVITE", "state": state, "requested_at": requested, "parties": [{"type": "ACCOUNT", "id": "999999999999"}]}

test_old_open_invitation if {
	results := pending_handshakes.deny with input as snapshot(hs("OPEN", "2026-10-01T00:00:00Z"))
	count(results) == 1
	some r in results
	r.resource == "arn:aws:organizations::111111111111:handshake/o-1/invite/h-1"
	r.evidence.days_open == 31
}

test_recent_invitation if {
	count(pending_handshakes.deny) == 0 with input as snapshot(hs("OPEN", "2026-10-30T00:00:00Z"))
}

test_closed_invitation if {
	count(pending_handshakes.deny) == 0 with input as snapshot(hs("ACCEPTED", "2026-01-01T00:00:00Z"))
}

test_window_is_configurable if {
	count(pending_handshakes.deny) == 1 with input as snapshot(hs("REQUESTED", "2026-10-30T00:00:00Z"))
		with data.orgaudit.config as {"thresholds": {"handshake_max_age_days": 1}}
}
