// Package output renders what orgaudit commands produce (check reports,
// paths, drift, handover checklists, rule lists, version information,
// simulated requests, Terraform plans) in every output format, and writes
// it to standard output or to files.
//
// One registry (formats, in registry.go) lists every format; a Format
// holds one writer per kind of data it can render. A Kind names one kind
// of data (Check, Paths, Drift, Handover, Rules, Version, Simulate, Plan):
// its formats are the registered formats that have a writer for it, so
// adding a format to every command is one entry in the registry. Every
// writer is deterministic: the same data gives the same bytes.
package output

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/orgaudit/orgaudit/internal/drift"
	"github.com/orgaudit/orgaudit/internal/graph"
	"github.com/orgaudit/orgaudit/internal/handover"
	"github.com/orgaudit/orgaudit/internal/plan"
	"github.com/orgaudit/orgaudit/internal/suggest"
	"github.com/orgaudit/orgaudit/internal/version"
)

// Options say how a destination shows text.
type Options struct {
	// Width is the terminal's width in columns: tables fit it, wrapping
	// long cells and shortening ARNs. 0 (a file or a pipe) keeps the full
	// width.
	Width int
	// Color lets text formats use ANSI colors (a terminal, no NO_COLOR).
	Color bool
}

// WriteFunc renders one kind of data in one format.
type WriteFunc[T any] func(w io.Writer, v T, o Options) error

// Format is one output format with a writer for each kind of data it can
// render; nil means the format does not apply to that kind.
type Format struct {
	// Name is the --format value.
	Name string
	// Description is a short phrase for help texts.
	Description string

	Check    WriteFunc[*CheckReport]
	Paths    WriteFunc[*graph.Report]
	Drift    WriteFunc[*drift.Result]
	Handover WriteFunc[*handover.Checklist]
	Rules    WriteFunc[*RuleList]
	Version  WriteFunc[version.Info]
	Simulate WriteFunc[*Simulation]
	Plan     WriteFunc[*plan.Report]
}

// Kind is one kind of data a command renders, typed by the value its
// writers take.
type Kind[T any] struct {
	name   string
	writer func(*Format) WriteFunc[T]
}

// The kinds of data orgaudit renders.
var (
	// Check is a check report (check, scan).
	Check = Kind[*CheckReport]{"check", func(f *Format) WriteFunc[*CheckReport] { return f.Check }}
	// Paths is the answer of paths.
	Paths = Kind[*graph.Report]{"paths", func(f *Format) WriteFunc[*graph.Report] { return f.Paths }}
	// Drift is the comparison of two snapshots (diff).
	Drift = Kind[*drift.Result]{"diff", func(f *Format) WriteFunc[*drift.Result] { return f.Drift }}
	// Handover is a handover checklist.
	Handover = Kind[*handover.Checklist]{"handover", func(f *Format) WriteFunc[*handover.Checklist] { return f.Handover }}
	// Rules is the list of rules, or of a framework's controls (rules list).
	Rules = Kind[*RuleList]{"rules list", func(f *Format) WriteFunc[*RuleList] { return f.Rules }}
	// Version is the build information (version).
	Version = Kind[version.Info]{"version", func(f *Format) WriteFunc[version.Info] { return f.Version }}
	// Simulate is the decision on one request (simulate).
	Simulate = Kind[*Simulation]{"simulate", func(f *Format) WriteFunc[*Simulation] { return f.Simulate }}
	// Plan is what a Terraform plan does to the organization (plan).
	Plan = Kind[*plan.Report]{"plan", func(f *Format) WriteFunc[*plan.Report] { return f.Plan }}
)

// Name is the command that renders this kind ("check", "paths", ...).
func (k Kind[T]) Name() string { return k.name }

// Formats lists the names of the formats of this kind, in registry order
// (the default first).
func (k Kind[T]) Formats() []string {
	var out []string
	for i := range formats {
		if k.writer(&formats[i]) != nil {
			out = append(out, formats[i].Name)
		}
	}
	return out
}

// Describe lists the formats of this kind with their descriptions, one per
// line, for long help texts.
func (k Kind[T]) Describe() string {
	var b strings.Builder
	for i := range formats {
		if k.writer(&formats[i]) != nil {
			fmt.Fprintf(&b, "  %-9s %s\n", formats[i].Name, formats[i].Description)
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// Validate returns an *UnknownFormatError when name is not a format of
// this kind.
func (k Kind[T]) Validate(name string) error {
	_, err := k.lookup(name)
	return err
}

func (k Kind[T]) lookup(name string) (WriteFunc[T], error) {
	for i := range formats {
		if formats[i].Name == name {
			if fn := k.writer(&formats[i]); fn != nil {
				return fn, nil
			}
		}
	}
	return nil, &UnknownFormatError{Format: name, Command: k.name, Valid: k.Formats()}
}

// Write renders v in the named format.
func (k Kind[T]) Write(w io.Writer, format string, v T, o Options) error {
	fn, err := k.lookup(format)
	if err != nil {
		return err
	}
	return fn(w, v, o)
}

// UnknownFormatError is the one error for a format name a command does
// not have.
type UnknownFormatError struct {
	Format  string
	Command string
	Valid   []string
}

func (e *UnknownFormatError) Error() string {
	msg := fmt.Sprintf("unknown format %q for %s (valid: %s)", e.Format, e.Command, strings.Join(e.Valid, ", "))
	if s := suggest.Closest(e.Format, e.Valid); s != "" {
		msg += "; did you mean " + s + "?"
	} else if slices.ContainsFunc(formats, func(f Format) bool { return f.Name == e.Format }) {
		msg += "; " + e.Format + " is a format of other commands"
	}
	return msg
}
