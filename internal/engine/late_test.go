package engine

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

// userRule is a user rule module whose deny rule has body.
func userRule(id, body string, extra ...string) string {
	return fmt.Sprintf(`# METADATA
# title: test rule %[1]s
# description: a rule for the input analysis
# related_resources:
#   - ref: https://example.com
# custom:
#   id: %[1]s
#   severity: low
#   remediation: none
package orgaudit.rules.test_%[2]s

import data.orgaudit.lib

deny contains result if {
%[3]s
	result := {"resource": "r", "account_id": "", "message": "m"}
}
%[4]s`, id, strings.ToLower(strings.ReplaceAll(id, "-", "_")), body, strings.Join(extra, "\n"))
}

// TestReadsInput: a rule is deferred (it may read input.graph) when it or
// anything it calls reads input.graph, input as a whole or input[k] for a
// key not known when compiling; otherwise it is not. Latent sources
// (input.graph.latent_edges, environments.ENV.latent, the graph library's
// production_latent) are graph reads like any other. The built-in rules
// under rules/reach read the graph, no other built-in rule does.
func TestReadsInput(t *testing.T) {
	cases := map[string]struct {
		body  string
		extra []string
		late  bool
	}{
		"T-001": {body: "\tsome a in input.accounts\n\ta.id == \"1\"", late: false},
		"T-002": {body: "\tinput.graph.nodes[\"x\"]", late: true},
		"T-003": {body: "\tk := \"graph\"\n\tinput[k]", late: true},
		"T-004": {body: "\tx := input\n\tx.graph", late: true},
		"T-005": {body: "\thelper(1)", extra: []string{"helper(x) if input.graph.edges[x]"}, late: true},
		"T-006": {body: "\tinner with input as {\"graph\": 1}", extra: []string{"inner if input.accounts"}, late: true},
		"T-007": {body: "\tcount(lib.trust_grants) > 0", late: false},
		"T-008": {body: "\tsome p\n\tdata.orgaudit.rules[p].not_evaluated", late: true},
		// Latent sources live in input.graph too, read directly or through
		// the graph library.
		"T-009": {body: "\tsome e in input.graph.latent_edges\n\te.blocked_by", late: true},
		"T-010": {body: "\tsome env, s in input.graph.environments\n\tcount(s.latent) > 0", late: true},
		"T-011": {body: "\tcount(data.orgaudit.lib.graph.production_latent) > 0", late: true},
		"T-012": {body: "\tsome r in data.orgaudit.lib.graph.production_reach_or_latent\n\tr.blocked_by", late: true},
	}
	files := fstest.MapFS{}
	for id, c := range cases {
		files[strings.ToLower(id)+".rego"] = &fstest.MapFile{Data: []byte(userRule(id, c.body, c.extra...))}
	}
	comp, err := Compile([]Source{BuiltinSource(), {Name: "user", FS: files}})
	if err != nil {
		t.Fatal(err)
	}
	graph := map[string]bool{"graph": true}
	for _, r := range comp.rules {
		got := readsInput(comp.compiler, r, graph)
		if c, ok := cases[r.ID]; ok {
			if got != c.late {
				t.Errorf("%s (%s): reads input.graph %v, want %v", r.ID, strings.TrimSpace(c.body), got, c.late)
			}
			continue
		}
		if want := strings.HasPrefix(r.File, "rules/reach/") || strings.Contains(r.File, "/reach/"); got != want {
			t.Errorf("built-in %s (%s): reads input.graph %v, want %v", r.ID, r.File, got, want)
		}
		if readsInput(comp.compiler, r, nil) {
			t.Errorf("%s: reads no key of an empty set", r.ID)
		}
	}
}

// TestKeysRead: the keys of input.graph the rules may read are those
// named by a constant (input.graph.nodes, directly or through what they
// call); input.graph as a value, input.graph[k], input or input[k] mean
// every key; `input.graph` or `not input.graph` alone tests that it is
// there and reads no key. The built-in rules read neither the edges nor edges_in (what makes
// input.graph small).
func TestKeysRead(t *testing.T) {
	cases := map[string]struct {
		body  string
		extra []string
		all   bool
		keys  []string
	}{
		"K-001": {body: "\tinput.graph.nodes[\"x\"]", keys: []string{"nodes"}},
		"K-002": {body: "\thelper(1)", extra: []string{"helper(x) if input.graph.edges[x]"}, keys: []string{"edges"}},
		"K-003": {body: "\tinput.graph\n\tnot input.graph.version == 2", keys: []string{"version"}},
		"K-008": {body: "\tx := input.graph\n\tx.edges", all: true},
		"K-009": {body: "\tcount(input.graph) > 0", all: true},
		"K-004": {body: "\tk := \"edges\"\n\tinput.graph[k]", all: true},
		"K-005": {body: "\tx := input\n\tx.graph", all: true},
		"K-006": {body: "\tk := \"graph\"\n\tinput[k]", all: true},
		"K-007": {body: "\tsome a in input.accounts\n\ta.id == \"1\""},
	}
	for id, c := range cases {
		files := fstest.MapFS{"rule.rego": &fstest.MapFile{Data: []byte(userRule(id, c.body, c.extra...))}}
		comp, err := Compile([]Source{{Name: "user", FS: files}})
		if err != nil {
			t.Fatal(err)
		}
		keys, all := keysRead(comp.compiler, comp.rules, "graph")
		if all != c.all {
			t.Errorf("%s (%s): all %v, want %v", id, strings.TrimSpace(c.body), all, c.all)
			continue
		}
		for _, k := range c.keys {
			if !keys[k] {
				t.Errorf("%s: %s not read, want it read", id, k)
			}
		}
		if !all && len(keys) != len(c.keys) {
			t.Errorf("%s: keys %v, want %v", id, keys, c.keys)
		}
	}
	comp, err := Compile([]Source{BuiltinSource()})
	if err != nil {
		t.Fatal(err)
	}
	keys, all := keysRead(comp.compiler, comp.rules, "graph")
	if all {
		t.Fatal("the built-in rules read input.graph whole")
	}
	for _, k := range []string{"nodes", "environments", "assume_edges_in", "self_escalation"} {
		if !keys[k] {
			t.Errorf("built-in rules: %s not read", k)
		}
	}
	for _, k := range []string{"edges", "edges_in", "latent_edges", "conditions"} {
		if keys[k] {
			t.Errorf("built-in rules read input.graph.%s", k)
		}
	}
	// The facts: the library reads input.facts.KEY and tests whether
	// input.facts is there, so a rule's facts are the tables it uses.
	for _, r := range comp.rules {
		if r.ID != "OA-REACH-006" {
			continue
		}
		facts, all := keysRead(comp.compiler, []Rule{r}, FactsKey)
		if all || !facts["trust_grants"] || facts["full_admin_policies"] || facts["role_activity"] {
			t.Errorf("%s reads the facts %v (all %v), want trust_grants and not full_admin_policies or role_activity", r.ID, facts, all)
		}
	}
}
