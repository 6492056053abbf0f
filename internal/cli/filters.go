package cli

import (
	"slices"
	"strings"

	"github.com/orgaudit/orgaudit/internal/drift"
	"github.com/orgaudit/orgaudit/internal/engine"
	"github.com/orgaudit/orgaudit/internal/suggest"
)

// ruleFilter is what --rule, --skip-rule and --severity select.
type ruleFilter struct {
	// disabled are the rule ids --rule and --skip-rule leave out.
	disabled []string
	// severities is the --severity set; nil means every severity.
	severities map[engine.Severity]bool
}

// parseRuleFilter validates --rule, --skip-rule and --severity against
// the loaded rules; an unknown id or severity names the closest one.
func parseRuleFilter(only, skip, severities []string, rules []engine.Rule) (*ruleFilter, error) {
	ids := ruleIDs(rules)
	f := &ruleFilter{}
	check := func(flag string, list []string) (map[string]bool, error) {
		set := map[string]bool{}
		for _, id := range list {
			if id = strings.TrimSpace(id); id == "" {
				continue
			}
			if !slices.Contains(ids, id) {
				return nil, usageErrorf("%s: unknown rule id %q%s; orgaudit rules list shows them", flag, id, suggest.Hint(id, ids))
			}
			set[id] = true
		}
		return set, nil
	}
	keep, err := check("--rule", only)
	if err != nil {
		return nil, err
	}
	drop, err := check("--skip-rule", skip)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		if drop[id] || len(keep) > 0 && !keep[id] {
			f.disabled = append(f.disabled, id)
		}
	}
	for _, s := range severities {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		sev, err := engine.ParseSeverity(s)
		if err != nil {
			return nil, usageErrorf("--severity: %v%s", err, suggest.Hint(s, engine.SeverityNames()))
		}
		if f.severities == nil {
			f.severities = map[engine.Severity]bool{}
		}
		f.severities[sev] = true
	}
	return f, nil
}

// apply keeps the findings whose severity is in the --severity set, and
// the checks not evaluated of rules of such a severity.
func (f *ruleFilter) apply(res *engine.Result) *engine.Result {
	if f.severities == nil {
		return res
	}
	sev := map[string]engine.Severity{}
	for _, r := range res.Rules {
		sev[r.ID] = r.Severity
	}
	out := &engine.Result{Rules: res.Rules, Findings: []engine.Finding{}, NotEvaluated: []engine.NotEvaluated{}}
	for _, fd := range res.Findings {
		if f.severities[fd.Severity] {
			out.Findings = append(out.Findings, fd)
		}
	}
	for _, n := range res.NotEvaluated {
		if f.severities[sev[n.RuleID]] {
			out.NotEvaluated = append(out.NotEvaluated, n)
		}
	}
	return out
}

// severityList renders the severity names for help texts.
func severityList() string { return strings.Join(engine.SeverityNames(), ", ") }

// suggestKind is " (did you mean KIND?)" for the change kind nearest to v.
func suggestKind(v string) string { return suggest.Hint(v, kindNames()) }

// kindNames are the names of the change kinds of diff and plan.
func kindNames() []string { return kindStrings(drift.Kinds) }

// defaultFailKindNames are the change kinds that fail diff and plan by
// default.
func defaultFailKindNames() []string { return kindStrings(drift.DefaultFailKinds) }

func kindStrings(kinds []drift.Kind) []string {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = string(k)
	}
	return names
}
