package output

import (
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/pkg/twwidth"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// minFlexWidth is the narrowest a wrapped column gets on a terminal.
const minFlexWidth = 12

// Table is the one table builder of every command: an ASCII table whose
// cells wrap. Written to a file or a pipe (Options.Width 0), no cell is
// wider than the table's cell width; on a terminal, the flexible columns
// (long free text: messages, resources, paths) share what the other
// columns leave of the terminal's width, and wrap within it.
type Table struct {
	w       io.Writer
	width   int
	maxCell int
	header  []string
	flex    map[int]bool
	rows    [][]string
}

// NewTable starts a table. maxCell bounds every cell's width in full-width
// output; flex lists the columns (0-based) that wrap to fit a terminal.
func NewTable(w io.Writer, o Options, maxCell int, flex []int, header ...string) *Table {
	t := &Table{w: w, width: o.Width, maxCell: maxCell, header: header, flex: map[int]bool{}}
	for _, c := range flex {
		t.flex[c] = true
	}
	return t
}

// Row adds a row.
func (t *Table) Row(cells ...string) { t.rows = append(t.rows, cells) }

// Render writes the table.
func (t *Table) Render() error {
	opts := []tablewriter.Option{
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{Symbols: tw.NewSymbols(tw.StyleASCII)})),
		tablewriter.WithHeaderAutoFormat(tw.On),
	}
	rows := t.rows
	if t.width > 0 {
		rows = t.fit()
		opts = append(opts, tablewriter.WithRowAutoWrap(tw.WrapNone))
	} else {
		opts = append(opts, tablewriter.WithRowAutoWrap(tw.WrapNormal), tablewriter.WithRowMaxWidth(t.maxCell))
	}
	tab := tablewriter.NewTable(t.w, opts...)
	tab.Header(anySlice(t.header)...)
	for _, r := range rows {
		if err := tab.Append(anySlice(r)...); err != nil {
			return fmt.Errorf("render table: %w", err)
		}
	}
	if err := tab.Render(); err != nil {
		return fmt.Errorf("render table: %w", err)
	}
	return nil
}

func anySlice(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// fit wraps the flexible columns so that the table fits t.width: fixed
// columns keep their natural width (at most maxCell), the flexible ones
// share the rest, a narrow one keeping its natural width.
func (t *Table) fit() [][]string {
	n := len(t.header)
	natural := make([]int, n)
	for c, h := range t.header {
		natural[c] = twwidth.Width(h)
	}
	for _, r := range t.rows {
		for c := 0; c < n && c < len(r); c++ {
			for _, line := range strings.Split(r[c], "\n") {
				natural[c] = max(natural[c], twwidth.Width(line))
			}
		}
	}
	// Each column takes its content plus " | ": 3n+1 characters of frame.
	left := t.width - (3*n + 1)
	var flex []int
	widths := make([]int, n)
	for c := range n {
		if t.flex[c] {
			flex = append(flex, c)
			continue
		}
		widths[c] = min(natural[c], t.maxCell)
		left -= widths[c]
	}
	// Water-fill: columns narrower than an even share keep their width,
	// the others split what remains.
	pending := flex
	for len(pending) > 0 {
		share := max(left/len(pending), minFlexWidth)
		var wide []int
		for _, c := range pending {
			if natural[c] <= share {
				widths[c] = natural[c]
				left -= natural[c]
			} else {
				wide = append(wide, c)
			}
		}
		if len(wide) == len(pending) {
			for i, c := range wide {
				widths[c] = share
				if i < left-share*len(wide) {
					widths[c]++ // spread the remainder
				}
			}
			break
		}
		pending = wide
	}
	out := make([][]string, len(t.rows))
	for i, r := range t.rows {
		row := make([]string, len(r))
		for c, cell := range r {
			if c < n {
				row[c] = wrap(cell, widths[c])
			} else {
				row[c] = cell
			}
		}
		out[i] = row
	}
	return out
}

// wrap breaks text into lines of at most width display columns, at spaces
// where it can, and long words (ARNs, paths) after a '/', ':' or ',' or,
// failing that, anywhere.
func wrap(text string, width int) string {
	if width <= 0 {
		return text
	}
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
			for twwidth.Width(word) > width {
				if line != "" {
					lines = append(lines, line)
					line = ""
				}
				cut := breakAt(word, width)
				lines = append(lines, word[:cut])
				word = word[cut:]
			}
			switch {
			case line == "":
				line = word
			case twwidth.Width(line)+1+twwidth.Width(word) <= width:
				line += " " + word
			default:
				lines = append(lines, line)
				line = word
			}
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// breakAt is where to cut a word wider than width: after the last
// separator that keeps the first part within width, else at width.
func breakAt(word string, width int) int {
	cut := 0
	for i, r := range word {
		if twwidth.Width(word[:i]) >= width {
			break
		}
		cut = i + len(string(r))
	}
	if i := strings.LastIndexAny(word[:cut], "/:,"); i > 0 {
		return i + 1
	}
	return max(cut, 1)
}
