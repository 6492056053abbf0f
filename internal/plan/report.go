package plan

import (
	"slices"
	"strings"

	"github.com/orgaudit/orgaudit/internal/drift"
	"github.com/orgaudit/orgaudit/internal/engine"
)

// ReportVersion is the version of the JSON shape of a plan report.
const ReportVersion = "1"

// Report is what a plan does to the organization.
type Report struct {
	ReportVersion    string  `json:"report_version"`
	Plan             string  `json:"plan"`
	TerraformVersion string  `json:"terraform_version,omitempty"`
	Snapshot         string  `json:"snapshot"`
	CollectedAt      string  `json:"collected_at"`
	Summary          Summary `json:"summary"`
	// Resources are the modelled resource changes; NotModelled the others.
	Resources   []Resource `json:"resources"`
	NotModelled []Resource `json:"not_modelled"`
	// Unknowns say what the plan could not tell and how it was evaluated.
	Unknowns []Unknown `json:"unknowns"`
	// FindingsAdded are findings of the planned organization that the
	// current one does not have; FindingsRemoved the reverse (matched by
	// fingerprint, as check --baseline matches them).
	FindingsAdded   []Finding `json:"findings_added"`
	FindingsRemoved []Finding `json:"findings_removed"`
	// NotEvaluatedAdded are checks the planned organization cannot
	// evaluate that the current one could.
	NotEvaluatedAdded []engine.NotEvaluated `json:"not_evaluated_added"`
	// Changes are the differences as orgaudit diff reports them, paths
	// into production included.
	Changes       []drift.Change `json:"changes"`
	PathsCompared bool           `json:"paths_compared"`
	// Incomplete is set when gaps of the snapshot hide part of what the
	// plan changes: the changes of kind unknown say what (as diff says).
	Incomplete bool `json:"incomplete"`
}

// Summary counts what the report holds.
type Summary struct {
	Resources       int            `json:"resources"`
	NotModelled     int            `json:"not_modelled"`
	Unknowns        int            `json:"unknowns"`
	FindingsAdded   int            `json:"findings_added"`
	FindingsRemoved int            `json:"findings_removed"`
	Changes         map[string]int `json:"changes"`
}

// Finding is a finding with its rule's title.
type Finding struct {
	RuleID      string `json:"rule_id"`
	Title       string `json:"title"`
	Severity    string `json:"severity"`
	AccountID   string `json:"account_id"`
	Resource    string `json:"resource"`
	Message     string `json:"message"`
	Fingerprint string `json:"fingerprint"`
	// Suppressed is set when a configured exception accepts the finding.
	Suppressed bool `json:"suppressed,omitempty"`
	sev        engine.Severity
}

// NewReport assembles a report from the applied plan, the rule results
// before and after, and the drift between the two snapshots.
func NewReport(planPath, snapPath, collectedAt string, res *Result, before, after *engine.Result, changes *drift.Result) *Report {
	r := &Report{
		ReportVersion: ReportVersion, Plan: planPath, TerraformVersion: res.TerraformVersion, Snapshot: snapPath, CollectedAt: collectedAt,
		Resources: res.Resources, NotModelled: res.NotModelled, Unknowns: res.Unknowns,
		FindingsAdded: []Finding{}, FindingsRemoved: []Finding{}, NotEvaluatedAdded: []engine.NotEvaluated{},
		Changes: changes.Changes, PathsCompared: changes.PathsCompared, Incomplete: changes.Incomplete,
	}
	r.FindingsAdded = missingFrom(after, before)
	r.FindingsRemoved = missingFrom(before, after)
	seen := map[engine.NotEvaluated]bool{}
	for _, n := range before.NotEvaluated {
		seen[n] = true
	}
	for _, n := range after.NotEvaluated {
		if !seen[n] {
			r.NotEvaluatedAdded = append(r.NotEvaluatedAdded, n)
		}
	}
	r.Summary = Summary{Resources: len(r.Resources), NotModelled: len(r.NotModelled), Unknowns: len(r.Unknowns),
		FindingsAdded: len(r.FindingsAdded), FindingsRemoved: len(r.FindingsRemoved), Changes: map[string]int{}}
	for k, n := range changes.Counts() {
		r.Summary.Changes[string(k)] = n
	}
	return r
}

// missingFrom returns the findings of a whose fingerprint b lacks.
func missingFrom(a, b *engine.Result) []Finding {
	in := map[string]bool{}
	for _, f := range b.Findings {
		in[f.Fingerprint] = true
	}
	titles := map[string]string{}
	for _, rule := range a.Rules {
		titles[rule.ID] = rule.Title
	}
	out := []Finding{}
	for _, f := range a.Findings {
		if in[f.Fingerprint] {
			continue
		}
		out = append(out, Finding{RuleID: f.RuleID, Title: titles[f.RuleID], Severity: f.Severity.String(), AccountID: f.AccountID, Resource: f.Resource,
			Message: f.Message, Fingerprint: f.Fingerprint, Suppressed: f.Suppression != nil, sev: f.Severity})
	}
	slices.SortStableFunc(out, func(x, y Finding) int {
		if x.sev != y.sev {
			return int(y.sev - x.sev)
		}
		return strings.Compare(x.RuleID+"\x00"+x.AccountID+"\x00"+x.Resource+"\x00"+x.Message, y.RuleID+"\x00"+y.AccountID+"\x00"+y.Resource+"\x00"+y.Message)
	})
	return out
}

// AddsFindingAtOrAbove reports whether the plan adds a finding that is not
// suppressed at or above s.
func (r *Report) AddsFindingAtOrAbove(s engine.Severity) bool {
	for _, f := range r.FindingsAdded {
		if f.sev >= s && !f.Suppressed {
			return true
		}
	}
	return false
}
