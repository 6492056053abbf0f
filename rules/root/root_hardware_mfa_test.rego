package orgaudit.rules.root_hardware_mfa_test

import data.orgaudit.rules.root_hardware_mfa

snapshot(mgmt_devices, member_devices) := {
	"metadata": {},
	"organization": {"management_account_id": "111111111111"},
	"accounts": [
		{"id": "111111111111", "name": "management", "iam": {"summary": {"AccountMFAEnabled": 1}, "virtual_mfa_devices": mgmt_devices}},
		{"id": "222222222222", "name": "prod", "iam": {"summary": {"AccountMFAEnabled": 1}, "virtual_mfa_devices": member_devices}},
	],
}

root_device(id) := {"serial_number": sprintf("arn:aws:iam::%s:mfa/root-account-mfa-device", [id]), "user_arn": sprintf("arn:aws:iam::%s:root", [id])}

test_virtual_root_mfa_on_management if {
	results := root_hardware_mfa.deny with input as snapshot([root_device("111111111111")], [])
	count(results) == 1
	some r in results
	r.resource == "arn:aws:iam::111111111111:root"
	r.evidence.virtual_mfa_device == "arn:aws:iam::111111111111:mfa/root-account-mfa-device"
}

test_hardware_root_mfa_passes if {
	# MFA enabled and no virtual device assigned to root: a hardware device.
	count(root_hardware_mfa.deny) == 0 with input as snapshot([], [])
}

test_virtual_device_of_a_user_is_not_root if {
	user_device := {"serial_number": "arn:aws:iam::111111111111:mfa/alice", "user_arn": "arn:aws:iam::111111111111:user/alice"}
	count(root_hardware_mfa.deny) == 0 with input as snapshot([user_device], [])
}

test_member_accounts_are_not_checked if {
	count(root_hardware_mfa.deny) == 0 with input as snapshot([], [root_device("222222222222")])
}

test_no_mfa_at_all_is_left_to_root_001 if {
	doc := {
		"metadata": {},
		"organization": {"management_account_id": "111111111111"},
		"accounts": [{"id": "111111111111", "name": "m", "iam": {"summary": {"AccountMFAEnabled": 0}, "virtual_mfa_devices": []}}],
	}
	count(root_hardware_mfa.deny) == 0 with input as doc
}
