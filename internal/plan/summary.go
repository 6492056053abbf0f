package plan

import (
	"fmt"
	"strings"

	"github.com/orgaudit/orgaudit/internal/drift"
)

// SummaryLine is the one-line summary of a plan report (the text formats
// end with it; without a report on stdout it is logged).
func (r *Report) SummaryLine() string {
	return fmt.Sprintf("%d resource changes (%d not modelled, %d unknowns): %d findings added, %d removed; %s",
		r.Summary.Resources+r.Summary.NotModelled, r.Summary.NotModelled, r.Summary.Unknowns, r.Summary.FindingsAdded, r.Summary.FindingsRemoved, r.changesLine())
}

func (r *Report) changesLine() string {
	if len(r.Changes) == 0 {
		return "no changes to the organization's access"
	}
	counts := map[drift.Kind]int{}
	for _, c := range r.Changes {
		counts[c.Kind]++
	}
	var parts []string
	for _, k := range drift.Kinds {
		if counts[k] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[k], k))
		}
	}
	return strings.Join(parts, ", ")
}
