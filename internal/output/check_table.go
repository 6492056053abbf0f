package output

import (
	"fmt"
	"io"
	"strings"

	"github.com/orgaudit/orgaudit/internal/engine"
)

// messageWidth bounds the cells of the check tables in full-width output;
// longer text wraps.
const messageWidth = 72

// writeTable renders findings as an ASCII table sorted by severity, rule
// and resource, then the findings exceptions suppress (apart: they do not
// count), then what could not be evaluated, then a summary line. On a
// terminal the resource and message columns wrap to fit its width, an ARN
// in the account of its row is shortened to its resource part (role/name),
// and the message does not repeat the row's account.
func writeCheckTable(w io.Writer, r *CheckReport, o Options) error {
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
		var t *Table
		if o.Width > 0 {
			// On a terminal, severity and rule share a column.
			t = NewTable(w, o, messageWidth, []int{2, 3}, "Severity Rule", "Account", "Resource", "Message")
		} else {
			t = NewTable(w, o, messageWidth, nil, "Severity", "Rule", "Account", "Resource", "Message")
		}
		for _, f := range open {
			cells := []string{severityCell(f.Severity, o.Color), f.RuleID, r.accountLabel(f.AccountID), r.resourceCell(f, o), r.messageCell(f, o)}
			if o.Width > 0 {
				cells = append([]string{cells[0] + "\n" + cells[1]}, cells[2:]...)
			}
			t.Row(cells...)
		}
		if err := t.Render(); err != nil {
			return err
		}
	}
	if len(suppressed) > 0 {
		if _, err := fmt.Fprintln(w, "\nSuppressed by exceptions (accepted, not counted as findings):"); err != nil {
			return err
		}
		t := NewTable(w, o, messageWidth, []int{3, 4}, "Severity", "Rule", "Account", "Resource", "Exception")
		for _, f := range suppressed {
			t.Row(strings.ToLower(f.Severity.String()), f.RuleID, r.accountLabel(f.AccountID), r.resourceCell(f, o), suppressionText(f.Suppression))
		}
		if err := t.Render(); err != nil {
			return err
		}
	}
	if len(r.Result.NotEvaluated) > 0 {
		if _, err := fmt.Fprintln(w, "\nNot evaluated (data missing from the snapshot, or configuration a rule needs; treat as unknown, not as passed):"); err != nil {
			return err
		}
		t := NewTable(w, o, messageWidth, []int{3}, "Rule", "Account", "Missing", "Reason")
		for _, n := range r.Result.NotEvaluated {
			t.Row(n.RuleID, r.accountLabel(n.AccountID), n.Section, n.Reason)
		}
		if err := t.Render(); err != nil {
			return err
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

func severityCell(s engine.Severity, color bool) string {
	name := strings.ToUpper(s.String())
	if !color {
		return name
	}
	return severityColors[s] + name + "\x1b[0m"
}

// resourceCell is the finding's resource; on a terminal, an ARN in the
// row's account is shortened to its resource part (role/admin, root).
func (r *CheckReport) resourceCell(f engine.Finding, o Options) string {
	if o.Width <= 0 {
		return f.Resource
	}
	return shortARN(f.Resource, f.AccountID)
}

// shortARN returns the resource part of an ARN of the given account
// ("role/admin" for arn:aws:iam::111111111111:role/admin) or of the
// organization (account/o-abc/222222222222: every Organizations ARN is in
// the management account, and its resource part names the organization),
// or the ARN itself when it names another account or is no ARN.
func shortARN(arn, accountID string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[5] == "" {
		return arn
	}
	if parts[2] == "organizations" || accountID != "" && parts[4] == accountID {
		return parts[5]
	}
	return arn
}

// messageCell is the finding's message; on a terminal, without the row's
// account, which the account column already shows ("Root user of dev
// (222222222222) has no MFA device" becomes "Root user has no MFA
// device").
func (r *CheckReport) messageCell(f engine.Finding, o Options) string {
	if o.Width <= 0 || f.AccountID == "" {
		return f.Message
	}
	return dropAccount(f.Message, r.accountLabel(f.AccountID))
}

// dropAccount removes the mentions of an account label from a message
// about that account: " in LABEL", " of LABEL", " [LABEL]", and the label
// after "Account ".
func dropAccount(msg, label string) string {
	return strings.NewReplacer(
		" in "+label, "",
		" of "+label, "",
		" ["+label+"]", "",
		"Account "+label, "The account",
	).Replace(msg)
}
