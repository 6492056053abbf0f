package orgaudit.lib.graph_test

import data.orgaudit.lib.graph

g := {
	"nodes": {
		"arn:aws:iam::111111111111:user/alice": {"kind": "iam-user", "label": "user/alice in identity (111111111111)"},
		"arn:aws:iam::444444444444:role/admin": {"kind": "iam-role", "label": "role/admin in prod (444444444444)"},
	},
	"environments": {"production": {"accounts": ["444444444444"], "reached_by": {"arn:aws:iam::111111111111:user/alice": {"kind": "iam-user"}}}},
}

cfg := {"environments": {"production": ["444444444444"]}}

test_summary_for_the_configured_accounts if {
	s := graph.summary("production") with input.graph as g with data.orgaudit.config as cfg
	s.accounts == ["444444444444"]
	count(graph.production_reach) == 1 with input.graph as g with data.orgaudit.config as cfg
	count(graph.production_not_evaluated) == 0 with input.graph as g with data.orgaudit.config as cfg
}

test_summary_for_other_accounts_is_not_used if {
	other := {"environments": {"production": ["444444444444", "555555555555"]}}
	not graph.summary("production") with input.graph as g with data.orgaudit.config as other
	graph.production_not_evaluated == {"the access graph summarises other production accounts than the configuration names"} with input.graph as g with data.orgaudit.config as other
}

test_not_configured if {
	not graph.summary("production") with input.graph as g
	graph.production_not_evaluated == {"no production environment is configured (environments.production in .orgaudit.yaml)"} with input.graph as g
}

test_labels_and_path_text if {
	graph.label("arn:aws:iam::111111111111:user/alice") == "user/alice in identity (111111111111)" with input.graph as g
	graph.label("*") == "*" with input.graph as g
	graph.path_text(["arn:aws:iam::111111111111:user/alice", "arn:aws:iam::444444444444:role/admin"]) == "user/alice in identity (111111111111) -> role/admin in prod (444444444444)" with input.graph as g
}
