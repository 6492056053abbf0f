package output

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/orgaudit/orgaudit/internal/engine"
)

// checkHTML is the body of a check report page.
type checkHTML struct {
	// Verdict is the summary line; VerdictClass colors it (bad, warn,
	// good).
	Verdict      string
	VerdictClass string
	Severities   []htmlSeverityCount
	// Open counts the findings the main table lists (neither suppressed
	// nor in the baseline); Existing and Suppressed those listed apart.
	Open, Existing, Suppressed, NotEvaluated int
	Baseline                                 *BaselineInfo
	ByRule                                   []htmlRuleCount
	ByAccount                                []htmlAccountCount
	Compliance                               []FrameworkSummary
	NotEvaluatedRows                         []JSONNotEval
	Rules                                    []htmlRule
	// Data is what the script builds the findings tables from.
	Data htmlFindings
}

type htmlSeverityCount struct {
	Name  string
	Count int
}

// htmlRuleCount is a row of the summary by rule.
type htmlRuleCount struct {
	ID, Title, Severity                string
	Findings, Suppressed, NotEvaluated int
}

// htmlAccountCount is a row of the summary by account: findings per
// severity (critical first), not suppressed.
type htmlAccountCount struct {
	ID, Label    string
	BySeverity   []int
	Total        int
	NotEvaluated int
}

// htmlRule is a rule of the reference section, with the remediation the
// findings tables show.
type htmlRule struct {
	ID, Title, Severity, Remediation, Source string
	// Description is in paragraphs: the metadata's line breaks inside a
	// paragraph are only wrapping.
	Description []string
	References  []htmlLink
	Frameworks  []string
}

type htmlLink struct{ URL, Text string }

// htmlFindings is the findings data the page's script renders, sorts and
// filters. Rows refer to the rule, account and severity lists by index
// to keep large reports small.
type htmlFindings struct {
	// Severities are the severity names by engine.Severity value.
	Severities []string `json:"severities"`
	// Rules are [id, title, severity] of every rule that ran.
	Rules [][3]string `json:"rules"`
	// Accounts are [id, label] of every account a finding names.
	Accounts [][2]string `json:"accounts"`
	// Findings are the rows, see htmlFinding.
	Findings []htmlFinding `json:"findings"`
}

// Finding states in htmlFinding.State.
const (
	htmlStateOpen       = 0 // no baseline, or new since the baseline
	htmlStateNew        = 1
	htmlStateExisting   = 2
	htmlStateSuppressed = 3
)

// htmlFinding is one finding as the script reads it, a JSON array:
// [severity, rule index, account index, resource, message, state, key,
// fingerprint, evidence, suppression].
type htmlFinding [10]any

func writeCheckHTML(w io.Writer, r *CheckReport, _ Options) error {
	s := r.Snapshot.Snapshot
	page := &htmlPage{Kind: "check", Title: "orgaudit check report"}
	if r.Category != "" {
		page.Title = "orgaudit " + r.Category + " check report"
	}
	org := "none (a single account)"
	if s.Organization != nil {
		org = s.Organization.ID
		page.Title += ": " + s.Organization.ID
		if m := s.Organization.ManagementAccountID; m != "" {
			org += ", management account " + r.accountLabel(m)
		}
	}
	var inputs []string
	for _, in := range r.Run.Inputs {
		page.Meta = append(page.Meta, htmlFact{Name: in.Name, Value: in.Path, Code: true})
		inputs = append(inputs, in.Name+" "+in.Path)
	}
	if r.Run.NoSnapshot {
		page.Meta = append(page.Meta, htmlFact{Name: "Snapshot", Value: "none: the checks that compare with an organization did not run"}, htmlFact{Name: "Rules", Value: rulesText(r)})
	} else {
		page.Meta = append(page.Meta,
			htmlFact{Name: "Organization", Value: org},
			htmlFact{Name: "Accounts", Value: strconv.Itoa(len(s.Accounts))},
			htmlFact{Name: "Snapshot", Value: r.Snapshot.Path, Code: true},
			htmlFact{Name: "Collected", Value: htmlTime(s.Metadata.CollectedAt)},
			htmlFact{Name: "Scope", Value: scopeText(s.Metadata.Scope, s.Metadata.ScopeNote, len(s.Metadata.Gaps))},
			htmlFact{Name: "Rules", Value: rulesText(r)},
			htmlFact{Name: "Configuration", Value: configText(r.Run.Config)})
		inputs = append(inputs, fmt.Sprintf("snapshot %s collected %s", r.Snapshot.Path, htmlTime(s.Metadata.CollectedAt)))
	}
	if len(r.Run.Filters) > 0 {
		page.Meta = append(page.Meta, htmlFact{Name: "Filters", Value: strings.Join(r.Run.Filters, " "), Code: true})
	}
	if r.Baseline != nil {
		page.Meta = append(page.Meta, htmlFact{Name: "Baseline", Value: r.Baseline.Path, Code: true})
	}
	page.Meta = append(page.Meta, htmlFact{Name: "orgaudit", Value: r.ToolVersion})
	page.Generated = fmt.Sprintf("orgaudit %s, from %s", r.ToolVersion, strings.Join(inputs, ", "))
	page.Body = r.htmlBody()
	return renderHTML(w, page)
}

func scopeText(scope, note string, gaps int) string {
	out := scope
	if note != "" {
		out += " (" + note + ")"
	}
	switch gaps {
	case 0:
		return out + "; complete: no gaps"
	case 1:
		return out + "; 1 gap: data that could not be read"
	}
	return fmt.Sprintf("%s; %d gaps: data that could not be read", out, gaps)
}

func rulesText(r *CheckReport) string {
	user := 0
	for _, rule := range r.Result.Rules {
		if rule.Source != "builtin" {
			user++
		}
	}
	out := fmt.Sprintf("%d (%d built-in", len(r.Result.Rules), len(r.Result.Rules)-user)
	if user > 0 {
		out += fmt.Sprintf(", %d from %s", user, strings.Join(r.Run.RuleDirs, ", "))
	}
	return out + ")"
}

func configText(path string) string {
	if path == "" {
		return "none: production, staging, development and the identity account inferred from names and tags"
	}
	return path
}

func (r *CheckReport) htmlBody() *checkHTML {
	res := r.Result
	b := &checkHTML{Verdict: r.SummaryLine(), Baseline: r.Baseline, Compliance: r.Compliance(), NotEvaluated: len(res.NotEvaluated)}
	counts := r.Counts()
	b.VerdictClass = "good"
	for sev := engine.SeverityCritical; sev >= engine.SeverityInfo; sev-- {
		b.Severities = append(b.Severities, htmlSeverityCount{Name: sev.String(), Count: counts[sev]})
		if counts[sev] > 0 && b.VerdictClass == "good" {
			b.VerdictClass = "bad"
		}
	}
	if b.VerdictClass == "good" && len(res.NotEvaluated) > 0 {
		b.VerdictClass = "warn"
	}

	// The findings data, and the counts by rule and by account.
	data := htmlFindings{Findings: make([]htmlFinding, 0, len(res.Findings))}
	for sev := engine.SeverityInfo; sev <= engine.SeverityCritical; sev++ {
		data.Severities = append(data.Severities, sev.String())
	}
	ruleIndex := map[string]int{}
	byRule := map[string]*htmlRuleCount{}
	for _, rule := range res.Rules {
		ruleIndex[rule.ID] = len(data.Rules)
		data.Rules = append(data.Rules, [3]string{rule.ID, rule.Title, rule.Severity.String()})
	}
	ruleCount := func(id string) *htmlRuleCount {
		c := byRule[id]
		if c == nil {
			rule := r.Rule(id)
			c = &htmlRuleCount{ID: id, Title: rule.Title, Severity: rule.Severity.String()}
			byRule[id] = c
		}
		return c
	}
	accountIndex := map[string]int{}
	byAccount := map[string]*htmlAccountCount{}
	accountCount := func(id string) *htmlAccountCount {
		c := byAccount[id]
		if c == nil {
			c = &htmlAccountCount{ID: id, Label: r.accountLabel(id), BySeverity: make([]int, engine.SeverityCritical+1)}
			byAccount[id] = c
		}
		return c
	}
	for _, f := range res.Findings {
		ai, ok := accountIndex[f.AccountID]
		if !ok {
			ai = len(data.Accounts)
			accountIndex[f.AccountID] = ai
			data.Accounts = append(data.Accounts, [2]string{f.AccountID, r.accountLabel(f.AccountID)})
		}
		if _, ok := ruleIndex[f.RuleID]; !ok {
			// A finding of a rule the result does not list (not expected):
			// still shown, with its id as title.
			ruleIndex[f.RuleID] = len(data.Rules)
			data.Rules = append(data.Rules, [3]string{f.RuleID, f.RuleID, f.Severity.String()})
		}
		state := htmlStateOpen
		var suppression []string
		switch {
		case f.Suppression != nil:
			state = htmlStateSuppressed
			suppression = []string{f.Suppression.Reason, f.Suppression.Owner, f.Suppression.Expires, f.Suppression.Source}
			b.Suppressed++
			ruleCount(f.RuleID).Suppressed++
		case f.BaselineState == engine.BaselineExisting:
			state = htmlStateExisting
			b.Existing++
		case f.BaselineState == engine.BaselineNew:
			state = htmlStateNew
		}
		if state != htmlStateSuppressed {
			ruleCount(f.RuleID).Findings++
			ac := accountCount(f.AccountID)
			ac.BySeverity[engine.SeverityCritical-f.Severity]++
			ac.Total++
		}
		if state == htmlStateOpen || state == htmlStateNew {
			b.Open++
		}
		var evidence any
		if len(f.Evidence) > 0 {
			evidence = f.Evidence
		}
		data.Findings = append(data.Findings, htmlFinding{int(f.Severity), ruleIndex[f.RuleID], ai, f.Resource, f.Message, state, f.Key, f.Fingerprint, evidence, suppression})
	}
	b.Data = data
	for _, n := range res.NotEvaluated {
		ruleCount(n.RuleID).NotEvaluated++
		if n.AccountID != "" {
			accountCount(n.AccountID).NotEvaluated++
		}
		b.NotEvaluatedRows = append(b.NotEvaluatedRows, JSONNotEval{
			RuleID: n.RuleID, AccountID: n.AccountID, AccountName: r.accountLabel(n.AccountID),
			Section: n.Section, Operation: n.Operation, Reason: n.Reason,
		})
	}
	for _, c := range byRule {
		b.ByRule = append(b.ByRule, *c)
	}
	slices.SortFunc(b.ByRule, func(x, y htmlRuleCount) int {
		sx, _ := engine.ParseSeverity(x.Severity)
		sy, _ := engine.ParseSeverity(y.Severity)
		return cmp.Or(cmp.Compare(sy, sx), cmp.Compare(y.Findings, x.Findings), strings.Compare(x.ID, y.ID))
	})
	for _, c := range byAccount {
		b.ByAccount = append(b.ByAccount, *c)
	}
	slices.SortFunc(b.ByAccount, func(x, y htmlAccountCount) int {
		return cmp.Or(slices.Compare(y.BySeverity, x.BySeverity), cmp.Compare(y.NotEvaluated, x.NotEvaluated), strings.Compare(x.ID, y.ID))
	})
	for _, rule := range res.Rules {
		hr := htmlRule{ID: rule.ID, Title: rule.Title, Severity: rule.Severity.String(), Description: paragraphs(rule.Description),
			Remediation: strings.TrimSpace(rule.Remediation), Source: rule.Source, Frameworks: frameworkRefs(rule)}
		for _, ref := range rule.RelatedResources {
			text := rule.ResourceDescriptions[ref]
			if text == "" {
				text = ref
			}
			hr.References = append(hr.References, htmlLink{URL: ref, Text: text})
		}
		b.Rules = append(b.Rules, hr)
	}
	return b
}

// paragraphs splits text at blank lines and joins the lines of each
// paragraph.
func paragraphs(text string) []string {
	var out []string
	for _, p := range strings.Split(strings.TrimSpace(text), "\n\n") {
		if p = strings.Join(strings.Fields(p), " "); p != "" {
			out = append(out, p)
		}
	}
	return out
}
