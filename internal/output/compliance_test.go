package output

import (
	"slices"
	"strings"
	"testing"

	"github.com/orgaudit/orgaudit/internal/compliance"
	"github.com/orgaudit/orgaudit/internal/engine"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// complianceReport is a report over accounts a, b and c with the rules
// and results given.
func complianceReport(rules []engine.Rule, findings []engine.Finding, notEval []engine.NotEvaluated) *CheckReport {
	s := &snapshot.Snapshot{Accounts: []snapshot.Account{{ID: "a"}, {ID: "b"}, {ID: "c"}}}
	return NewCheckReport("dev", &snapshot.Loaded{Snapshot: s}, &engine.Result{Rules: rules, Findings: findings, NotEvaluated: notEval})
}

func control(t *testing.T, r *CheckReport, framework, id string) ControlSummary {
	t.Helper()
	for _, f := range r.Compliance() {
		if f.ID != framework {
			continue
		}
		for _, c := range f.Controls {
			if c.ID == id {
				return c
			}
		}
	}
	t.Fatalf("no control %s %s in %+v", framework, id, r.Compliance())
	return ControlSummary{}
}

// TestComplianceDecision: each account counts once, a failure before a
// check not evaluated, before an accepted finding, before a pass.
func TestComplianceDecision(t *testing.T) {
	cis := map[string][]string{compliance.CISv3: {"1.5"}}
	rules := []engine.Rule{{ID: "R1", Frameworks: cis}, {ID: "R2", Frameworks: cis}}
	sup := &engine.Suppression{Reason: "accepted"}
	tests := []struct {
		name     string
		findings []engine.Finding
		notEval  []engine.NotEvaluated
		omitted  []string
		status   ControlStatus
		counts   [4]int // passed, failed, not evaluated, suppressed
	}{
		{"nothing found", nil, nil, nil, ControlPassed, [4]int{3, 0, 0, 0}},
		{"one failure", []engine.Finding{{RuleID: "R1", AccountID: "a"}}, nil, nil, ControlFailed, [4]int{2, 1, 0, 0}},
		{"two rules fail in one account", []engine.Finding{{RuleID: "R1", AccountID: "a"}, {RuleID: "R2", AccountID: "a"}}, nil, nil, ControlFailed, [4]int{2, 1, 0, 0}},
		{"failure wins over a gap", []engine.Finding{{RuleID: "R1", AccountID: "a"}}, []engine.NotEvaluated{{RuleID: "R2", AccountID: "a"}}, nil, ControlFailed, [4]int{2, 1, 0, 0}},
		{"a gap in one account", nil, []engine.NotEvaluated{{RuleID: "R2", AccountID: "b"}}, nil, ControlNotEvaluated, [4]int{2, 0, 1, 0}},
		{"missing configuration covers every account", nil, []engine.NotEvaluated{{RuleID: "R2"}}, nil, ControlNotEvaluated, [4]int{0, 0, 3, 0}},
		{"gap wins over an accepted finding", []engine.Finding{{RuleID: "R1", AccountID: "c", Suppression: sup}}, []engine.NotEvaluated{{RuleID: "R2", AccountID: "c"}}, nil, ControlNotEvaluated, [4]int{2, 0, 1, 0}},
		{"only accepted findings", []engine.Finding{{RuleID: "R1", AccountID: "c", Suppression: sup}}, nil, nil, ControlSuppressed, [4]int{2, 0, 0, 1}},
		{"a baseline-existing finding still fails", []engine.Finding{{RuleID: "R1", AccountID: "b", BaselineState: engine.BaselineExisting}}, nil, nil, ControlFailed, [4]int{2, 1, 0, 0}},
		{"an account outside the snapshot counts too", []engine.Finding{{RuleID: "R1", AccountID: "z"}}, nil, nil, ControlFailed, [4]int{3, 1, 0, 0}},
		{"a finding of the organization itself", []engine.Finding{{RuleID: "R1"}}, nil, nil, ControlFailed, [4]int{3, 1, 0, 0}},
		{"rules left out by severity decide nothing", []engine.Finding{{RuleID: "R1", AccountID: "a"}}, nil, []string{"R1", "R2"}, ControlNotCovered, [4]int{}},
		{"one rule left out, the other decides", nil, nil, []string{"R1"}, ControlPassed, [4]int{3, 0, 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := complianceReport(rules, tt.findings, tt.notEval)
			r.Omitted = tt.omitted
			c := control(t, r, compliance.CISv3, "1.5")
			got := [4]int{c.Passed, c.Failed, c.NotEvaluated, c.Suppressed}
			if c.Status != tt.status || got != tt.counts {
				t.Errorf("status %s counts %v, want %s %v", c.Status, got, tt.status, tt.counts)
			}
			if f := r.Compliance()[0]; c.Decided() && got[0]+got[1]+got[2]+got[3] != f.Units() {
				t.Errorf("counts %v do not add up to %s", got, f.UnitsText())
			}
		})
	}
}

func TestComplianceCatalogueAndFrameworks(t *testing.T) {
	rules := []engine.Rule{
		{ID: "R1", Frameworks: map[string][]string{compliance.CISv5: {"1.4"}, "aws-well-architected-security": {"SEC02-BP01"}}},
		{ID: "R2", Frameworks: map[string][]string{"orgaudit-practices": {"prod-access-mfa"}, "aws-well-architected-security": {"SEC02-BP01"}},
			ResourceDescriptions: map[string]string{"https://example.com": "SEC02-BP01: Use strong sign-in mechanisms"}},
	}
	r := complianceReport(rules, nil, nil)
	var ids []string
	for _, f := range r.Compliance() {
		ids = append(ids, f.ID)
	}
	if want := []string{compliance.CISv5, "aws-well-architected-security", "orgaudit-practices"}; !slices.Equal(ids, want) {
		t.Errorf("frameworks %v, want %v (catalogued first)", ids, want)
	}
	// Every control of a catalogued framework is listed, the manual ones
	// as manual with their steps and no count.
	v5 := r.Compliance()[0]
	if len(v5.Controls) != 21 || v5.Totals[ControlManual] != 1 || v5.Totals[ControlNotApplicable] != 1 || v5.Totals[ControlPassed] != 1 || v5.Totals[ControlNotCovered] != 18 {
		t.Errorf("cis-v5.0.0 totals %v over %d controls", v5.Totals, len(v5.Controls))
	}
	if m := control(t, r, compliance.CISv5, "1.1"); m.Status != ControlManual || m.ManualSteps == "" || m.Decided() {
		t.Errorf("manual control: %+v", m)
	}
	// A framework the catalogue lacks lists the controls rules name, with a
	// title from a reference described "ID: title".
	wa := control(t, r, "aws-well-architected-security", "SEC02-BP01")
	if wa.Title != "Use strong sign-in mechanisms" || strings.Join(wa.Rules, ",") != "R1,R2" {
		t.Errorf("well-architected control: %+v", wa)
	}
	r = complianceReport(rules, nil, nil)
	r.Framework = "orgaudit-practices"
	if got := r.Compliance(); len(got) != 1 || got[0].ID != "orgaudit-practices" || got[0].HasTitles() {
		t.Errorf("--framework orgaudit-practices: %+v", got)
	}
}
