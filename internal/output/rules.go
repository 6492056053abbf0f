package output

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/orgaudit/orgaudit/internal/compliance"
	"github.com/orgaudit/orgaudit/internal/engine"
)

// RuleList is what rules list renders: the loaded rules or, with
// --framework, one framework's controls and the rules that decide each.
type RuleList struct {
	Rules []engine.Rule
	// Framework, when set, is rendered instead of Rules.
	Framework *compliance.FrameworkCoverage
}

// rulesCellWidth bounds the cells of the rules table in full-width output.
const rulesCellWidth = 60

// writeRulesTable lists rules one per row, then counts them; or a
// framework's controls one per row, then counts them.
func writeRulesTable(w io.Writer, l *RuleList, o Options) error {
	if l.Framework != nil {
		return writeControlsTable(w, l.Framework, o)
	}
	t := NewTable(w, o, rulesCellWidth, []int{2, 3}, "ID", "Severity", "Title", "Frameworks", "Source")
	for _, r := range l.Rules {
		var fw []string
		for name, controls := range r.Frameworks {
			fw = append(fw, name+" "+strings.Join(controls, ","))
		}
		t.Row(r.ID, strings.ToUpper(r.Severity.String()), r.Title, strings.Join(slices.Sorted(slices.Values(fw)), "; "), r.Source)
	}
	if err := t.Render(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "%d rules\n", len(l.Rules))
	return err
}

// writeControlsTable lists a framework's controls with their status and
// rules.
func writeControlsTable(w io.Writer, f *compliance.FrameworkCoverage, o Options) error {
	t := NewTable(w, o, rulesCellWidth, []int{1, 3}, "Control", "Title", "Status", "Rules")
	for _, c := range f.Controls {
		t.Row(c.ID, c.Title, string(c.Status), strings.Join(c.Rules, ", "))
	}
	if err := t.Render(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "%s, %s: %d controls\n", f.Title, f.Scope, len(f.Controls))
	return err
}

// writeRulesJSON writes the rules as a JSON array, or the framework as a
// JSON object with its controls.
func writeRulesJSON(w io.Writer, l *RuleList, _ Options) error {
	if l.Framework != nil {
		return writeIndentedJSON(w, "json", l.Framework)
	}
	return writeIndentedJSON(w, "json", l.Rules)
}
