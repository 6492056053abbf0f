package output

import (
	"encoding/xml"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/orgaudit/orgaudit/internal/engine"
)

// JUnit XML, as read by GitLab, Jenkins, Azure DevOps and GitHub test
// reporters: one suite per rule, one test case per rule and resource, a
// failure per finding, skipped cases for suppressed findings and checks
// that could not be evaluated, and one passing case for a rule without
// findings.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Skipped   int         `xml:"skipped,attr"`
	Errors    int         `xml:"errors,attr"`
	Timestamp string      `xml:"timestamp,attr,omitempty"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

func writeCheckJUnit(w io.Writer, r *CheckReport, _ Options) error {
	byRule := map[string][]junitCase{}
	for _, f := range r.Result.Findings {
		c := junitCase{Name: caseName(f.Resource, f.Key), ClassName: "orgaudit." + f.RuleID}
		if f.Suppression != nil {
			c.Skipped = &junitSkipped{Message: "suppressed: " + f.Suppression.Reason}
		} else {
			c.Failure = &junitFailure{Message: f.Message, Type: f.Severity.String(), Text: r.junitDetail(f)}
		}
		byRule[f.RuleID] = append(byRule[f.RuleID], c)
	}
	for _, n := range r.Result.NotEvaluated {
		byRule[n.RuleID] = append(byRule[n.RuleID], junitCase{
			Name:      "not evaluated: " + r.accountLabel(n.AccountID),
			ClassName: "orgaudit." + n.RuleID,
			Skipped:   &junitSkipped{Message: fmt.Sprintf("%s missing from the snapshot: %s", n.Section, n.Reason)},
		})
	}
	out := junitSuites{Name: "orgaudit"}
	ts := r.Snapshot.Snapshot.Metadata.CollectedAt.UTC().Format("2006-01-02T15:04:05")
	for _, rule := range r.Result.Rules {
		cases := byRule[rule.ID]
		if len(cases) == 0 {
			cases = []junitCase{{Name: "all resources", ClassName: "orgaudit." + rule.ID}}
		}
		sort.SliceStable(cases, func(i, j int) bool { return cases[i].Name < cases[j].Name })
		s := junitSuite{Name: rule.ID + " " + rule.Title, Tests: len(cases), Timestamp: ts, Cases: cases}
		for _, c := range cases {
			if c.Failure != nil {
				s.Failures++
			}
			if c.Skipped != nil {
				s.Skipped++
			}
		}
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Skipped += s.Skipped
		out.Suites = append(out.Suites, s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("render junit: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func caseName(resource, key string) string {
	if key == "" {
		return resource
	}
	return resource + " (" + key + ")"
}

func (r *CheckReport) junitDetail(f engine.Finding) string {
	rule := r.Rule(f.RuleID)
	var b strings.Builder
	fmt.Fprintf(&b, "%s\nSeverity: %s\nAccount: %s\nResource: %s\n", f.Message, f.Severity, r.accountLabel(f.AccountID), f.Resource)
	if f.BaselineState != "" {
		fmt.Fprintf(&b, "Baseline: %s\n", f.BaselineState)
	}
	fmt.Fprintf(&b, "Fingerprint: %s\n\nRemediation:\n%s\n", f.Fingerprint, rule.Remediation)
	return b.String()
}
