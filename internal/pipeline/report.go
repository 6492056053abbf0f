package pipeline

import (
	"fmt"
	"slices"
	"strings"

	"github.com/orgaudit/orgaudit/internal/compliance"
	"github.com/orgaudit/orgaudit/internal/engine"
	"github.com/orgaudit/orgaudit/internal/output"
	"github.com/orgaudit/orgaudit/internal/suggest"
)

// Frameworks are the frameworks a compliance summary of these rules can
// be limited to: every framework the rules map to and the catalogue's.
func Frameworks(rules []engine.Rule) []string {
	ids := output.ComplianceFrameworks(rules)
	for _, id := range compliance.IDs() {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids
}

// CheckFramework checks that id is a framework of the compiled rules or
// of the catalogue (with a "did you mean").
func (p *Pipeline) CheckFramework(id string) error {
	ids := Frameworks(p.rules.Rules())
	if slices.Contains(ids, id) {
		return nil
	}
	return fmt.Errorf("unknown framework %q (valid: %s)%s", id, strings.Join(ids, ", "), suggest.Hint(id, ids))
}

// RunInfo says what the pipeline evaluated with, for report headers: its
// configuration file and its directories of user rules.
func (p *Pipeline) RunInfo() output.RunInfo {
	var info output.RunInfo
	if p.opts.Config != nil {
		info.Config = p.opts.Config.Path
	}
	for _, s := range p.opts.Sources {
		if s.Name != engine.BuiltinSource().Name {
			info.RuleDirs = append(info.RuleDirs, s.Name)
		}
	}
	return info
}

// omitted are the ids of the rules whose findings the selection leaves
// out of the report although they ran (below MinSeverity, or of a
// severity outside Severities).
func (s Selection) omitted(rules []engine.Rule) []string {
	var out []string
	for _, r := range rules {
		if r.Severity < s.MinSeverity || s.Severities != nil && !s.Severities[r.Severity] {
			out = append(out, r.ID)
		}
	}
	return out
}
