package compliance

import "slices"

// Status is what orgaudit can say of a control with a given set of rules.
type Status string

// Coverage statuses.
const (
	// Covered: at least one rule decides the control.
	Covered Status = "covered"
	// StatusManual: a person checks the control (never passed by orgaudit).
	StatusManual Status = "manual"
	// StatusNotApplicable: orgaudit cannot check the control.
	StatusNotApplicable Status = "not_applicable"
	// NotCovered: the control is automatable but no loaded rule maps to it
	// (its rules are disabled, or the catalogue is ahead of the rules).
	NotCovered Status = "not_covered"
)

// RuleMapping is what Coverage needs of a rule: its id and its framework
// mapping (custom.frameworks).
type RuleMapping struct {
	ID         string
	Frameworks map[string][]string
}

// ControlCoverage is one control of a framework with the rules that decide
// it.
type ControlCoverage struct {
	Control
	Status Status `json:"status"`
	// Rules are the ids of the rules mapped to the control, sorted.
	Rules []string `json:"rules"`
}

// Coverage lists every control of f with its status and the rules of
// rules that map to it.
func Coverage(f Framework, rules []RuleMapping) []ControlCoverage {
	out := make([]ControlCoverage, 0, len(f.Controls))
	for _, c := range f.Controls {
		cc := ControlCoverage{Control: c, Rules: []string{}}
		for _, r := range rules {
			if slices.Contains(r.Frameworks[f.ID], c.ID) {
				cc.Rules = append(cc.Rules, r.ID)
			}
		}
		slices.Sort(cc.Rules)
		switch {
		case c.Kind == Manual:
			cc.Status = StatusManual
		case c.Kind == NotApplicable:
			cc.Status = StatusNotApplicable
		case len(cc.Rules) > 0:
			cc.Status = Covered
		default:
			cc.Status = NotCovered
		}
		out = append(out, cc)
	}
	return out
}

// FrameworkCoverage is a framework with the coverage of each of its
// controls (rules list --framework).
type FrameworkCoverage struct {
	ID       string            `json:"id"`
	Title    string            `json:"title"`
	Scope    string            `json:"scope"`
	Controls []ControlCoverage `json:"controls"`
}

// Cover returns f with the status and rules of each of its controls.
func Cover(f Framework, rules []RuleMapping) FrameworkCoverage {
	return FrameworkCoverage{ID: f.ID, Title: f.Title, Scope: f.Scope, Controls: Coverage(f, rules)}
}
