# METADATA
# title: orgaudit rule library
# description: |
#   Helpers shared by the built-in rules and available to user rules as
#   data.orgaudit.lib: the snapshot's collection time, lookups by id,
#   normalized policy statements, principals and conditions.
package orgaudit.lib

# -- time: rules never read the clock; "now" is when the snapshot was taken.

# now_ns is the snapshot's collection time in nanoseconds.
now_ns := time.parse_rfc3339_ns(input.metadata.collected_at)

ns_per_day := ((24 * 60) * 60) * 1000000000

# days_since(ts) is the number of whole days between the RFC 3339 time ts
# and the collection time.
days_since(ts) := floor((now_ns - time.parse_rfc3339_ns(ts)) / ns_per_day)

# -- configuration (data.orgaudit.config, from .orgaudit.yaml)
#
# The engine mounts the resolved configuration as data.orgaudit.config:
#   {
#     "identity_account": "111111111111",          # absent when not designated
#     "environments": {"production": ["222222222222", ...], "development": [...]},
#     "vendor_accounts": {"464622532012": "Datadog", ...},
#     "thresholds": {"root_unused_days": 90, ...},
#   }
# Environments are account id lists, resolved in Go from OUs, account ids,
# names and tags (or from defaults when no file is given).

default config := {}

config := data.orgaudit.config

# threshold(name, def) is the configured threshold `name`, or def.
threshold(name, def) := object.get(config, ["thresholds", name], def)

# environments maps an environment name to the set of its account ids.
environments := {name: {id | some id in ids} | some name, ids in object.get(config, "environments", {})}

# production_accounts holds the ids of the accounts of the "production"
# environment (empty when none is configured or recognized).
production_accounts := object.get(environments, "production", set())

# environments_of(account_id) is the set of environment names an account
# belongs to.
environments_of(account_id) := {name | some name, ids in environments; account_id in ids}

# identity_account_id is the designated identity account; undefined when
# none is designated.
identity_account_id := config.identity_account

# vendor_accounts maps known third-party account ids to a vendor name.
vendor_accounts := object.get(config, "vendor_accounts", {})

# -- organization

partition := object.get(input.metadata, "partition", "aws")

accounts_by_id := {a.id: a | some a in input.accounts}

# org_account_ids holds every account of the organization (or the single
# collected account). Like account_labels and org_accounts below, it is
# organization-wide: the engine precomputes it (input.facts) so that it
# holds every account even where a rule sees a chunk of the accounts
# (custom.scope "account"); the comprehension computes the same where it
# does not (rule unit tests).
org_account_ids := {id | some id in input.facts.org_account_ids} if input.facts

org_account_ids := {a.id | some a in input.accounts} if not input.facts

# org_accounts lists every account of the organization by the fields
# that place it: {id, name, arn, status, parent_id} (absent ones left out).
org_accounts := input.facts.org_accounts

org_accounts := [object.filter(a, ["id", "name", "arn", "status", "parent_id"]) | some a in input.accounts] if not input.facts

default management_account_id := ""

management_account_id := input.organization.management_account_id

# account_labels maps every account id to "name (id)", computed once
# (organization-wide, see org_account_ids).
account_labels := input.facts.account_labels

account_labels := {a.id: sprintf("%s (%s)", [a.name, a.id]) | some a in input.accounts} if not input.facts

# account_label(id) names an account for messages: "name (id)".
account_label(id) := account_labels[id]

account_label(id) := id if not account_labels[id]

# has_gap(account_id, section) holds when the snapshot records a gap for
# that section of the account (or for the whole account). Rules mostly
# rely on custom.requires for gaps; they need this where a null in the
# data means both "none" and "unknown" (the password policy).
has_gap(account_id, section) if {
	some g in input.metadata.gaps
	object.get(g, "account_id", "") == account_id
	g.section in {section, "account"}
}

# iam_accounts are the accounts whose IAM data was collected (a list,
# computed once per evaluation).
iam_accounts := [a | some a in input.accounts; a.iam != null]

# organization_analyzer_regions holds the regions where an IAM account
# has an active organization analyzer of IAM Access Analyzer
# (organization-wide, see org_account_ids).
organization_analyzer_regions := {r | some r in input.facts.organization_analyzer_regions} if input.facts

organization_analyzer_regions := {an.region |
	some account in iam_accounts
	some an in object.get(account.iam, ["access_analyzer", "analyzers"], [])
	an.type == "ORGANIZATION"
	an.status == "ACTIVE"
} if not input.facts

# analyzer_regions_read maps the id of every account whose IAM data was
# collected to the regions whose analyzers were read (organization-wide,
# see org_account_ids).
analyzer_regions_read := input.facts.analyzer_regions_read

analyzer_regions_read := {account.id: sort({r | some r in object.get(account.iam, ["access_analyzer", "regions"], [])}) |
	some account in iam_accounts
} if not input.facts

root_arn(account_id) := sprintf("arn:%s:iam::%s:root", [partition, account_id])

# root_row(account) is the credential report row of the root user.
root_row(account) := row if {
	some row in account.iam.credential_report.rows
	row.user == "<root_account>"
}

# -- policy documents

as_array(x) := x if is_array(x)

as_array(x) := [x] if not is_array(x)

# statements(doc) lists a policy document's statements (Statement may be
# one object or a list).
statements(doc) := as_array(doc.Statement)

# allow_statements(doc) lists the Allow statements with their index.
allow_statements(doc) := [[i, s] |
	some i, s in statements(doc)
	s.Effect == "Allow"
]

# actions(stmt) lists the statement's Action values, lower-cased.
actions(stmt) := [lower(a) | some a in as_array(object.get(stmt, "Action", []))]

# allows_action(stmt, action) holds when an Action pattern of stmt matches
# action (case-insensitive, * and ? wildcards).
allows_action(stmt, action) if {
	some pattern in actions(stmt)
	glob.match(pattern, null, lower(action))
}

# Anything under NotAction that does not exclude the action also allows it.
allows_action(stmt, action) if {
	not stmt.Action
	stmt.NotAction
	not excludes_action(stmt, action)
}

excludes_action(stmt, action) if {
	some pattern in as_array(stmt.NotAction)
	glob.match(lower(pattern), null, lower(action))
}

# is_assume_role(stmt) holds for a statement that allows sts:AssumeRole.
is_assume_role(stmt) if allows_action(stmt, "sts:AssumeRole")

# -- principals

# aws_principals(stmt) is the set of AWS principal strings of a statement:
# ARNs, 12-digit account ids, unique ids, or "*" ("Principal": "*" counts
# as {"AWS": "*"}).
aws_principals(stmt) := {"*"} if stmt.Principal == "*"

aws_principals(stmt) := {p | some p in as_array(stmt.Principal.AWS)} if is_object(stmt.Principal)

aws_principals(stmt) := set() if {
	not stmt.Principal
}

# principal_account(p) is the account id an AWS principal belongs to;
# undefined for "*" and for unique ids (AROA..., AIDA...).
principal_account(p) := p if regex.match(`^[0-9]{12}$`, p)

principal_account(p) := split(p, ":")[4] if {
	startswith(p, "arn:")
	count(split(p, ":")) > 4
}

# outside_organization(p) holds for an AWS principal of an account that is
# not in the organization. Undecidable (and so false) for "*", unique ids
# and single-account snapshots.
outside_organization(p) if {
	input.organization != null
	not principal_account(p) in org_account_ids
	principal_account(p)
}

# -- conditions

# conditions(stmt) lists a statement's conditions as objects
# {operator, key, values}, with operator and key as written and values as a
# list.
conditions(stmt) := [{"operator": op, "key": k, "values": as_array(v)} |
	some op, block in object.get(stmt, "Condition", {})
	some k, v in block
]

# has_condition_key(stmt, key) holds when any condition of stmt tests key
# (compared case-insensitively, like AWS does).
has_condition_key(stmt, key) if {
	some c in conditions(stmt)
	lower(c.key) == lower(key)
}

# bool_value(v) is v as a lower-case string ("true"/"false").
bool_value(v) := lower(sprintf("%v", [v]))

# requires_mfa(stmt) holds when an Allow statement can only match requests
# made with MFA: Bool aws:MultiFactorAuthPresent true (without IfExists:
# BoolIfExists lets long-term keys, which carry no MFA key, through), or a
# bound on aws:MultiFactorAuthAge.
requires_mfa(stmt) if {
	some c in conditions(stmt)
	lower(c.operator) == "bool"
	lower(c.key) == "aws:multifactorauthpresent"
	count(c.values) > 0
	every v in c.values {
		bool_value(v) == "true"
	}
}

requires_mfa(stmt) if {
	some c in conditions(stmt)
	lower(c.operator) in {"numericlessthan", "numericlessthanequals"}
	lower(c.key) == "aws:multifactorauthage"
}

# principal_restricting_keys are condition keys that pin down which
# principals may use a statement.
principal_restricting_keys := {
	"aws:principalorgid",
	"aws:principalorgpaths",
	"aws:principalaccount",
	"aws:principalarn",
	"aws:sourceaccount",
	"aws:sourcearn",
	"aws:sourceorgid",
	"aws:sourceorgpaths",
	"aws:userid",
}

restricting_operators := {
	"stringequals",
	"stringequalsignorecase",
	"stringlike",
	"arnequals",
	"arnlike",
	"forallvalues:stringequals",
	"forallvalues:stringlike",
	"foranyvalue:stringequals",
	"foranyvalue:stringlike",
}

# restricts_principal(stmt) holds when a condition limits the statement to
# known principals: a positive match (not IfExists, not a negated operator)
# on a principal-identifying key with a value that is not just "*".
restricts_principal(stmt) if {
	some c in conditions(stmt)
	lower(c.operator) in restricting_operators
	lower(c.key) in principal_restricting_keys
	some v in c.values
	not wildcard_only(v)
}

wildcard_only(v) if regex.match(`^[*?]*$`, sprintf("%v", [v]))

# -- roles and trust

# trust_statements(role) lists [index, statement] for the Allow statements
# of a role's trust policy that allow sts:AssumeRole.
trust_statements(role) := [[i, s] |
	some i, s in statements(role.trust_policy)
	s.Effect == "Allow"
	is_assume_role(s)
]

# mfa_enforced_by_deny(doc) holds when a Deny statement refuses
# sts:AssumeRole to every principal whenever MFA is absent.
mfa_enforced_by_deny(doc) if {
	some s in statements(doc)
	s.Effect == "Deny"
	"*" in aws_principals(s)
	is_assume_role(s)
	some c in conditions(s)
	lower(c.operator) in {"bool", "boolifexists"}
	lower(c.key) == "aws:multifactorauthpresent"
	c.values != []
	every v in c.values {
		bool_value(v) == "false"
	}
}

# trust_requires_mfa(role, stmt) holds when assuming the role through stmt
# needs MFA, by the statement's own condition or by a Deny in the policy.
trust_requires_mfa(_, stmt) if requires_mfa(stmt)

trust_requires_mfa(role, _) if mfa_enforced_by_deny(role.trust_policy)

# is_service_linked(role) holds for service-linked roles, which AWS
# services manage and which only their service can assume.
is_service_linked(role) if startswith(role.path, "/aws-service-role/")

# -- accounts and the organization tree

# account_arn(id) is the account's Organizations ARN, or its id when the
# snapshot has no ARN for it. Account-wide settings (the password policy)
# are reported on it.
account_arn(id) := accounts_by_id[id].arn

account_arn(id) := id if not accounts_by_id[id].arn

# is_management(id) holds for the organization's management account.
is_management(id) if {
	id != ""
	id == management_account_id
}

# root_ids holds the ids of the organization roots.
root_ids := {r.id | some r in input.organization.roots}

# ous_by_id maps OU id to OU.
ous_by_id := {ou.id: ou | some ou in input.organization.organizational_units}

# parent_edges maps every OU to its parent, for graph.reachable.
parent_edges := {ou.id: [ou.parent_id] | some ou in input.organization.organizational_units}

# containers_above(id) is the set of OUs and the root above an account or
# OU: its parent and every ancestor.
containers_above(account) := graph.reachable(parent_edges, {account.parent_id}) if account.parent_id

containers_above(account) := set() if not account.parent_id

# container_arn(id) is the ARN of a root or OU, or its id.
container_arn(id) := ous_by_id[id].arn

container_arn(id) := r.arn if {
	some r in input.organization.roots
	r.id == id
}

container_arn(id) := id if {
	not ous_by_id[id]
	not id in root_ids
}

# container_name(id) names a root or OU for messages.
container_name(id) := sprintf("OU %s (%s)", [ous_by_id[id].name, id])

container_name(id) := sprintf("the root (%s)", [id]) if id in root_ids

container_name(id) := id if {
	not ous_by_id[id]
	not id in root_ids
}

# identity_center_in_use holds when IAM Identity Center has an instance
# with account assignments.
identity_center_in_use if {
	count(input.identity_center.instances) > 0
	count(input.identity_center.assignments) > 0
}

# -- users and credentials

# user_rows(account) lists the credential report rows of IAM users (root
# left out).
user_rows(account) := [row |
	some row in account.iam.credential_report.rows
	row.user != "<root_account>"
]

# -- permissions
#
# Lookup tables (admin_policy_arns, admin_roles, roles_by_arn,
# managed_policy_documents, trust_grants) are complete rules built by
# comprehensions: OPA computes each once per evaluation and every rule then
# reads it by key. (A partial rule such as `t[k] := v if { ... }` read with
# a ground key re-runs its body for each lookup: quadratic over 40,000
# roles.)

# allows_all(stmt) holds for an Allow statement of Action "*" on
# Resource "*": administrator access.
allows_all(stmt) if {
	stmt.Effect == "Allow"
	"*" in as_array(object.get(stmt, "Action", []))
	"*" in as_array(object.get(stmt, "Resource", []))
}

# is_admin_document(doc) holds when a policy document allows every action
# on every resource.
is_admin_document(doc) if {
	some s in statements(doc)
	allows_all(s)
}

# admin_policy_arns holds the ARNs of the managed policies (AWS managed and
# customer managed) that grant administrator access. Computed once per
# evaluation.
admin_policy_arns := {arn | some arn, doc in managed_policy_documents; is_admin_document(doc)}

# managed_policy_documents maps a managed policy ARN to its document.
managed_policy_documents := object.union(
	{p.arn: p.document | some p in input.aws_managed_policies},
	{p.arn: p.document | some account in iam_accounts; some p in account.iam.policies},
)

# admin_grants(principal) lists how a user, group or role gets
# administrator access: "policy NAME" for attached managed policies and
# "inline NAME" for inline policies. Empty when it has none.
admin_grants(principal) := array.concat(
	[sprintf("policy %s", [p.name]) | some p in principal.attached_policies; p.arn in admin_policy_arns],
	[sprintf("inline %s", [p.name]) | some p in principal.inline_policies; is_admin_document(p.document)],
)

# boundary_limits(principal) holds when a permissions boundary that is not
# itself administrative caps the principal's permissions.
boundary_limits(principal) if {
	principal.permissions_boundary.arn
	not principal.permissions_boundary.arn in admin_policy_arns
}

# admin_roles maps the ARN of every administrative role to how it gets
# administrator access (see admin_grants). A permissions boundary that is
# not administrative takes a role out. The engine precomputes it
# (input.facts); the comprehension below computes the same where it does
# not (rule unit tests).
admin_roles := input.facts.admin_roles

admin_roles := {role.arn: grants |
	some account in iam_accounts
	some role in account.iam.roles
	grants := array.concat(
		[sprintf("policy %s", [p.name]) | some p in role.attached_policies; p.arn in admin_policy_arns],
		[sprintf("inline %s", [p.name]) | some p in role.inline_policies; is_admin_document(p.document)],
	)
	count(grants) > 0
	not boundary_limits(role)
} if not input.facts

# -- trust

# principal_kind(p) classifies an AWS principal string: "any" ("*"),
# "account" (an account id or :root ARN), "user", "role", "assumed-role",
# "federated-user" or "unique-id".
principal_kind(p) := "any" if p == "*"

principal_kind(p) := "account" if regex.match(`^[0-9]{12}$`, p)

principal_kind(p) := "account" if regex.match(`^arn:[^:]+:iam::[0-9]{12}:root$`, p)

principal_kind(p) := kind if {
	startswith(p, "arn:")
	resource := split(p, ":")[5]
	not resource == "root"
	prefix := split(resource, "/")[0]
	kind := object.get({"user": "user", "role": "role", "assumed-role": "assumed-role", "federated-user": "federated-user"}, prefix, "other")
}

principal_kind(p) := "unique-id" if {
	p != "*"
	not regex.match(`^[0-9]{12}$`, p)
	not startswith(p, "arn:")
}

# trust_grants lists every Allow statement of a (non service-linked) role's
# trust policy that names AWS principals, once, as
#   {account_id, role_arn, role_name, index, statement, principals,
#    principal_accounts, external, assume_role, mfa, external_id}
# where principals is the sorted list of AWS principal strings,
# principal_accounts maps each principal that has one to its account id,
# external lists the principals outside the organization (see
# outside_organization), assume_role tells whether the statement allows
# sts:AssumeRole, mfa whether assuming through it needs MFA (see
# trust_requires_mfa) and external_id whether it tests sts:ExternalId.
# Rules that look at trust iterate this list instead of every role. The
# engine precomputes it in Go (input.facts, checked against this
# comprehension by the engine's tests); the comprehension computes it where
# the engine did not (rule unit tests).
trust_grants := input.facts.trust_grants

trust_grants := [t |
	some account in iam_accounts
	some role in account.iam.roles
	not is_service_linked(role)
	some i, s in statements(role.trust_policy)
	s.Effect == "Allow"
	principals := aws_principals(s)
	count(principals) > 0
	t := {
		"account_id": account.id,
		"role_arn": role.arn,
		"role_name": role.name,
		"index": i,
		"statement": s,
		"principals": sort(principals),
		"principal_accounts": {p: principal_account(p) | some p in principals},
		"external": sort([p | some p in principals; outside_organization(p)]),
		"assume_role": assume_role_flag(s),
		"mfa": mfa_flag(role, s),
		"external_id": external_id_flag(s),
	}
] if not input.facts

assume_role_flag(s) if is_assume_role(s)

else := false

mfa_flag(role, s) if trust_requires_mfa(role, s)

else := false

external_id_flag(s) if has_condition_key(s, "sts:ExternalId")

else := false

# role_activity lists, for every role that is neither service-linked nor
# provisioned by IAM Identity Center (/aws-reserved/ path), when it was
# last active, as {account_id, role_arn, role_name, since, idle_days, what}:
# since is its last use ("what": "last used") or, never used, its creation
# ("never used, created"), idle_days the whole days from then to the
# collection time; roles with neither are left out. (Whole days keep rules
# on small numbers: nanosecond arithmetic in Rego goes through big
# numbers.) The engine
# precomputes it in Go (input.facts); the comprehension computes the same
# where it does not.
role_activity := input.facts.role_activity

role_activity := [a |
	some account in iam_accounts
	some role in account.iam.roles
	not is_service_linked(role)
	not startswith(role.path, "/aws-reserved/")
	[since, what] := activity_reference(role)
	a := {
		"account_id": account.id,
		"role_arn": role.arn,
		"role_name": role.name,
		"since": since,
		"idle_days": days_since(since),
		"what": what,
	}
] if not input.facts

activity_reference(role) := [role.last_used.date, "last used"] if role.last_used.date

else := [role.create_date, "never used, created"]

# roles_by_arn maps a role ARN to the role and its account id.
roles_by_arn := {role.arn: {"role": role, "account_id": account.id} |
	some account in iam_accounts
	some role in account.iam.roles
}

# full_admin_policies lists the customer managed and inline policies whose
# document grants full administrator access ("*" on "*", or statements
# that add up to it), as
#   {account_id, kind ("managed" or "inline"), policy_arn (managed),
#    policy_name, owner_arn (inline: its user, group or role),
#    attached_to (ARNs of the users, groups and roles it applies to)}.
# The engine decides it with the policy evaluator (input.facts), so that
# NotAction and NotResource forms count; where the engine did not run (rule
# unit tests) the comprehensions below find the literal "*" on "*" form
# only.
full_admin_policies := input.facts.full_admin_policies

full_admin_policies := array.concat(
	[e |
		some account in iam_accounts
		some p in account.iam.policies
		is_admin_document(p.document)
		e := {
			"account_id": account.id, "kind": "managed", "policy_arn": p.arn, "policy_name": p.name, "owner_arn": "",
			"attached_to": [x.arn |
				some x in iam_principals(account)
				some ap in x.attached_policies
				ap.arn == p.arn
			],
		}
	],
	[e |
		some account in iam_accounts
		some x in iam_principals(account)
		some p in x.inline_policies
		is_admin_document(p.document)
		e := {
			"account_id": account.id, "kind": "inline", "policy_arn": "", "policy_name": p.name,
			"owner_arn": x.arn, "attached_to": [x.arn],
		}
	],
) if not input.facts

# iam_principals(account) lists an account's users, groups and roles.
iam_principals(account) := array.concat(
	array.concat(object.get(account.iam, "users", []), object.get(account.iam, "groups", [])),
	object.get(account.iam, "roles", []),
)

# attached_to(account, policy_arn) lists the users, groups and roles
# of an account that have the managed policy attached, as
# {"arn", "type" ("user", "group" or "role")}.
# (The principals and their attachments are walked by one reference,
# list[i].attached_policies[_].arn, which OPA enumerates in one expression:
# fewer steps than a loop over the principals and one over each one's
# attachments, which adds up over hundreds of roles per account.)
attached_to(account, policy_arn) := [{"arn": list[i].arn, "type": type} |
	some type, list in {"user": object.get(account.iam, "users", []), "group": object.get(account.iam, "groups", []), "role": object.get(account.iam, "roles", [])}
	list[i].attached_policies[_].arn == policy_arn
]

# aws_policy_arn(name) is the ARN of an AWS managed policy in the snapshot's
# partition.
aws_policy_arn(name) := sprintf("arn:%s:iam::aws:policy/%s", [partition, name])
