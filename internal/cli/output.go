package cli

import (
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/orgaudit/orgaudit/internal/output"
)

// outputFlags are --format, --output and (for report-writing commands)
// the repeatable --report FORMAT[=FILE], all from the output registry.
type outputFlags struct {
	spec    output.Spec
	cmd     *cobra.Command
	Format  string
	Output  string
	Reports []string
}

// addOutputFlags binds --format and --output for a kind of output, and
// --report when reports is set. The format list in the flag's help and its
// completion come from the registry.
func addOutputFlags(cmd *cobra.Command, spec output.Spec, reports bool) *outputFlags {
	o := &outputFlags{spec: spec, cmd: cmd}
	formats := spec.Formats()
	f := cmd.Flags()
	f.StringVarP(&o.Format, "format", "f", formats[0], "output format: "+strings.Join(formats, ", "))
	f.StringVarP(&o.Output, "output", "o", "", "write to this file (mode 0600, replaced atomically) instead of stdout")
	_ = cmd.RegisterFlagCompletionFunc("format", completeValues(formats...))
	if reports {
		f.StringArrayVar(&o.Reports, "report", nil, "also write a report: FORMAT=FILE, or FORMAT for stdout (repeatable; FORMAT one of "+strings.Join(formats, ", ")+")")
		_ = cmd.RegisterFlagCompletionFunc("report", completeValues(formats...))
	}
	return o
}

// formatsHelp is the paragraph of a long help text that lists a kind's
// formats.
func formatsHelp(spec output.Spec) string {
	return "Formats:\n" + spec.Describe()
}

// destinations are where this run's output goes: --format to --output (or
// stdout), then each --report. With --report, --format and --output count
// only when given explicitly, so that --report alone writes nothing else.
func (o *outputFlags) destinations() ([]output.Destination, error) {
	var dests []output.Destination
	explicit := o.cmd.Flags().Changed("format") || o.cmd.Flags().Changed("output")
	if len(o.Reports) == 0 || explicit {
		dests = append(dests, output.Destination{Format: o.Format, Path: o.Output})
	}
	for _, r := range o.Reports {
		dests = append(dests, output.ParseReport(r))
	}
	if err := o.spec.CheckDestinations(dests); err != nil {
		return nil, usageError(err)
	}
	return dests, nil
}

// files lists the files among the destinations.
func files(dests []output.Destination) []string {
	var out []string
	for _, d := range dests {
		if !d.Stdout() {
			out = append(out, d.Path)
		}
	}
	return out
}

// toStdout reports whether one of the destinations is stdout.
func toStdout(dests []output.Destination) bool {
	for _, d := range dests {
		if d.Stdout() {
			return true
		}
	}
	return false
}

// terminalWidth is the width of w in columns when w is a terminal, else 0
// (full width). A variable, so that tests can pretend.
var terminalWidth = func(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return 0
	}
	width, _, err := term.GetSize(int(f.Fd()))
	if err != nil || width <= 0 {
		return 0
	}
	return width
}

// stdoutOptions are the output options of stdout: its terminal width, and
// colors on a terminal unless disabled.
func (a *App) stdoutOptions() output.Options {
	width := terminalWidth(a.Out)
	return output.Options{Width: width, Color: !a.NoColor && width > 0}
}

// writeTo renders v for a kind to each destination.
func writeTo[T any](app *App, kind output.Kind[T], dests []output.Destination, v T) error {
	return usageError(kind.WriteAll(app.Out, app.stdoutOptions(), dests, v))
}
