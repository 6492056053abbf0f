package output

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/orgaudit/orgaudit/internal/compliance"
	"github.com/orgaudit/orgaudit/internal/engine"
)

// TestRuleList: every format of rules list renders the rules, or the
// controls of a framework when one is set: JSON an array of rules or the
// framework object, the table a row per rule or per control.
func TestRuleList(t *testing.T) {
	rules := []engine.Rule{{ID: "OA-ROOT-001", Title: "Root user has MFA enabled", Frameworks: map[string][]string{compliance.CISv3: {"1.5"}}}}
	f, ok := compliance.Lookup(compliance.CISv3)
	if !ok {
		t.Fatal("no CIS v3.0.0 in the catalogue")
	}
	coverage := compliance.Cover(f, []compliance.RuleMapping{{ID: "OA-ROOT-001", Frameworks: rules[0].Frameworks}})
	render := func(format string, l *RuleList) string {
		var b bytes.Buffer
		if err := Rules.Write(&b, format, l, Options{}); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}

	var list []engine.Rule
	if err := json.Unmarshal([]byte(render("json", &RuleList{Rules: rules})), &list); err != nil || len(list) != 1 || list[0].ID != "OA-ROOT-001" {
		t.Errorf("rules JSON is no array of the rules: %v %+v", err, list)
	}
	var fw struct {
		ID       string `json:"id"`
		Controls []struct {
			ID     string   `json:"id"`
			Status string   `json:"status"`
			Rules  []string `json:"rules"`
		} `json:"controls"`
	}
	if err := json.Unmarshal([]byte(render("json", &RuleList{Rules: rules, Framework: &coverage})), &fw); err != nil || fw.ID != compliance.CISv3 || len(fw.Controls) != len(f.Controls) {
		t.Fatalf("framework JSON: %v %+v", err, fw)
	}
	for _, c := range fw.Controls {
		if c.ID == "1.5" && (c.Status != "covered" || len(c.Rules) != 1) {
			t.Errorf("1.5: %+v, want covered by OA-ROOT-001", c)
		}
	}

	if table := render("table", &RuleList{Rules: rules}); !strings.Contains(table, "OA-ROOT-001") || !strings.HasSuffix(table, "1 rules\n") {
		t.Errorf("rules table:\n%s", table)
	}
	table := render("table", &RuleList{Rules: rules, Framework: &coverage})
	if !strings.Contains(table, "| 1.5 ") || !strings.Contains(table, "OA-ROOT-001") || !strings.HasSuffix(table, ": 22 controls\n") {
		t.Errorf("controls table:\n%s", table)
	}
}
