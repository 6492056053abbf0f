package output

import (
	"fmt"
	"io"
	"strings"

	"github.com/orgaudit/orgaudit/internal/engine"
)

// markdownPerSeverity bounds the findings listed per severity so the
// report stays short enough for a job summary or a merge-request comment.
const markdownPerSeverity = 25

// writeMarkdown renders a summary for CI job summaries and merge-request
// comments: counts first, then findings grouped by severity.
func writeCheckMarkdown(w io.Writer, r *CheckReport, _ Options) error {
	var b strings.Builder
	s := r.Snapshot.Snapshot
	b.WriteString("## orgaudit\n\n")
	scope := fmt.Sprintf("%d accounts", len(s.Accounts))
	if s.Organization != nil {
		scope = fmt.Sprintf("organization `%s`, %s", s.Organization.ID, scope)
	}
	fmt.Fprintf(&b, "Snapshot `%s` (%s, collected %s), %d rules.\n\n", r.Snapshot.Path, scope, s.Metadata.CollectedAt.Format("2006-01-02 15:04 MST"), len(r.Result.Rules))

	counts := r.Counts()
	b.WriteString("| severity | findings |\n| --- | ---: |\n")
	for sev := engine.SeverityCritical; sev >= engine.SeverityInfo; sev-- {
		fmt.Fprintf(&b, "| %s %s | %d |\n", severityIcon(sev), sev, counts[sev])
	}
	if ne := len(r.Result.NotEvaluated); ne > 0 {
		fmt.Fprintf(&b, "| :grey_question: not evaluated | %d |\n", ne)
	}
	b.WriteString("\n")
	if bl := r.Baseline; bl != nil {
		fmt.Fprintf(&b, "Compared with baseline `%s`: **%d new**, %d existing, %d fixed.\n\n", bl.Path, bl.New, bl.Existing, len(bl.Fixed))
	}
	if len(r.Result.Findings) == 0 {
		b.WriteString("No findings.\n")
	}

	bySev := map[engine.Severity][]engine.Finding{}
	for _, f := range r.Result.Findings {
		bySev[f.Severity] = append(bySev[f.Severity], f)
	}
	for sev := engine.SeverityCritical; sev >= engine.SeverityInfo; sev-- {
		list := bySev[sev]
		if len(list) == 0 {
			continue
		}
		fmt.Fprintf(&b, "### %s %s (%d)\n\n", severityIcon(sev), strings.ToUpper(sev.String()[:1])+sev.String()[1:], len(list))
		b.WriteString("| rule | account | resource | finding |\n| --- | --- | --- | --- |\n")
		for i, f := range list {
			if i == markdownPerSeverity {
				fmt.Fprintf(&b, "\n… and %d more %s findings (see the JSON or SARIF report).\n", len(list)-i, sev)
				break
			}
			msg := mdCell(f.Message)
			if f.BaselineState == engine.BaselineNew {
				msg = "**new** " + msg
			}
			if f.Suppression != nil {
				msg = "~~" + msg + "~~ suppressed: " + mdCell(f.Suppression.Reason)
			}
			fmt.Fprintf(&b, "| %s | %s | `%s` | %s |\n", f.RuleID, mdCell(r.accountLabel(f.AccountID)), mdCode(f.Resource), msg)
		}
		b.WriteString("\n")
	}
	complianceMarkdown(&b, r)
	if len(r.Result.NotEvaluated) > 0 {
		fmt.Fprintf(&b, "<details><summary>%d checks not evaluated (data missing from the snapshot)</summary>\n\n", len(r.Result.NotEvaluated))
		b.WriteString("| rule | account | missing | reason |\n| --- | --- | --- | --- |\n")
		for _, n := range r.Result.NotEvaluated {
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", n.RuleID, mdCell(r.accountLabel(n.AccountID)), n.Section, mdCell(n.Reason))
		}
		b.WriteString("\n</details>\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func severityIcon(s engine.Severity) string {
	switch s {
	case engine.SeverityCritical:
		return ":red_circle:"
	case engine.SeverityHigh:
		return ":orange_circle:"
	case engine.SeverityMedium:
		return ":yellow_circle:"
	case engine.SeverityLow:
		return ":large_blue_circle:"
	default:
		return ":white_circle:"
	}
}

// mdCell escapes text for a Markdown table cell.
func mdCell(s string) string {
	s = strings.ReplaceAll(s, "|", "\\|")
	return strings.ReplaceAll(s, "\n", " ")
}

// mdCode makes text safe inside a code span in a table cell.
func mdCode(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "`", "'"), "|", "\\|")
}
