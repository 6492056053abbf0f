package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/orgaudit/orgaudit/internal/engine"
)

// messageWidth bounds the message column; longer messages wrap.
const messageWidth = 72

func newTable(w io.Writer) *tablewriter.Table {
	return tablewriter.NewTable(w,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{Symbols: tw.NewSymbols(tw.StyleASCII)})),
		tablewriter.WithRowAutoWrap(tw.WrapNormal),
		tablewriter.WithHeaderAutoFormat(tw.On),
		tablewriter.WithRowMaxWidth(messageWidth),
	)
}

// writeTable renders findings as an ASCII table sorted by severity, rule
// and resource, then the findings exceptions suppress (apart: they do not
// count), then what could not be evaluated, then a summary line.
func writeTable(w io.Writer, r *Report) error {
	var open, suppressed []engine.Finding
	for _, f := range r.Result.Findings {
		if f.Suppression != nil {
			suppressed = append(suppressed, f)
		} else {
			open = append(open, f)
		}
	}
	if len(open) == 0 {
		if _, err := fmt.Fprintln(w, "No findings."); err != nil {
			return err
		}
	} else {
		t := newTable(w)
		t.Header("Severity", "Rule", "Account", "Resource", "Message")
		for _, f := range open {
			if err := t.Append(r.severityCell(f.Severity), f.RuleID, r.accountLabel(f.AccountID), f.Resource, f.Message); err != nil {
				return fmt.Errorf("render table: %w", err)
			}
		}
		if err := t.Render(); err != nil {
			return fmt.Errorf("render table: %w", err)
		}
	}
	if len(suppressed) > 0 {
		if _, err := fmt.Fprintln(w, "\nSuppressed by exceptions (accepted, not counted as findings):"); err != nil {
			return err
		}
		t := newTable(w)
		t.Header("Severity", "Rule", "Account", "Resource", "Exception")
		for _, f := range suppressed {
			if err := t.Append(strings.ToLower(f.Severity.String()), f.RuleID, r.accountLabel(f.AccountID), f.Resource, suppressionText(f.Suppression)); err != nil {
				return fmt.Errorf("render table: %w", err)
			}
		}
		if err := t.Render(); err != nil {
			return fmt.Errorf("render table: %w", err)
		}
	}
	if len(r.Result.NotEvaluated) > 0 {
		if _, err := fmt.Fprintln(w, "\nNot evaluated (data missing from the snapshot, or configuration a rule needs; treat as unknown, not as passed):"); err != nil {
			return err
		}
		t := newTable(w)
		t.Header("Rule", "Account", "Missing", "Reason")
		for _, n := range r.Result.NotEvaluated {
			if err := t.Append(n.RuleID, r.accountLabel(n.AccountID), n.Section, n.Reason); err != nil {
				return fmt.Errorf("render table: %w", err)
			}
		}
		if err := t.Render(); err != nil {
			return fmt.Errorf("render table: %w", err)
		}
	}
	_, err := fmt.Fprintln(w, "\n"+r.SummaryLine())
	return err
}

// suppressionText describes an exception: reason, owner, expiry and
// where it is defined.
func suppressionText(s *engine.Suppression) string {
	parts := []string{s.Reason}
	if s.Owner != "" {
		parts = append(parts, "owner "+s.Owner)
	}
	if s.Expires != "" {
		parts = append(parts, "until "+s.Expires)
	}
	if s.Source != "" {
		parts = append(parts, s.Source)
	}
	return strings.Join(parts, "; ")
}

// severityColors are the ANSI colors of severities in a terminal.
var severityColors = map[engine.Severity]string{
	engine.SeverityCritical: "\x1b[1;31m",
	engine.SeverityHigh:     "\x1b[31m",
	engine.SeverityMedium:   "\x1b[33m",
	engine.SeverityLow:      "\x1b[36m",
	engine.SeverityInfo:     "\x1b[2m",
}

func (r *Report) severityCell(s engine.Severity) string {
	name := strings.ToUpper(s.String())
	if !r.Color {
		return name
	}
	return severityColors[s] + name + "\x1b[0m"
}
