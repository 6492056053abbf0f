# METADATA
# title: orgaudit access graph library
# description: |
#   Helpers over input.graph (the access graph orgaudit check builds, see
#   docs/paths.md) shared by the rules under rules/reach and available to
#   user rules as data.orgaudit.lib.graph.
package orgaudit.lib.graph

import data.orgaudit.lib

# summary(env) is the reachability summary of environment env, when it was
# computed for exactly the accounts the configuration gives env. A summary
# for other accounts is never used: it would answer another question.
summary(env) := s if {
	s := input.graph.environments[env]
	{a | some a in s.accounts} == lib.environments[env]
}

# production_reach maps every principal outside production that reaches it
# to its summary: kind, account_id, hops, paths, mfa_required, path (node
# ids, source first) and path_without_mfa (empty when MFA is required on
# every path).
production_reach := summary("production").reached_by

# production_latent maps every principal that does not reach production
# but would once it registers an MFA device (an IAM user without one,
# whose way in needs MFA) to its summary, with blocked_by
# "no-mfa-device": the same fields as production_reach. Rules decide
# whether such access counts: a user one enrolment away from a second
# door into production is a finding of OA-REACH-002; OA-REACH-001 does
# not report it, since its path needs MFA.
production_latent := object.get(summary("production"), "latent", {})

# production_reach_or_latent is production_reach with the latent sources
# added (their summaries say blocked_by).
production_reach_or_latent := object.union(production_latent, production_reach)

# latent_note(r) is what a message adds for a latent source.
latent_note(r) := " once it registers an MFA device (it has none, and its way in needs MFA)" if r.blocked_by == "no-mfa-device"

latent_note(r) := "" if not r.blocked_by

# reaches(r) is the verb of a message about source r.
reaches(r) := "would reach" if r.blocked_by

reaches(r) := "reaches" if not r.blocked_by

# latent_evidence(r) is what the evidence of a finding adds for a latent
# source.
latent_evidence(r) := {"blocked_by": r.blocked_by} if r.blocked_by

latent_evidence(r) := {} if not r.blocked_by

# label(id) names a node for messages, e.g. "user/alice in identity
# (111111111111)".
label(id) := input.graph.nodes[id].label

label(id) := id if not input.graph.nodes[id]

# path_text(ids) renders a path of node ids.
path_text(ids) := concat(" -> ", [label(id) | some id in ids])

# production_not_evaluated holds the reasons the production summary cannot
# be used: no production environment is configured, or the graph summary
# covers other accounts.
production_not_evaluated contains "no production environment is configured (environments.production in .orgaudit.yaml)" if {
	count(lib.production_accounts) == 0
}

production_not_evaluated contains "the access graph summarises other production accounts than the configuration names" if {
	count(lib.production_accounts) > 0
	not summary("production")
}

# path_text_kinds(ids, kinds) renders a path of node ids with the kind of
# each hop: "user/a -[assume-role]-> role/b -[escalate:update-trust]-> role/c".
path_text_kinds(ids, kinds) := concat("", [part |
	some i, id in ids
	part := hop_text(i, id, kinds)
])

hop_text(0, id, _) := label(id)

hop_text(i, id, kinds) := sprintf(" -[%s]-> %s", [kinds[i - 1], label(id)]) if i > 0
