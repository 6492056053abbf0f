package output

import (
	"fmt"
	"io"
	"strings"

	"github.com/orgaudit/orgaudit/internal/handover"
)

// handoverMarks are the text marks of item statuses.
var handoverMarks = map[handover.Status]string{handover.Open: "[ ]", handover.Unknown: "[?]", handover.Done: "[x]", handover.Note: "[i]"}

// writeHandoverTable renders the checklist as text: one section per
// heading, one marked line per item with its details indented.
func writeHandoverTable(w io.Writer, c *handover.Checklist, _ Options) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Handover checklist for %s (%s)\n", c.AccountName, c.AccountID)
	b.WriteString("[ ] to do   [?] unknown (treat as to do)   [x] done   [i] note\n")
	section := ""
	for _, it := range c.Items {
		if it.Section != section {
			section = it.Section
			fmt.Fprintf(&b, "\n%s\n", section)
		}
		fmt.Fprintf(&b, "  %s %s\n", handoverMarks[it.Status], it.Title)
		for _, d := range it.Details {
			fmt.Fprintf(&b, "        %s\n", d)
		}
	}
	fmt.Fprintf(&b, "\n%s\n", c.Summary())
	_, err := io.WriteString(w, b.String())
	return err
}

// writeHandoverMarkdown renders the checklist as a Markdown task list.
func writeHandoverMarkdown(w io.Writer, c *handover.Checklist, _ Options) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## Handover checklist: %s (`%s`)\n\n**%s.**\n", c.AccountName, c.AccountID, c.Summary())
	md := map[handover.Status]string{handover.Open: "- [ ]", handover.Unknown: "- [ ] :grey_question:", handover.Done: "- [x]", handover.Note: "- :information_source:"}
	section := ""
	for _, it := range c.Items {
		if it.Section != section {
			section = it.Section
			fmt.Fprintf(&b, "\n### %s\n\n", section)
		}
		fmt.Fprintf(&b, "%s %s\n", md[it.Status], it.Title)
		for _, d := range it.Details {
			fmt.Fprintf(&b, "  - %s\n", strings.ReplaceAll(d, "`", "'"))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
