package drift

import (
	"fmt"
	"strings"
)

// SummaryLine counts the changes per kind, most important kinds first.
func (r *Result) SummaryLine() string {
	if len(r.Changes) == 0 {
		return "no changes"
	}
	counts := r.Counts()
	var parts []string
	for _, k := range Kinds {
		if n := counts[k]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, k))
		}
	}
	return fmt.Sprintf("%d changes: %s", len(r.Changes), strings.Join(parts, ", "))
}
