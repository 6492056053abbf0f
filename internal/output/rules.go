package output

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/orgaudit/orgaudit/internal/engine"
)

// rulesCellWidth bounds the cells of the rules table in full-width output.
const rulesCellWidth = 60

// writeRulesTable lists rules one per row, then counts them.
func writeRulesTable(w io.Writer, rules []engine.Rule, o Options) error {
	t := NewTable(w, o, rulesCellWidth, []int{2, 3}, "ID", "Severity", "Title", "Frameworks", "Source")
	for _, r := range rules {
		var fw []string
		for name, controls := range r.Frameworks {
			fw = append(fw, name+" "+strings.Join(controls, ","))
		}
		t.Row(r.ID, strings.ToUpper(r.Severity.String()), r.Title, strings.Join(slices.Sorted(slices.Values(fw)), "; "), r.Source)
	}
	if err := t.Render(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "%d rules\n", len(rules))
	return err
}
