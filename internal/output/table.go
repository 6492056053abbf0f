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
	header, rows := t.header, t.rows
	if t.width > 0 {
		header, rows = t.fit()
		opts = append(opts, tablewriter.WithRowAutoWrap(tw.WrapNone), tablewriter.WithHeaderAutoWrap(tw.WrapNone), tablewriter.WithHeaderAutoFormat(tw.Off))
	} else {
		opts = append(opts, tablewriter.WithRowAutoWrap(tw.WrapNormal), tablewriter.WithRowMaxWidth(t.maxCell))
	}
	tab := tablewriter.NewTable(t.w, opts...)
	tab.Header(anySlice(header)...)
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

// wordCap bounds the width a column claims so as not to break its longest
// word: longer words (ARNs) break anyway.
const wordCap = 20

// fit wraps the cells so that the table fits t.width. Every column first
// gets its floor: its longest word, at most wordCap. The flexible columns
// then share what is left, each up to its natural width (at most
// maxCell); what they leave goes to the other columns the same way.
// Headers wrap like cells.
func (t *Table) fit() ([]string, [][]string) {
	n := len(t.header)
	natural, floor := make([]int, n), make([]int, n)
	measure := func(c int, cell string) {
		for _, line := range strings.Split(cell, "\n") {
			natural[c] = max(natural[c], twwidth.Width(line))
			for _, w := range strings.Fields(line) {
				floor[c] = max(floor[c], min(twwidth.Width(w), wordCap))
			}
		}
	}
	for c, h := range t.header {
		measure(c, h)
	}
	for _, r := range t.rows {
		for c := 0; c < n && c < len(r); c++ {
			measure(c, r[c])
		}
	}
	widths := make([]int, n)
	left := t.width - (3*n + 1) // each column takes " | " of frame, plus one
	for c := range n {
		natural[c] = min(natural[c], t.maxCell)
		widths[c] = min(floor[c], natural[c])
		left -= widths[c]
	}
	var flex, fixed []int
	for c := range n {
		if t.flex[c] {
			flex = append(flex, c)
		} else {
			fixed = append(fixed, c)
		}
	}
	if left < 0 {
		// The floors do not fit: narrow the widest columns, flexible
		// ones first, breaking long words.
		left = shrink(widths, flex, left)
		shrink(widths, fixed, left)
	} else {
		left = grow(widths, natural, flex, left)
		grow(widths, natural, fixed, left)
	}

	header := make([]string, n)
	for c, h := range t.header {
		header[c] = wrap(strings.ToUpper(h), widths[c])
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
	return header, out
}

// minWidth is the narrowest a column gets when the table does not fit.
const minWidth = 8

// shrink narrows the widest of cols, one column of width at a time and
// none below minWidth, until the table fits (left reaches 0), and returns
// what is still missing (negative).
func shrink(widths []int, cols []int, left int) int {
	for left < 0 {
		widest := -1
		for _, c := range cols {
			if widths[c] > minWidth && (widest < 0 || widths[c] > widths[widest]) {
				widest = c
			}
		}
		if widest < 0 {
			return left
		}
		widths[widest]--
		left++
	}
	return left
}

// grow shares left columns of width among cols, evenly, none past its
// natural width, and returns what is left.
func grow(widths, natural []int, cols []int, left int) int {
	for left > 0 {
		var open []int
		for _, c := range cols {
			if widths[c] < natural[c] {
				open = append(open, c)
			}
		}
		if len(open) == 0 {
			return left
		}
		share := max(left/len(open), 1)
		for _, c := range open {
			if left == 0 {
				break
			}
			add := min(share, natural[c]-widths[c], left)
			widths[c] += add
			left -= add
		}
	}
	return left
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
