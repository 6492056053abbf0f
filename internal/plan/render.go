package plan

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/orgaudit/orgaudit/internal/drift"
)

// Formats lists the output formats of a plan report.
var Formats = []string{"json", "markdown", "table"}

// Write renders the report in the named format.
func Write(w io.Writer, format string, r *Report) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	case "markdown":
		_, err := io.WriteString(w, r.markdown())
		return err
	case "table":
		return r.table(w)
	}
	return fmt.Errorf("unknown format %q (valid: %s)", format, strings.Join(Formats, ", "))
}

// SummaryLine is the one-line summary of the text formats.
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

// doorKinds are the changes the report lists first: doors into production
// opened or closed, and MFA conditions dropped or added.
var doorKinds = []drift.Kind{drift.PathAdded, drift.PathMFALost, drift.PathRemoved, drift.PathMFAGained}

func newTable(w io.Writer) *tablewriter.Table {
	return tablewriter.NewTable(w,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{Symbols: tw.NewSymbols(tw.StyleASCII)})),
		tablewriter.WithRowAutoWrap(tw.WrapNormal),
		tablewriter.WithRowMaxWidth(80),
	)
}

func (r *Report) table(w io.Writer) error {
	fmt.Fprintf(w, "Plan %s applied to %s (collected %s)\n", r.Plan, r.Snapshot, r.CollectedAt)
	section := func(title string, header []string, rows [][]string) error {
		if len(rows) == 0 {
			return nil
		}
		fmt.Fprintf(w, "\n%s\n", title)
		t := newTable(w)
		t.Header(header)
		for _, row := range rows {
			if err := t.Append(row); err != nil {
				return err
			}
		}
		return t.Render()
	}
	var rows [][]string
	for _, c := range r.Changes {
		if slices.Contains(doorKinds, c.Kind) {
			rows = append(rows, []string{string(c.Kind), c.AccountID, c.Summary})
		}
	}
	if err := section("Doors into production", []string{"Change", "Account", "Path"}, rows); err != nil {
		return err
	}
	rows = nil
	for _, f := range r.FindingsAdded {
		rows = append(rows, []string{"added", strings.ToUpper(f.Severity), f.RuleID, f.Resource, suppressed(f)})
	}
	for _, f := range r.FindingsRemoved {
		rows = append(rows, []string{"removed", strings.ToUpper(f.Severity), f.RuleID, f.Resource, suppressed(f)})
	}
	if err := section("Findings", []string{"", "Severity", "Rule", "Resource", "Message"}, rows); err != nil {
		return err
	}
	rows = nil
	for _, c := range r.Changes {
		if !slices.Contains(doorKinds, c.Kind) {
			rows = append(rows, []string{string(c.Kind), c.AccountID, c.Summary})
		}
	}
	if err := section("Changes", []string{"Kind", "Account", "Change"}, rows); err != nil {
		return err
	}
	rows = nil
	for _, u := range r.Unknowns {
		rows = append(rows, []string{u.Address, u.What, u.Treatment})
	}
	if err := section("Unknown until apply", []string{"Resource", "Unknown", "Evaluated as"}, rows); err != nil {
		return err
	}
	rows = nil
	for _, n := range r.NotModelled {
		rows = append(rows, []string{n.Address, strings.Join(n.Actions, ", ")})
	}
	if err := section("Not modelled (not evaluated)", []string{"Resource", "Actions"}, rows); err != nil {
		return err
	}
	if len(r.NotEvaluatedAdded) > 0 {
		fmt.Fprintf(w, "\n%d checks cannot be evaluated on the planned organization (data known only after apply).\n", len(r.NotEvaluatedAdded))
	}
	_, err := fmt.Fprintf(w, "\n%s\n", r.SummaryLine())
	return err
}

func suppressed(f Finding) string {
	if f.Suppressed {
		return f.Message + " (suppressed by an exception)"
	}
	return f.Message
}

func mdCell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ")
}

func (r *Report) markdown() string {
	var b strings.Builder
	b.WriteString("## orgaudit plan\n\n")
	fmt.Fprintf(&b, "Plan `%s` applied to snapshot `%s` (collected %s).\n\n", r.Plan, r.Snapshot, r.CollectedAt)
	fmt.Fprintf(&b, "| | count |\n| --- | ---: |\n| findings added | %d |\n| findings removed | %d |\n", r.Summary.FindingsAdded, r.Summary.FindingsRemoved)
	for _, k := range doorKinds {
		fmt.Fprintf(&b, "| `%s` | %d |\n", k, r.Summary.Changes[string(k)])
	}
	fmt.Fprintf(&b, "| resource changes | %d |\n| not modelled | %d |\n| unknown until apply | %d |\n\n", r.Summary.Resources+r.Summary.NotModelled, r.Summary.NotModelled, r.Summary.Unknowns)

	var doors []drift.Change
	for _, c := range r.Changes {
		if slices.Contains(doorKinds, c.Kind) {
			doors = append(doors, c)
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
			fmt.Fprintf(&b, "| **added** | %s | %s | `%s` | %s |\n", f.Severity, f.RuleID, mdCell(f.Resource), mdCell(suppressed(f)))
		}
		for _, f := range r.FindingsRemoved {
			fmt.Fprintf(&b, "| removed | %s | %s | `%s` | %s |\n", f.Severity, f.RuleID, mdCell(f.Resource), mdCell(suppressed(f)))
		}
		b.WriteString("\n")
	}
	var other []drift.Change
	for _, c := range r.Changes {
		if !slices.Contains(doorKinds, c.Kind) {
			other = append(other, c)
		}
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
			fmt.Fprintf(&b, "| `%s` | %s | %s |\n", u.Address, mdCell(u.What), mdCell(u.Treatment))
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
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
