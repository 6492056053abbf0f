package cli

import (
	"fmt"
	"slices"
	"strings"

	"github.com/orgaudit/orgaudit/internal/compliance"
	"github.com/orgaudit/orgaudit/internal/engine"
	"github.com/orgaudit/orgaudit/internal/output"
	"github.com/orgaudit/orgaudit/internal/suggest"
)

// checkFrameworks are the --framework values of check and scan: the
// catalogue's frameworks and every framework the loaded rules map to.
func checkFrameworks(rules []engine.Rule) []string {
	ids := output.ComplianceFrameworks(rules)
	for _, id := range compliance.IDs() {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids
}

// validateFramework checks --framework against the frameworks of the
// loaded rules and the catalogue.
func validateFramework(id string, rules []engine.Rule) error {
	if id == "" {
		return nil
	}
	ids := checkFrameworks(rules)
	if slices.Contains(ids, id) {
		return nil
	}
	return usageErrorf("--framework: unknown framework %q (valid: %s)%s", id, strings.Join(ids, ", "), suggest.Hint(id, ids))
}

// omittedRules are the rules that ran but whose findings --min-severity
// and --severity leave out of the report: the compliance summary must not
// count them as deciding a control.
func (p *preparedCheck) omittedRules(rules []engine.Rule) []string {
	var out []string
	for _, r := range rules {
		if r.Severity < p.minSev || p.filter.severities != nil && !p.filter.severities[r.Severity] {
			out = append(out, r.ID)
		}
	}
	return out
}

// runInfo says how the check ran, for report headers.
func (p *preparedCheck) runInfo() output.RunInfo {
	o := p.opts
	info := output.RunInfo{RuleDirs: o.RuleDirs}
	if p.cfg != nil {
		info.Config = p.cfg.Path
	}
	if o.MinSeverity != "" && !strings.EqualFold(o.MinSeverity, engine.SeverityInfo.String()) {
		info.Filters = append(info.Filters, "--min-severity "+o.MinSeverity)
	}
	for _, f := range []struct {
		flag string
		vals []string
	}{{"--severity", o.Severities}, {"--rule", o.Rules}, {"--skip-rule", o.SkipRules}} {
		if len(f.vals) > 0 {
			info.Filters = append(info.Filters, fmt.Sprintf("%s %s", f.flag, strings.Join(f.vals, ",")))
		}
	}
	if o.Framework != "" {
		info.Filters = append(info.Filters, "--framework "+o.Framework)
	}
	return info
}
