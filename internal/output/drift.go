package output

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/orgaudit/orgaudit/internal/drift"
)

// driftCellWidth bounds the cells of the diff table in full-width output.
const driftCellWidth = 80

// driftIncompleteNote says that gaps left parts of the comparison unknown.
const driftIncompleteNote = "Some data could not be read in one of the snapshots (metadata.gaps): the changes it would show are listed as unknown, never as added or removed."

// writeDriftTable lists the changes, then the statements that differ in
// each changed policy, then the counts.
func writeDriftTable(w io.Writer, r *drift.Result, o Options) error {
	fmt.Fprintf(w, "Changes from %s (%s) to %s (%s)\n", r.Old.Path, r.Old.CollectedAt, r.New.Path, r.New.CollectedAt)
	if !r.PathsCompared {
		fmt.Fprintln(w, "(paths into production not compared)")
	}
	if r.Incomplete {
		fmt.Fprintln(w, driftIncompleteNote)
	}
	if len(r.Changes) > 0 {
		t := NewTable(w, o, driftCellWidth, []int{2, 3}, "Kind", "Account", "Resource", "Change")
		for _, c := range r.Changes {
			t.Row(string(c.Kind), c.AccountID, c.Resource, c.Summary)
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

// writeDriftMarkdown counts the changes per kind, then lists them by kind
// with the policy statements that differ.
func writeDriftMarkdown(w io.Writer, r *drift.Result, _ Options) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## orgaudit diff\n\nFrom `%s` (%s) to `%s` (%s).\n\n", r.Old.Path, r.Old.CollectedAt, r.New.Path, r.New.CollectedAt)
	if r.Incomplete {
		b.WriteString("**Incomplete.** " + driftIncompleteNote + "\n\n")
	}
	if len(r.Changes) == 0 {
		b.WriteString("No changes.\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	counts := r.Counts()
	b.WriteString("| change | count |\n| --- | ---: |\n")
	kinds := make([]drift.Kind, 0, len(counts))
	for _, k := range drift.Kinds {
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
	byKind := map[drift.Kind][]drift.Change{}
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
