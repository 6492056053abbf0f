package output

import (
	"fmt"
	"slices"
	"strings"

	"github.com/orgaudit/orgaudit/internal/engine"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// CheckReport is a check's result with everything its writers need.
type CheckReport struct {
	// ToolVersion is the orgaudit version.
	ToolVersion string
	// Snapshot is the checked snapshot (its path, raw bytes and model).
	Snapshot *snapshot.Loaded
	// Result holds the rules, findings and not-evaluated checks, already
	// filtered by minimum severity.
	Result *engine.Result

	// Baseline is set when the run compared against a baseline report.
	Baseline *BaselineInfo

	// Framework, when set, limits the compliance summary to that
	// framework (--framework); otherwise it covers every framework the
	// rules map to.
	Framework string
	// Omitted are the ids of rules that ran but whose findings the
	// severity filters (--min-severity, --severity) leave out of Result:
	// the compliance summary does not count them as deciding a control.
	Omitted []string
	// Run says how the check ran, for report headers.
	Run RunInfo
	// Category, when set, tells this report's runs apart from check's in
	// SARIF consumers (profiles check): the SARIF
	// runAutomationDetails.id becomes "orgaudit/<category>/<organization
	// id>/", so that uploading one does not replace the other's results.
	Category string
	// Locate, when set, returns the file and line a finding is about (the
	// SARIF physical location); "" falls back to the default: the snapshot
	// file, at the first line naming the finding's resource.
	Locate func(engine.Finding) (path string, line int)

	accounts   *snapshot.Index
	rules      map[string]engine.Rule
	compliance []FrameworkSummary
}

// RunInfo describes how a check ran: what report headers (HTML) show
// beside the snapshot.
type RunInfo struct {
	// Config is the configuration file used; empty when none was (the
	// defaults: environments inferred from names).
	Config string
	// RuleDirs are the directories of user rules (--rules).
	RuleDirs []string
	// Filters are the flags that narrowed the report, as given (e.g.
	// "--min-severity medium").
	Filters []string
	// Inputs are the files the report is about besides the snapshot
	// (profiles check: the AWS config and credentials files).
	Inputs []RunInput
	// NoSnapshot says that no snapshot was read (profiles check without
	// --snapshot): headers leave out the snapshot and the configuration.
	NoSnapshot bool
}

// RunInput is a file a report is about: what it is, and its path.
type RunInput struct {
	Name, Path string
}

// NewCheckReport prepares the report of a check.
func NewCheckReport(toolVersion string, snap *snapshot.Loaded, res *engine.Result) *CheckReport {
	r := &CheckReport{ToolVersion: toolVersion, Snapshot: snap, Result: res, rules: map[string]engine.Rule{}}
	r.accounts = snapshot.NewIndex(snap.Snapshot)
	for _, rule := range res.Rules {
		r.rules[rule.ID] = rule
	}
	return r
}

// BaselineInfo summarises the comparison with a baseline report.
type BaselineInfo struct {
	// Path is the baseline report file.
	Path string `json:"path"`
	// New counts findings absent from the baseline.
	New int `json:"new"`
	// Existing counts findings already in the baseline.
	Existing int `json:"existing"`
	// Fixed lists baseline findings that are gone.
	Fixed []BaselineFinding `json:"fixed"`
}

// BaselineFinding identifies a finding of a baseline report.
type BaselineFinding struct {
	Fingerprint string `json:"fingerprint"`
	RuleID      string `json:"rule_id"`
	AccountID   string `json:"account_id,omitempty"`
	Resource    string `json:"resource,omitempty"`
	Message     string `json:"message,omitempty"`
}

// Rule returns the metadata of a rule by id.
func (r *CheckReport) Rule(id string) engine.Rule { return r.rules[id] }

// AccountName returns the name of an account, or "" when unknown.
func (r *CheckReport) AccountName(id string) string {
	if a, ok := r.accounts.Account(id); ok {
		return a.Name
	}
	return ""
}

// accountLabel renders "name (id)", or the id alone.
func (r *CheckReport) accountLabel(id string) string {
	if id == "" {
		return "organization"
	}
	return r.accounts.AccountLabel(id)
}

// Counts returns the number of findings per severity, leaving out the
// findings an exception suppresses.
func (r *CheckReport) Counts() map[engine.Severity]int {
	c := map[engine.Severity]int{}
	for _, f := range r.Result.Findings {
		if f.Suppression == nil {
			c[f.Severity]++
		}
	}
	return c
}

// Suppressed returns the number of findings an exception suppresses.
func (r *CheckReport) Suppressed() int {
	n := 0
	for _, f := range r.Result.Findings {
		if f.Suppression != nil {
			n++
		}
	}
	return n
}

// SummaryLine is the one-line summary shared by the text formats, e.g.
// "7 findings: 2 critical, 3 high, 1 medium, 1 low, 0 info; 1 suppressed by
// exceptions; 2 checks not evaluated (snapshot gaps or missing
// configuration)". Suppressed findings are not counted as findings.
func (r *CheckReport) SummaryLine() string {
	c := r.Counts()
	var parts []string
	n := 0
	for s := engine.SeverityCritical; s >= engine.SeverityInfo; s-- {
		parts = append(parts, fmt.Sprintf("%d %s", c[s], s))
		n += c[s]
	}
	line := fmt.Sprintf("%d %s: %s", n, plural(n, "finding", "findings"), strings.Join(parts, ", "))
	if sup := r.Suppressed(); sup > 0 {
		line += fmt.Sprintf("; %d suppressed by exceptions", sup)
	}
	if ne := len(r.Result.NotEvaluated); ne > 0 {
		line += fmt.Sprintf("; %d %s not evaluated (snapshot gaps or missing configuration)", ne, plural(ne, "check", "checks"))
	}
	if b := r.Baseline; b != nil {
		line += fmt.Sprintf("; baseline: %d new, %d existing, %d fixed", b.New, b.Existing, len(b.Fixed))
	}
	return line
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// frameworkRefs renders a rule's framework mappings as sorted
// "framework control" strings.
func frameworkRefs(rule engine.Rule) []string {
	var out []string
	for fw, controls := range rule.Frameworks {
		for _, c := range controls {
			out = append(out, fw+" "+c)
		}
	}
	slices.Sort(out)
	return out
}
