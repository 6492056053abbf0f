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
// production opened or closed, MFA conditions dropped or added, and ways
// in that no longer need, or now need, a privilege escalation.
var planDoorKinds = []drift.Kind{drift.PathAdded, drift.PathMFALost, drift.PathEscalationDropped, drift.PathRemoved, drift.PathMFAGained, drift.PathEscalationRequired}

// planIncompleteNote says that gaps of the snapshot hide part of what the
// plan changes.
const planIncompleteNote = "Some data could not be read in the snapshot (metadata.gaps): what the plan changes there is listed as unknown, never as added or removed."

// planChanges splits a plan's changes into doors into production, changes
// gaps leave unknown, and the others.
func planChanges(r *plan.Report) (doors, unknown, other []drift.Change) {
	for _, c := range r.Changes {
		switch {
		case slices.Contains(planDoorKinds, c.Kind):
			doors = append(doors, c)
		case c.Kind == drift.Unknown:
			unknown = append(unknown, c)
		default:
			other = append(other, c)
		}
	}
	return doors, unknown, other
}

// writePlanTable renders a plan report as text: the doors into
// production, what gaps leave unknown, the findings added and removed, the
// other changes, what is unknown until apply and what is not modelled,
// then the summary line.
func writePlanTable(w io.Writer, r *plan.Report, o Options) error {
	fmt.Fprintf(w, "Plan %s applied to %s (collected %s)\n", r.Plan, r.Snapshot, r.CollectedAt)
	if r.Incomplete {
		fmt.Fprintln(w, planIncompleteNote)
	}
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
	rows := func(changes []drift.Change) [][]string {
		var out [][]string
		for _, c := range changes {
			out = append(out, []string{string(c.Kind), c.AccountID, c.Summary})
		}
		return out
	}
	doors, unknown, other := planChanges(r)
	if err := section("Doors into production", []int{2}, []string{"Change", "Account", "Path"}, rows(doors)); err != nil {
		return err
	}
	var unknownRows [][]string
	for _, c := range unknown {
		unknownRows = append(unknownRows, []string{string(c.WouldBe), c.AccountID, c.Summary})
	}
	if err := section("Unknown (snapshot gaps)", []int{2}, []string{"Would be", "Account", "What and why"}, unknownRows); err != nil {
		return err
	}
	var findings [][]string
	for _, f := range r.FindingsAdded {
		findings = append(findings, []string{"added", strings.ToUpper(f.Severity), f.RuleID, f.Resource, planFindingMessage(f)})
	}
	for _, f := range r.FindingsRemoved {
		findings = append(findings, []string{"removed", strings.ToUpper(f.Severity), f.RuleID, f.Resource, planFindingMessage(f)})
	}
	if err := section("Findings", []int{3, 4}, []string{"", "Severity", "Rule", "Resource", "Message"}, findings); err != nil {
		return err
	}
	if err := section("Changes", []int{2}, []string{"Kind", "Account", "Change"}, rows(other)); err != nil {
		return err
	}
	var unknowns [][]string
	for _, u := range r.Unknowns {
		unknowns = append(unknowns, []string{u.Address, u.What, u.Treatment})
	}
	if err := section("Unknown until apply", []int{0, 1, 2}, []string{"Resource", "Unknown", "Evaluated as"}, unknowns); err != nil {
		return err
	}
	var notModelled [][]string
	for _, n := range r.NotModelled {
		notModelled = append(notModelled, []string{n.Address, strings.Join(n.Actions, ", ")})
	}
	if err := section("Not modelled (not evaluated)", []int{0}, []string{"Resource", "Actions"}, notModelled); err != nil {
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
// job summary: counts, doors into production, what gaps leave unknown,
// findings, the other changes (collapsed), what is unknown until apply and
// what is not modelled.
func writePlanMarkdown(w io.Writer, r *plan.Report, _ Options) error {
	var b strings.Builder
	b.WriteString("## orgaudit plan\n\n")
	fmt.Fprintf(&b, "Plan `%s` applied to snapshot `%s` (collected %s).\n\n", r.Plan, r.Snapshot, r.CollectedAt)
	if r.Incomplete {
		b.WriteString("**Incomplete.** " + planIncompleteNote + "\n\n")
	}
	fmt.Fprintf(&b, "| | count |\n| --- | ---: |\n| findings added | %d |\n| findings removed | %d |\n", r.Summary.FindingsAdded, r.Summary.FindingsRemoved)
	for _, k := range append(slices.Clone(planDoorKinds), drift.Unknown) {
		fmt.Fprintf(&b, "| `%s` | %d |\n", k, r.Summary.Changes[string(k)])
	}
	fmt.Fprintf(&b, "| resource changes | %d |\n| not modelled | %d |\n| unknown until apply | %d |\n\n", r.Summary.Resources+r.Summary.NotModelled, r.Summary.NotModelled, r.Summary.Unknowns)

	doors, unknown, other := planChanges(r)
	if len(doors) > 0 {
		b.WriteString("### Doors into production\n\n")
		for _, c := range doors {
			fmt.Fprintf(&b, "- **%s** %s\n", c.Kind, mdCell(c.Summary))
		}
		b.WriteString("\n")
	}
	if len(unknown) > 0 {
		b.WriteString("### Unknown (snapshot gaps)\n\n")
		for _, c := range unknown {
			if c.WouldBe != "" {
				fmt.Fprintf(&b, "- `%s`? %s\n", c.WouldBe, mdCell(c.Summary))
			} else {
				fmt.Fprintf(&b, "- %s\n", mdCell(c.Summary))
			}
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
