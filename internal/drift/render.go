package drift

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// Formats lists the output formats of a comparison.
var Formats = []string{"json", "markdown", "table"}

// Write renders the result in the named format.
func Write(w io.Writer, format string, r *Result) error {
	switch format {
	case "table":
		return writeTable(w, r)
	case "json":
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	case "markdown":
		return writeMarkdown(w, r)
	}
	return fmt.Errorf("unknown format %q (valid: %s)", format, strings.Join(Formats, ", "))
}

// incompleteNote says that gaps left parts of the comparison unknown.
const incompleteNote = "Some data could not be read in one of the snapshots (metadata.gaps): the changes it would show are listed as unknown, never as added or removed."

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

func writeTable(w io.Writer, r *Result) error {
	fmt.Fprintf(w, "Changes from %s (%s) to %s (%s)\n", r.Old.Path, r.Old.CollectedAt, r.New.Path, r.New.CollectedAt)
	if !r.PathsCompared {
		fmt.Fprintln(w, "(paths into production not compared)")
	}
	if r.Incomplete {
		fmt.Fprintln(w, incompleteNote)
	}
	if len(r.Changes) > 0 {
		t := tablewriter.NewTable(w,
			tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{Symbols: tw.NewSymbols(tw.StyleASCII)})),
			tablewriter.WithRowAutoWrap(tw.WrapNormal),
			tablewriter.WithRowMaxWidth(80),
		)
		t.Header("Kind", "Account", "Resource", "Change")
		for _, c := range r.Changes {
			if err := t.Append(string(c.Kind), c.AccountID, c.Resource, c.Summary); err != nil {
				return err
			}
		}
		if err := t.Render(); err != nil {
			return err
		}
		for _, c := range r.Changes {
			d := c.PolicyDiff
			if d == nil {
				continue
			}
			fmt.Fprintf(w, "\n%s %s\n", c.Kind, c.Resource)
			for _, s := range d.Removed {
				fmt.Fprintf(w, "  - %s\n", s)
			}
			for _, s := range d.Added {
				fmt.Fprintf(w, "  + %s\n", s)
			}
		}
		fmt.Fprintln(w)
	}
	_, err := fmt.Fprintln(w, r.SummaryLine())
	return err
}

func writeMarkdown(w io.Writer, r *Result) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## orgaudit diff\n\nFrom `%s` (%s) to `%s` (%s).\n\n", r.Old.Path, r.Old.CollectedAt, r.New.Path, r.New.CollectedAt)
	if r.Incomplete {
		b.WriteString("**Incomplete.** " + incompleteNote + "\n\n")
	}
	if len(r.Changes) == 0 {
		b.WriteString("No changes.\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	counts := r.Counts()
	b.WriteString("| change | count |\n| --- | ---: |\n")
	kinds := make([]Kind, 0, len(counts))
	for _, k := range Kinds {
		if counts[k] > 0 {
			kinds = append(kinds, k)
		}
	}
	for _, k := range kinds {
		fmt.Fprintf(&b, "| `%s` | %d |\n", k, counts[k])
	}
	if !r.PathsCompared {
		b.WriteString("\nPaths into production were not compared.\n")
	}
	byKind := map[Kind][]Change{}
	for _, c := range r.Changes {
		byKind[c.Kind] = append(byKind[c.Kind], c)
	}
	for _, k := range kinds {
		fmt.Fprintf(&b, "\n### `%s`\n\n", k)
		list := byKind[k]
		sort.SliceStable(list, func(i, j int) bool { return list[i].Resource < list[j].Resource })
		for _, c := range list {
			fmt.Fprintf(&b, "- %s (`%s`)\n", c.Summary, c.Resource)
			if d := c.PolicyDiff; d != nil {
				b.WriteString("  ```diff\n")
				for _, s := range d.Removed {
					b.WriteString("  - " + s + "\n")
				}
				for _, s := range d.Added {
					b.WriteString("  + " + s + "\n")
				}
				b.WriteString("  ```\n")
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
