package output

import (
	"bytes"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/orgaudit/orgaudit/internal/engine"
)

// FingerprintKey is the partialFingerprints key orgaudit uses in SARIF.
const FingerprintKey = "orgauditFinding/v1"

const informationURI = "https://github.com/orgaudit/orgaudit"

// securitySeverity maps severities to GitHub code scanning's
// security-severity scores (critical > 9.0, high 7.0-8.9, medium 4.0-6.9,
// low 0.1-3.9).
var securitySeverity = map[engine.Severity]string{
	engine.SeverityCritical: "9.5",
	engine.SeverityHigh:     "8.0",
	engine.SeverityMedium:   "5.5",
	engine.SeverityLow:      "3.0",
	engine.SeverityInfo:     "0.0",
}

// baselineStates maps Finding.BaselineState to SARIF's baselineState.
var baselineStates = map[string]string{engine.BaselineNew: "new", engine.BaselineExisting: "unchanged"}

// sarifLevel maps severities to SARIF result levels.
func sarifLevel(s engine.Severity) string {
	switch {
	case s >= engine.SeverityHigh:
		return "error"
	case s == engine.SeverityMedium:
		return "warning"
	default:
		return "note"
	}
}

// artifactURI renders the snapshot path as a SARIF artifact URI: relative
// paths stay relative (with forward slashes), absolute ones become file
// URIs.
func artifactURI(path string) string {
	if path == "" {
		return "snapshot.json"
	}
	if filepath.IsAbs(path) {
		return (&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}).String()
	}
	return filepath.ToSlash(filepath.Clean(path))
}

// SARIF builds the SARIF 2.1.0 log of the report.
func (r *CheckReport) SARIF() *sarif.Report {
	log := sarif.NewReport()
	run := sarif.NewRunWithInformationURI("orgaudit", informationURI)
	run.Tool.Driver.WithVersion(r.ToolVersion)

	// Only the rules a result or a notification refers to: the others
	// would carry their whole help for nothing (the JSON report lists
	// every rule that ran).
	used := map[string]bool{}
	for _, f := range r.Result.Findings {
		used[f.RuleID] = true
	}
	for _, n := range r.Result.NotEvaluated {
		used[n.RuleID] = true
	}
	ruleIndex := map[string]int{}
	for _, rule := range r.Result.Rules {
		if used[rule.ID] {
			ruleIndex[rule.ID] = len(ruleIndex)
			run.Tool.Driver.AddRule(sarifRule(rule))
		}
	}

	snapURI := artifactURI(r.Snapshot.Path)
	if r.Locate == nil {
		run.AddDistinctArtifact(snapURI)
	}
	lines := locateLines(r.Snapshot.Raw, r.Result.Findings)

	for _, f := range r.Result.Findings {
		props := sarif.NewPropertyBag()
		props.Add("account_id", f.AccountID)
		if name := r.AccountName(f.AccountID); name != "" {
			props.Add("account_name", name)
		}
		if len(f.Evidence) > 0 {
			props.Add("evidence", f.Evidence)
		}
		uri, line := snapURI, lines[f.Resource]
		if r.Locate != nil {
			if path, l := r.Locate(f); path != "" {
				uri, line = artifactURI(path), l
			}
			run.AddDistinctArtifact(uri)
		}
		region := sarif.NewRegion().WithStartLine(max(line, 1))
		loc := sarif.NewLocation().
			WithPhysicalLocation(sarif.NewPhysicalLocation().
				WithArtifactLocation(sarif.NewSimpleArtifactLocation(uri)).
				WithRegion(region)).
			AddLogicalLocation(sarif.NewLogicalLocation().
				WithFullyQualifiedName(f.Resource).
				WithName(shortName(f.Resource)).
				WithKind("resource"))
		res := sarif.NewRuleResult(f.RuleID).
			WithRuleIndex(ruleIndex[f.RuleID]).
			WithLevel(sarifLevel(f.Severity)).
			WithMessage(sarif.NewTextMessage(f.Message)).
			AddLocation(loc).
			WithPartialFingerprints(map[string]string{FingerprintKey: f.Fingerprint}).
			WithProperties(props)
		if f.BaselineState != "" {
			res.WithBaselineState(baselineStates[f.BaselineState])
		}
		if sup := f.Suppression; sup != nil {
			just := sup.Reason
			if sup.Owner != "" {
				just += " (owner: " + sup.Owner + ")"
			}
			if sup.Expires != "" {
				just += " (expires " + sup.Expires + ")"
			}
			res.AddSuppression(sarif.NewSuppression().WithKind("external").WithStatus("accepted").WithJustification(just))
		}
		run.AddResult(res)
	}

	inv := sarif.NewInvocation().WithExecutionSuccessful(true)
	for _, n := range r.Result.NotEvaluated {
		msg := fmt.Sprintf("%s not evaluated for %s: %s is missing from the snapshot (%s)", n.RuleID, r.accountLabel(n.AccountID), n.Section, n.Reason)
		inv.AddToolExecutionNotification(sarif.NewNotification().
			WithLevel("warning").
			WithMessage(sarif.NewTextMessage(msg)).
			WithDescriptor(sarif.NewReportingDescriptorReference().WithID(n.RuleID)))
	}
	run.AddInvocation(inv)
	run.WithAutomationDetails(sarif.NewRunAutomationDetails().WithID(r.AutomationID()))
	log.AddRun(run)
	return log
}

// AutomationID is the SARIF runAutomationDetails.id of the report,
// "orgaudit/<organization id>/" (the account id for a snapshot outside an
// organization), so that code scanning keeps the runs of several
// organizations apart; with a Category, "orgaudit/<category>/...".
func (r *CheckReport) AutomationID() string {
	id := "orgaudit/"
	if r.Category != "" {
		id += r.Category + "/"
	}
	s := r.Snapshot.Snapshot
	switch {
	case s.Organization != nil && s.Organization.ID != "":
		return id + s.Organization.ID + "/"
	case len(s.Accounts) == 1:
		return id + s.Accounts[0].ID + "/"
	}
	return id
}

func sarifRule(rule engine.Rule) *sarif.ReportingDescriptor {
	props := sarif.NewPropertyBag()
	props.Add("security-severity", securitySeverity[rule.Severity])
	props.Add("precision", "high")
	props.Add("problem.severity", problemSeverity(rule.Severity))
	props.AddTag("security")
	props.AddTag("aws")
	for _, ref := range frameworkRefs(rule) {
		props.AddTag(ref)
	}
	d := sarif.NewRule(rule.ID).
		WithName(ruleName(rule.Title)).
		WithShortDescription(sarif.NewMultiformatMessageString().WithText(rule.Title)).
		WithFullDescription(sarif.NewMultiformatMessageString().WithText(rule.Description)).
		WithHelp(sarif.NewMultiformatMessageString().
			WithText(helpText(rule)).
			WithMarkdown(helpMarkdown(rule))).
		WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(sarifLevel(rule.Severity))).
		WithProperties(props)
	if len(rule.RelatedResources) > 0 {
		d.WithHelpURI(rule.RelatedResources[0])
	}
	return d
}

// problemSeverity is GitHub's problem.severity for a severity: the SARIF
// level, with "recommendation" for notes.
func problemSeverity(s engine.Severity) string {
	if l := sarifLevel(s); l != "note" {
		return l
	}
	return "recommendation"
}

// ruleName turns a title into the PascalCase name SARIF viewers show.
func ruleName(title string) string {
	var b strings.Builder
	for _, w := range strings.FieldsFunc(title, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	return b.String()
}

func helpText(rule engine.Rule) string {
	var b strings.Builder
	b.WriteString(rule.Description)
	b.WriteString("\n\nRemediation:\n")
	b.WriteString(rule.Remediation)
	if refs := frameworkRefs(rule); len(refs) > 0 {
		b.WriteString("\n\nFrameworks: " + strings.Join(refs, ", "))
	}
	for _, ref := range rule.RelatedResources {
		b.WriteString("\n" + ref)
	}
	return b.String()
}

func helpMarkdown(rule engine.Rule) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**%s** (%s, %s)\n\n%s\n\n### Remediation\n\n", rule.Title, rule.ID, rule.Severity, rule.Description)
	b.WriteString(indentCode(rule.Remediation))
	if refs := frameworkRefs(rule); len(refs) > 0 {
		b.WriteString("\n\n### Frameworks\n\n")
		for _, ref := range refs {
			b.WriteString("- " + ref + "\n")
		}
	}
	if len(rule.RelatedResources) > 0 {
		b.WriteString("\n\n### References\n\n")
		for _, ref := range rule.RelatedResources {
			fmt.Fprintf(&b, "- <%s>\n", ref)
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// indentCode keeps indented remediation lines (policy snippets, commands)
// as Markdown code blocks and the rest as paragraphs.
func indentCode(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(line, "  ") {
			b.WriteString("    " + strings.TrimLeft(line, " ") + "\n")
			continue
		}
		b.WriteString(line + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// shortName is the last path element of an ARN, or the whole value.
func shortName(resource string) string {
	if i := strings.LastIndexAny(resource, "/:"); i >= 0 && i < len(resource)-1 {
		return resource[i+1:]
	}
	return resource
}

// locateLines finds, in one pass over the snapshot, the first line on
// which each finding's resource appears as a JSON string value, so that
// code scanning can point at it.
func locateLines(raw []byte, findings []engine.Finding) map[string]int {
	want := map[string]int{}
	for _, f := range findings {
		want[f.Resource] = 0
	}
	left := len(want)
	line := 0
	for len(raw) > 0 && left > 0 {
		line++
		end := bytes.IndexByte(raw, '\n')
		cur := raw
		if end >= 0 {
			cur, raw = raw[:end], raw[end+1:]
		} else {
			raw = nil
		}
		// A value line looks like `  "key": "value",`.
		i := bytes.Index(cur, []byte(`": "`))
		if i < 0 {
			continue
		}
		v := cur[i+4:]
		j := bytes.LastIndexByte(v, '"')
		if j < 0 {
			continue
		}
		if seen, ok := want[string(v[:j])]; ok && seen == 0 {
			want[string(v[:j])] = line
			left--
		}
	}
	return want
}

// writeCheckSARIF writes the SARIF log without the empty lists and
// objects, -1 indexes and default values go-sarif writes for every field
// that is not set.
func writeCheckSARIF(w io.Writer, r *CheckReport, _ Options) error {
	return writeLeanJSON(w, r.SARIF())
}
