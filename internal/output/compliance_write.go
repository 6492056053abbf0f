package output

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// complianceCellWidth bounds the cells of the compliance table in
// full-width output.
const complianceCellWidth = 60

// writeCheckCompliance renders the compliance summary for terminals and
// CI logs: per framework, one row per control with its status and the
// accounts that pass, fail, could not be evaluated or have only accepted
// findings, then the controls per status.
func writeCheckCompliance(w io.Writer, r *CheckReport, o Options) error {
	sums := r.Compliance()
	if len(sums) == 0 {
		_, err := io.WriteString(w, "No rule of this report maps to a framework.\n")
		return err
	}
	for i, f := range sums {
		if i > 0 {
			if _, err := io.WriteString(w, "\n"); err != nil {
				return err
			}
		}
		if _, err := fmt.Fprintf(w, "%s\n", frameworkHeading(f)); err != nil {
			return err
		}
		header, flex := []string{"Control", "Title", "Status", "Passed", "Failed", "Not evaluated", "Suppressed", "Rules"}, []int{1, 7}
		if !f.HasTitles() {
			header, flex = slices.Delete(header, 1, 2), []int{6}
		}
		t := NewTable(w, o, complianceCellWidth, flex, header...)
		for _, c := range f.Controls {
			row := []string{c.ID, c.Title, c.Status.Label(), countCell(c, c.Passed), countCell(c, c.Failed), countCell(c, c.NotEvaluated), countCell(c, c.Suppressed), strings.Join(c.Rules, ", ")}
			if !f.HasTitles() {
				row = slices.Delete(row, 1, 2)
			}
			t.Row(row...)
		}
		if err := t.Render(); err != nil {
			return err
		}
		if _, err := fmt.Fprintf(w, "%s\n", complianceTotals(f)); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, "\nCounts are accounts (and the organization, for findings that name no account): a control fails in an account where one of its rules has a finding no exception accepts.\n"+
		"Manual controls are never passed: a person checks them (orgaudit rules list --framework ID --format json gives the steps).\n")
	return err
}

// frameworkHeading names a framework and what its counts count.
func frameworkHeading(f FrameworkSummary) string {
	h := f.Title
	if f.Title != f.ID {
		h += " (" + f.ID + ")"
	}
	if f.Scope != "" {
		h += ", " + f.Scope
	}
	return h + ": " + f.UnitsText()
}

// countCell is a count of a control rules decide, "-" for the others.
func countCell(c ControlSummary, n int) string {
	if !c.Decided() {
		return "-"
	}
	return strconv.Itoa(n)
}

// Decided reports whether rules decide the control, so that its counts
// mean something (not manual, not applicable, not covered).
func (c ControlSummary) Decided() bool {
	switch c.Status {
	case ControlManual, ControlNotApplicable, ControlNotCovered:
		return false
	}
	return true
}

// StatusCount is how many controls of a framework have a status.
type StatusCount struct {
	Status ControlStatus
	N      int
}

// StatusCounts lists the framework's controls per status, in the order of
// ControlStatuses, leaving out statuses no control has.
func (f FrameworkSummary) StatusCounts() []StatusCount {
	var out []StatusCount
	for _, s := range ControlStatuses {
		if n := f.Totals[s]; n > 0 {
			out = append(out, StatusCount{s, n})
		}
	}
	return out
}

// HasTitles reports whether any control of the framework has a title.
func (f FrameworkSummary) HasTitles() bool {
	for _, c := range f.Controls {
		if c.Title != "" {
			return true
		}
	}
	return false
}

// complianceTotals is the line counting a framework's controls per status.
func complianceTotals(f FrameworkSummary) string {
	parts := make([]string, 0, len(ControlStatuses))
	for _, s := range ControlStatuses {
		parts = append(parts, fmt.Sprintf("%d %s", f.Totals[s], s.Label()))
	}
	return fmt.Sprintf("%d %s: %s", len(f.Controls), plural(len(f.Controls), "control", "controls"), strings.Join(parts, ", "))
}

// complianceMarkdown is the compliance section of the Markdown report:
// per framework its totals, and its controls in a collapsed block.
func complianceMarkdown(b *strings.Builder, r *CheckReport) {
	sums := r.Compliance()
	if len(sums) == 0 {
		return
	}
	b.WriteString("### Compliance\n\n")
	for _, f := range sums {
		fmt.Fprintf(b, "**%s.** %s.\n\n", mdCell(frameworkHeading(f)), complianceTotals(f))
		fmt.Fprintf(b, "<details><summary>%d controls of %s</summary>\n\n", len(f.Controls), f.ID)
		b.WriteString("| control | status | passed | failed | not evaluated | suppressed | rules |\n| --- | --- | ---: | ---: | ---: | ---: | --- |\n")
		for _, c := range f.Controls {
			id := c.ID
			if c.Title != "" {
				id += " " + c.Title
			}
			fmt.Fprintf(b, "| %s | %s %s | %s | %s | %s | %s | %s |\n", mdCell(id), controlIcon(c.Status), c.Status.Label(),
				countCell(c, c.Passed), countCell(c, c.Failed), countCell(c, c.NotEvaluated), countCell(c, c.Suppressed), strings.Join(c.Rules, ", "))
		}
		b.WriteString("\n</details>\n\n")
	}
}

func controlIcon(s ControlStatus) string {
	switch s {
	case ControlFailed:
		return ":x:"
	case ControlNotEvaluated:
		return ":grey_question:"
	case ControlSuppressed:
		return ":heavy_minus_sign:"
	case ControlPassed:
		return ":white_check_mark:"
	case ControlManual:
		return ":memo:"
	default:
		return ":white_circle:"
	}
}
