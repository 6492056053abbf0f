package output

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/orgaudit/orgaudit/internal/drift"
	"github.com/orgaudit/orgaudit/internal/plan"
)

// planCellWidth bounds the cells of the plan tables in full-width output.
const planCellWidth = 80

// planDoorKinds are the changes a plan report lists first: doors into
// production opened or closed, and MFA conditions dropped or added.
var planDoorKinds = []drift.Kind{drift.PathAdded, drift.PathMFALost, drift.PathRemoved, drift.PathMFAGained}

// writePlanTable renders a plan report as text: the doors into
// production, the findings added and removed, the other changes, what is
// unknown until apply and what is not modelled, then the summary line.
func writePlanTable(w io.Writer, r *plan.Report, o Options) error {
	fmt.Fprintf(w, "Plan %s applied to %s (collected %s)\n", r.Plan, r.Snapshot, r.CollectedAt)
	section := func(title string, flex []int, header []string, rows [][]string) error {
		if len(rows) == 0 {
			return nil
		}
		fmt.Fprintf(w, "\n%s\n", title)
		t := NewTable(w, o, planCellWidth, flex, header...)
		for _, row := range rows {
			t.Row(row...)
		}
		return t.Render()
	}
	var doors, other [][]string
	for _, c := range r.Changes {
		row := []string{string(c.Kind), c.AccountID, c.Summary}
		if slices.Contains(planDoorKinds, c.Kind) {
			doors = append(doors, row)
		} else {
			other = append(other, row)
		}
	}
	if err := section("Doors into production", []int{2}, []string{"Change", "Account", "Path"}, doors); err != nil {
		return err
	}
	var rows [][]string
	for _, f := range r.FindingsAdded {
		rows = append(rows, []string{"added", strings.ToUpper(f.Severity), f.RuleID, f.Resource, planFindingMessage(f)})
	}
	for _, f := range r.FindingsRemoved {
		rows = append(rows, []string{"removed", strings.ToUpper(f.Severity), f.RuleID, f.Resource, planFindingMessage(f)})
	}
	if err := section("Findings", []int{3, 4}, []string{"", "Severity", "Rule", "Resource", "Message"}, rows); err != nil {
		return err
	}
	if err := section("Changes", []int{2}, []string{"Kind", "Account", "Change"}, other); err != nil {
		return err
	}
	rows = nil
	for _, u := range r.Unknowns {
		rows = append(rows, []string{u.Address, u.What, u.Treatment})
	}
	if err := section("Unknown until apply", []int{0, 1, 2}, []string{"Resource", "Unknown", "Evaluated as"}, rows); err != nil {
		return err
	}
	rows = nil
	for _, n := range r.NotModelled {
		rows = append(rows, []string{n.Address, strings.Join(n.Actions, ", ")})
	}
	if err := section("Not modelled (not evaluated)", []int{0}, []string{"Resource", "Actions"}, rows); err != nil {
		return err
	}
	if len(r.NotEvaluatedAdded) > 0 {
		fmt.Fprintf(w, "\n%d checks cannot be evaluated on the planned organization (data known only after apply).\n", len(r.NotEvaluatedAdded))
	}
	_, err := fmt.Fprintf(w, "\n%s\n", r.SummaryLine())
	return err
}

// planFindingMessage is a finding's message, marked when an exception
// accepts it.
func planFindingMessage(f plan.Finding) string {
	if f.Suppressed {
		return f.Message + " (suppressed by an exception)"
	}
	return f.Message
}

// writePlanMarkdown renders a plan report for a pull-request comment or a
// job summary: counts, doors into production, findings, the other changes
// (collapsed), unknowns and what is not modelled.
func writePlanMarkdown(w io.Writer, r *plan.Report, _ Options) error {
	var b strings.Builder
	b.WriteString("## orgaudit plan\n\n")
	fmt.Fprintf(&b, "Plan `%s` applied to snapshot `%s` (collected %s).\n\n", r.Plan, r.Snapshot, r.CollectedAt)
	fmt.Fprintf(&b, "| | count |\n| --- | ---: |\n| findings added | %d |\n| findings removed | %d |\n", r.Summary.FindingsAdded, r.Summary.FindingsRemoved)
	for _, k := range planDoorKinds {
		fmt.Fprintf(&b, "| `%s` | %d |\n", k, r.Summary.Changes[string(k)])
	}
	fmt.Fprintf(&b, "| resource changes | %d |\n| not modelled | %d |\n| unknown until apply | %d |\n\n", r.Summary.Resources+r.Summary.NotModelled, r.Summary.NotModelled, r.Summary.Unknowns)

	var doors, other []drift.Change
	for _, c := range r.Changes {
		if slices.Contains(planDoorKinds, c.Kind) {
			doors = append(doors, c)
		} else {
			other = append(other, c)
		}
	}
	if len(doors) > 0 {
		b.WriteString("### Doors into production\n\n")
		for _, c := range doors {
			fmt.Fprintf(&b, "- **%s** %s\n", c.Kind, mdCell(c.Summary))
		}
		b.WriteString("\n")
	}
	if len(r.FindingsAdded)+len(r.FindingsRemoved) > 0 {
		b.WriteString("### Findings\n\n| | severity | rule | resource | finding |\n| --- | --- | --- | --- | --- |\n")
		for _, f := range r.FindingsAdded {
			fmt.Fprintf(&b, "| **added** | %s | %s | `%s` | %s |\n", f.Severity, f.RuleID, mdCode(f.Resource), mdCell(planFindingMessage(f)))
		}
		for _, f := range r.FindingsRemoved {
			fmt.Fprintf(&b, "| removed | %s | %s | `%s` | %s |\n", f.Severity, f.RuleID, mdCode(f.Resource), mdCell(planFindingMessage(f)))
		}
		b.WriteString("\n")
	}
	if len(other) > 0 {
		fmt.Fprintf(&b, "<details><summary>%d %s to the organization</summary>\n\n", len(other), plural(len(other), "change", "changes"))
		for _, c := range other {
			fmt.Fprintf(&b, "- `%s` %s\n", c.Kind, mdCell(c.Summary))
		}
		b.WriteString("\n</details>\n\n")
	}
	if len(r.Unknowns) > 0 {
		b.WriteString("### Unknown until apply\n\n| resource | unknown | evaluated as |\n| --- | --- | --- |\n")
		for _, u := range r.Unknowns {
			fmt.Fprintf(&b, "| `%s` | %s | %s |\n", mdCode(u.Address), mdCell(u.What), mdCell(u.Treatment))
		}
		b.WriteString("\n")
	}
	if len(r.NotModelled) > 0 {
		b.WriteString("### Not modelled\n\nThese changes are not evaluated by orgaudit; review them by hand.\n\n")
		for _, n := range r.NotModelled {
			fmt.Fprintf(&b, "- `%s` (%s)\n", n.Address, strings.Join(n.Actions, ", "))
		}
		b.WriteString("\n")
	}
	if len(r.NotEvaluatedAdded) > 0 {
		fmt.Fprintf(&b, "%d checks cannot be evaluated on the planned organization (data known only after apply).\n\n", len(r.NotEvaluatedAdded))
	}
	b.WriteString(r.SummaryLine() + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}
