package output

import (
	"io"
	"runtime"
	"time"

	"github.com/orgaudit/orgaudit/internal/engine"
)

// JSONVersion is the version of the JSON report shape. It changes only
// when a field is removed or changes meaning; new fields may appear.
const JSONVersion = "1"

// JSONReport is the documented, stable shape of `--format json`.
type JSONReport struct {
	ReportVersion string        `json:"report_version"`
	Tool          JSONTool      `json:"tool"`
	Snapshot      JSONSnapshot  `json:"snapshot"`
	Summary       JSONSummary   `json:"summary"`
	Baseline      *BaselineInfo `json:"baseline,omitempty"`
	Findings      []JSONFinding `json:"findings"`
	NotEvaluated  []JSONNotEval `json:"not_evaluated"`
	Rules         []JSONRule    `json:"rules"`
	// Compliance is the per-control summary of each framework the rules
	// map to (or the one --framework selects).
	Compliance []FrameworkSummary `json:"compliance"`
}

// JSONTool names the tool that wrote the report.
type JSONTool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// JSONSnapshot describes the checked snapshot.
type JSONSnapshot struct {
	Path           string    `json:"path"`
	CollectedAt    time.Time `json:"collected_at"`
	Scope          string    `json:"scope"`
	OrganizationID string    `json:"organization_id,omitempty"`
	Accounts       int       `json:"accounts"`
	Gaps           int       `json:"gaps"`
}

// JSONSummary counts findings.
type JSONSummary struct {
	Findings     int            `json:"findings"`
	BySeverity   map[string]int `json:"by_severity"`
	NotEvaluated int            `json:"not_evaluated"`
	Rules        int            `json:"rules"`
	// Suppressed counts the findings exceptions accept; Findings and
	// BySeverity leave them out.
	Suppressed int `json:"suppressed"`
}

// JSONFinding is one finding with the rule's title and the account's name.
type JSONFinding struct {
	RuleID      string         `json:"rule_id"`
	Title       string         `json:"title"`
	Severity    string         `json:"severity"`
	AccountID   string         `json:"account_id"`
	AccountName string         `json:"account_name,omitempty"`
	Resource    string         `json:"resource"`
	Message     string         `json:"message"`
	Evidence    map[string]any `json:"evidence,omitempty"`
	Key         string         `json:"key,omitempty"`
	Fingerprint string         `json:"fingerprint"`
	// Suppression is present when an exception accepts the finding.
	Suppression *engine.Suppression `json:"suppression,omitempty"`
	// BaselineState is "new" or "existing" when a baseline was given.
	BaselineState string `json:"baseline_state,omitempty"`
}

// JSONNotEval is a check that could not be evaluated.
type JSONNotEval struct {
	RuleID      string `json:"rule_id"`
	AccountID   string `json:"account_id,omitempty"`
	AccountName string `json:"account_name,omitempty"`
	Section     string `json:"section"`
	Operation   string `json:"operation,omitempty"`
	Reason      string `json:"reason"`
}

// JSONRule is a rule's metadata.
type JSONRule struct {
	ID               string              `json:"id"`
	Title            string              `json:"title"`
	Severity         string              `json:"severity"`
	Description      string              `json:"description"`
	Remediation      string              `json:"remediation"`
	RelatedResources []string            `json:"related_resources"`
	Frameworks       map[string][]string `json:"frameworks,omitempty"`
	Source           string              `json:"source"`
}

// jsonReport is the JSON report without its findings.
func (r *CheckReport) jsonReport() JSONReport {
	s := r.Snapshot.Snapshot
	out := JSONReport{
		ReportVersion: JSONVersion,
		Tool:          JSONTool{Name: "orgaudit", Version: r.ToolVersion},
		Snapshot: JSONSnapshot{
			Path:        r.Snapshot.Path,
			CollectedAt: s.Metadata.CollectedAt,
			Scope:       s.Metadata.Scope,
			Accounts:    len(s.Accounts),
			Gaps:        len(s.Metadata.Gaps),
		},
		Summary: JSONSummary{
			Findings:     len(r.Result.Findings) - r.Suppressed(),
			Suppressed:   r.Suppressed(),
			BySeverity:   map[string]int{},
			NotEvaluated: len(r.Result.NotEvaluated),
			Rules:        len(r.Result.Rules),
		},
		Findings:     []JSONFinding{},
		NotEvaluated: []JSONNotEval{},
		Rules:        []JSONRule{},
	}
	if s.Organization != nil {
		out.Snapshot.OrganizationID = s.Organization.ID
	}
	out.Baseline = r.Baseline
	for sev := engine.SeverityInfo; sev <= engine.SeverityCritical; sev++ {
		out.Summary.BySeverity[sev.String()] = 0
	}
	for sev, n := range r.Counts() {
		out.Summary.BySeverity[sev.String()] = n
	}
	for _, n := range r.Result.NotEvaluated {
		out.NotEvaluated = append(out.NotEvaluated, JSONNotEval{
			RuleID:      n.RuleID,
			AccountID:   n.AccountID,
			AccountName: r.AccountName(n.AccountID),
			Section:     n.Section,
			Operation:   n.Operation,
			Reason:      n.Reason,
		})
	}
	for _, rule := range r.Result.Rules {
		out.Rules = append(out.Rules, JSONRule{
			ID:               rule.ID,
			Title:            rule.Title,
			Severity:         rule.Severity.String(),
			Description:      rule.Description,
			Remediation:      rule.Remediation,
			RelatedResources: nonNil(rule.RelatedResources),
			Frameworks:       rule.Frameworks,
			Source:           rule.Source,
		})
	}
	out.Compliance = append([]FrameworkSummary{}, r.Compliance()...)
	return out
}

// jsonFinding is one finding as the JSON report lists it.
func (r *CheckReport) jsonFinding(f engine.Finding) JSONFinding {
	return JSONFinding{
		RuleID:        f.RuleID,
		Title:         r.rules[f.RuleID].Title,
		Severity:      f.Severity.String(),
		AccountID:     f.AccountID,
		AccountName:   r.AccountName(f.AccountID),
		Resource:      f.Resource,
		Message:       f.Message,
		Evidence:      f.Evidence,
		Key:           f.Key,
		Fingerprint:   f.Fingerprint,
		Suppression:   f.Suppression,
		BaselineState: f.BaselineState,
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// findingSegment is how many findings a worker encodes at a time when
// the findings of the JSON report are encoded on several cores; reports
// of at most two segments are encoded serially.
const findingSegment = 1024

// findingBytes is a generous size of a finding in the JSON report (about
// 650 bytes on average at 1,000 accounts), so that a segment's buffer
// seldom grows.
const findingBytes = 1024

// writeCheckJSON streams the JSON report: the bytes writeIndentedJSON
// gives of the whole JSONReport (TestCheckJSONMatchesEncoder), written in
// one pass, without holding the whole document. The findings are encoded
// on every core, up to maxListWorkers.
func writeCheckJSON(w io.Writer, r *CheckReport, _ Options) error {
	return writeCheckJSONOn(w, r, findingSegment, min(runtime.GOMAXPROCS(0), maxListWorkers))
}

// writeCheckJSONOn is writeCheckJSON with the findings encoded by workers
// goroutines, segment findings at a time.
func writeCheckJSONOn(w io.Writer, r *CheckReport, segment, workers int) error {
	rep := r.jsonReport()
	s := newJSONStream(w)
	s.raw("{\n")
	s.field("report_version", rep.ReportVersion)
	s.field("tool", rep.Tool)
	s.field("snapshot", rep.Snapshot)
	s.field("summary", rep.Summary)
	if rep.Baseline != nil {
		s.field("baseline", rep.Baseline)
	}
	findings := r.Result.Findings
	listWriter{segment: segment, workers: workers}.list(s, "findings", jsonList{n: len(findings), size: findingBytes, item: func(ws *jsonStream, b []byte, i int) []byte {
		return ws.appendFinding(b, r.jsonFinding(findings[i]))
	}})
	s.field("not_evaluated", rep.NotEvaluated)
	s.field("rules", rep.Rules)
	return s.last("compliance", rep.Compliance)
}
