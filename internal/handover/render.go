package handover

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Formats lists the output formats of a checklist.
var Formats = []string{"json", "markdown", "table"}

var marks = map[Status]string{Open: "[ ]", Unknown: "[?]", Done: "[x]", Note: "[i]"}

// Write renders the checklist.
func Write(w io.Writer, format string, c *Checklist) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(c)
	case "markdown":
		return writeMarkdown(w, c)
	case "table":
		return writeText(w, c)
	}
	return fmt.Errorf("unknown format %q (valid: %s)", format, strings.Join(Formats, ", "))
}

// Summary is the checklist's one-line verdict.
func (c *Checklist) Summary() string {
	if c.Open == 0 {
		return fmt.Sprintf("%s (%s) is ready to hand over: nothing left", c.AccountName, c.AccountID)
	}
	return fmt.Sprintf("%s (%s): %d %s left before the handover", c.AccountName, c.AccountID, c.Open, plural(c.Open, "item", "items"))
}

func writeText(w io.Writer, c *Checklist) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Handover checklist for %s (%s)\n", c.AccountName, c.AccountID)
	b.WriteString("[ ] to do   [?] unknown (treat as to do)   [x] done   [i] note\n")
	section := ""
	for _, it := range c.Items {
		if it.Section != section {
			section = it.Section
			fmt.Fprintf(&b, "\n%s\n", section)
		}
		fmt.Fprintf(&b, "  %s %s\n", marks[it.Status], it.Title)
		for _, d := range it.Details {
			fmt.Fprintf(&b, "        %s\n", d)
		}
	}
	fmt.Fprintf(&b, "\n%s\n", c.Summary())
	_, err := io.WriteString(w, b.String())
	return err
}

func writeMarkdown(w io.Writer, c *Checklist) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## Handover checklist: %s (`%s`)\n\n**%s.**\n", c.AccountName, c.AccountID, c.Summary())
	md := map[Status]string{Open: "- [ ]", Unknown: "- [ ] :grey_question:", Done: "- [x]", Note: "- :information_source:"}
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
