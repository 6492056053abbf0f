package output

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/orgaudit/orgaudit/internal/compliance"
	"github.com/orgaudit/orgaudit/internal/engine"
)

// ControlStatus is what a check report says of one control.
type ControlStatus string

// Control statuses of a compliance summary, worst first.
const (
	// ControlFailed: a rule mapped to the control has a finding that no
	// exception accepts, in at least one account.
	ControlFailed ControlStatus = "failed"
	// ControlNotEvaluated: no failure, but a rule mapped to the control
	// could not be evaluated somewhere (a gap, missing configuration).
	ControlNotEvaluated ControlStatus = "not_evaluated"
	// ControlSuppressed: the control's only findings are accepted by
	// exceptions of the configuration.
	ControlSuppressed ControlStatus = "suppressed"
	// ControlPassed: the rules mapped to the control ran in every account
	// and found nothing.
	ControlPassed ControlStatus = "passed"
	// ControlManual: a person checks the control; it is never passed.
	ControlManual ControlStatus = "manual"
	// ControlNotApplicable: orgaudit cannot check the control (Reason).
	ControlNotApplicable ControlStatus = "not_applicable"
	// ControlNotCovered: no rule of this report decides the control (its
	// rules are disabled, left out by --rule or --skip-rule, or their
	// severity is left out by --min-severity or --severity).
	ControlNotCovered ControlStatus = "not_covered"
)

// ControlStatuses lists the statuses in the order summaries show them.
var ControlStatuses = []ControlStatus{ControlFailed, ControlNotEvaluated, ControlSuppressed, ControlPassed, ControlManual, ControlNotApplicable, ControlNotCovered}

// Label is the status as people read it.
func (s ControlStatus) Label() string { return strings.ReplaceAll(string(s), "_", " ") }

// FrameworkSummary is the compliance summary of one framework: every
// control with how many accounts pass, fail, could not be evaluated or
// have only accepted findings.
type FrameworkSummary struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	// Scope says which part of the benchmark the catalogue covers; empty
	// for frameworks known only from the rules' mappings.
	Scope string `json:"scope,omitempty"`
	// Accounts is how many accounts each control is decided for; with
	// Organization, the organization itself is one more (a finding that
	// names no account). The counts of a control add up to Units().
	Accounts     int  `json:"accounts"`
	Organization bool `json:"organization,omitempty"`
	// Totals counts the controls per status (every status present).
	Totals   map[ControlStatus]int `json:"totals"`
	Controls []ControlSummary      `json:"controls"`
}

// ControlSummary is one control of a compliance summary. Passed, Failed,
// NotEvaluated and Suppressed count accounts and add up to the
// framework's Units() for a control rules decide; they are zero for
// manual, not applicable and not covered controls.
type ControlSummary struct {
	ID     string        `json:"id"`
	Title  string        `json:"title,omitempty"`
	Status ControlStatus `json:"status"`
	// Rules are the ids of the rules of this report that decide it.
	Rules        []string `json:"rules"`
	Passed       int      `json:"passed"`
	Failed       int      `json:"failed"`
	NotEvaluated int      `json:"not_evaluated"`
	Suppressed   int      `json:"suppressed"`
	// ManualSteps says how a person checks a manual control.
	ManualSteps string `json:"manual_steps,omitempty"`
	// Reason says why orgaudit cannot check a not applicable control.
	Reason string `json:"reason,omitempty"`
}

// frameworkTitles names the frameworks rules map to that the compliance
// catalogue does not describe.
var frameworkTitles = map[string]string{
	"aws-well-architected-security": "AWS Well-Architected Framework, security pillar",
	"orgaudit-practices":            "orgaudit practices for multi-account access",
}

// Units is what the counts of a decided control add up to: the accounts,
// and the organization when it counts too.
func (f FrameworkSummary) Units() int {
	if f.Organization {
		return f.Accounts + 1
	}
	return f.Accounts
}

// UnitsText names the units: "3 accounts", or "3 accounts and the
// organization".
func (f FrameworkSummary) UnitsText() string {
	out := fmt.Sprintf("%d %s", f.Accounts, plural(f.Accounts, "account", "accounts"))
	if f.Organization {
		out += " and the organization"
	}
	return out
}

// ComplianceFrameworks lists the frameworks the rules map to, catalogued
// ones (in catalogue order) first, then the others sorted: the values
// --framework accepts for a report of these rules.
func ComplianceFrameworks(rules []engine.Rule) []string {
	seen := map[string]bool{}
	for _, r := range rules {
		for fw := range r.Frameworks {
			seen[fw] = true
		}
	}
	var out []string
	for _, id := range compliance.IDs() {
		if seen[id] {
			out = append(out, id)
			delete(seen, id)
		}
	}
	return append(out, slices.Sorted(maps.Keys(seen))...)
}

// Compliance returns the compliance summary of the report: one entry per
// framework its rules map to (only Framework when set). It is computed
// once.
func (r *CheckReport) Compliance() []FrameworkSummary {
	if r.compliance == nil {
		r.compliance = r.complianceSummary()
	}
	return r.compliance
}

// ruleOutcome is where one rule failed, was only suppressed, or could not
// be evaluated, by account id.
type ruleOutcome struct {
	failed, suppressed, notEvaluated map[string]bool
	// notEvaluatedAll: the rule could not be evaluated for the whole
	// organization (missing configuration, a gap without an account).
	notEvaluatedAll bool
}

func (r *CheckReport) complianceSummary() []FrameworkSummary {
	res := r.Result
	omitted := map[string]bool{}
	for _, id := range r.Omitted {
		omitted[id] = true
	}
	var reported []engine.Rule
	for _, rule := range res.Rules {
		if !omitted[rule.ID] {
			reported = append(reported, rule)
		}
	}

	outcomes := map[string]*ruleOutcome{}
	outcome := func(id string) *ruleOutcome {
		o := outcomes[id]
		if o == nil {
			o = &ruleOutcome{failed: map[string]bool{}, suppressed: map[string]bool{}, notEvaluated: map[string]bool{}}
			outcomes[id] = o
		}
		return o
	}
	// The accounts every control is decided for: the snapshot's, and any
	// other a result names.
	units := map[string]bool{}
	for _, a := range r.Snapshot.Snapshot.Accounts {
		units[a.ID] = true
	}
	for _, f := range res.Findings {
		units[f.AccountID] = true
		if f.Suppression != nil {
			outcome(f.RuleID).suppressed[f.AccountID] = true
		} else {
			outcome(f.RuleID).failed[f.AccountID] = true
		}
	}
	for _, n := range res.NotEvaluated {
		if n.AccountID == "" {
			outcome(n.RuleID).notEvaluatedAll = true
			continue
		}
		units[n.AccountID] = true
		outcome(n.RuleID).notEvaluated[n.AccountID] = true
	}
	accounts := slices.Sorted(maps.Keys(units))
	organization := units[""]
	nAccounts := len(accounts)
	if organization {
		nAccounts--
	}

	ids := ComplianceFrameworks(res.Rules)
	if r.Framework != "" {
		ids = []string{r.Framework}
	}
	out := make([]FrameworkSummary, 0, len(ids))
	for _, id := range ids {
		fs := FrameworkSummary{ID: id, Title: frameworkTitles[id], Accounts: nAccounts, Organization: organization, Totals: map[ControlStatus]int{}}
		var controls []compliance.ControlCoverage
		if f, ok := compliance.Lookup(id); ok {
			fs.Title, fs.Scope = f.Title, f.Scope
			controls = compliance.Coverage(f, engine.FrameworkMappings(reported))
		} else {
			controls = uncataloguedCoverage(id, res.Rules, reported)
		}
		if fs.Title == "" {
			fs.Title = id
		}
		for _, s := range ControlStatuses {
			fs.Totals[s] = 0
		}
		for _, c := range controls {
			cs := decideControl(c, accounts, outcomes)
			fs.Totals[cs.Status]++
			fs.Controls = append(fs.Controls, cs)
		}
		out = append(out, fs)
	}
	return out
}

// uncataloguedCoverage lists the controls of a framework the catalogue
// does not describe: every control a rule that ran names, decided by the
// reported rules that name it. A title comes from a rule's reference
// described "CONTROL: title".
func uncataloguedCoverage(id string, ran, reported []engine.Rule) []compliance.ControlCoverage {
	byID := map[string]*compliance.ControlCoverage{}
	for _, rule := range ran {
		for _, c := range rule.Frameworks[id] {
			if byID[c] == nil {
				byID[c] = &compliance.ControlCoverage{Control: compliance.Control{ID: c, Kind: compliance.Automated}, Rules: []string{}}
			}
			for _, d := range rule.ResourceDescriptions {
				if title, ok := strings.CutPrefix(d, c+": "); ok && byID[c].Title == "" {
					byID[c].Title = title
				}
			}
		}
	}
	for _, rule := range reported {
		for _, c := range rule.Frameworks[id] {
			byID[c].Rules = append(byID[c].Rules, rule.ID)
		}
	}
	out := make([]compliance.ControlCoverage, 0, len(byID))
	for _, c := range slices.Sorted(maps.Keys(byID)) {
		cc := *byID[c]
		slices.Sort(cc.Rules)
		cc.Status = compliance.NotCovered
		if len(cc.Rules) > 0 {
			cc.Status = compliance.Covered
		}
		out = append(out, cc)
	}
	return out
}

// decideControl counts, for a control its rules decide, the accounts
// where it fails (a finding no exception accepts), could not be evaluated,
// has only accepted findings, or passes — in that order of precedence, so
// that each account counts once.
func decideControl(c compliance.ControlCoverage, accounts []string, outcomes map[string]*ruleOutcome) ControlSummary {
	cs := ControlSummary{ID: c.ID, Title: c.Title, Rules: c.Rules, ManualSteps: c.ManualSteps, Reason: c.Reason}
	switch c.Status {
	case compliance.StatusManual:
		cs.Status = ControlManual
		return cs
	case compliance.StatusNotApplicable:
		cs.Status = ControlNotApplicable
		return cs
	case compliance.NotCovered:
		cs.Status = ControlNotCovered
		return cs
	}
	var rules []*ruleOutcome
	for _, id := range c.Rules {
		if o := outcomes[id]; o != nil {
			rules = append(rules, o)
		}
	}
	for _, a := range accounts {
		failed, notEvaluated, suppressed := false, false, false
		for _, o := range rules {
			failed = failed || o.failed[a]
			notEvaluated = notEvaluated || o.notEvaluatedAll || o.notEvaluated[a]
			suppressed = suppressed || o.suppressed[a]
		}
		switch {
		case failed:
			cs.Failed++
		case notEvaluated:
			cs.NotEvaluated++
		case suppressed:
			cs.Suppressed++
		default:
			cs.Passed++
		}
	}
	switch {
	case cs.Failed > 0:
		cs.Status = ControlFailed
	case cs.NotEvaluated > 0 || len(accounts) == 0:
		cs.Status = ControlNotEvaluated
	case cs.Suppressed > 0:
		cs.Status = ControlSuppressed
	default:
		cs.Status = ControlPassed
	}
	return cs
}
