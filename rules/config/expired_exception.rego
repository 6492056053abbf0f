# METADATA
# title: Exceptions in the configuration have not expired
# description: |
#   An exception in .orgaudit.yaml accepts the findings of one rule on the
#   resources its glob matches, for a reason, until a date. Once the date
#   has passed (compared with the snapshot's collection time, so reports
#   stay reproducible) the exception stops suppressing: the findings it
#   covered count again, and the expired exception itself is reported so
#   that its owner renews it with a new reason or deletes it.
# related_resources:
#   - ref: https://github.com/orgaudit/orgaudit/blob/main/docs/config.md#exceptions
#     description: orgaudit configuration file, exceptions
# custom:
#   id: OA-CONFIG-001
#   scope: tables
#   severity: medium
#   remediation: |
#     Fix what the exception covered, or, if the risk is still accepted,
#     set a new expires date (and reason) on the exception in .orgaudit.yaml;
#     otherwise delete the exception. Nothing changes in AWS: the console and
#     the CLI are not involved. Check the result with
#     orgaudit check --snapshot snap.json --config .orgaudit.yaml
#   frameworks:
#     orgaudit-practices: ["exception-hygiene"]
#   requires: [config]
package orgaudit.rules.expired_exception

import data.orgaudit.lib

deny contains result if {
	some i, e in object.get(lib.config, "exceptions", [])
	e.expired
	result := {
		"resource": sprintf("%s (%s)", [e.resource, e.rule]),
		"account_id": "",
		"message": sprintf("Exception for %s on %s (owner %s: %s) expired on %s; the findings it covered count again", [e.rule, e.resource, owner(e), e.reason, e.expires]),
		"evidence": {"rule": e.rule, "resource": e.resource, "reason": e.reason, "owner": owner(e), "expires": e.expires, "source": object.get(e, "source", "")},
		"key": sprintf("exception/%d", [i]),
	}
}

owner(e) := e.owner if e.owner != ""

else := "nobody"
