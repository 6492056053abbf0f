package engine

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Severity ranks findings. The zero value is SeverityInfo.
type Severity int

// Severities, lowest first.
const (
	SeverityInfo Severity = iota
	SeverityLow
	SeverityMedium
	SeverityHigh
	SeverityCritical
)

var severityNames = [...]string{"info", "low", "medium", "high", "critical"}

// SeverityNames lists the valid severity names, highest first.
func SeverityNames() []string {
	out := slices.Clone(severityNames[:])
	slices.Reverse(out)
	return out
}

func (s Severity) String() string {
	if s < SeverityInfo || s > SeverityCritical {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity parses a severity name, ignoring case.
func ParseSeverity(name string) (Severity, error) {
	for i, n := range severityNames {
		if strings.EqualFold(name, n) {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q (valid: %s)", name, strings.Join(SeverityNames(), ", "))
}

// MarshalText renders the severity name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText parses a severity name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Rule is a rule's metadata, decoded from the package-scope METADATA block
// of its Rego module.
type Rule struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Severity    Severity `json:"severity"`
	Remediation string   `json:"remediation"`
	// RelatedResources are documentation URLs.
	RelatedResources []string `json:"related_resources"`
	// ResourceDescriptions holds the description of each related resource
	// that has one, by URL.
	ResourceDescriptions map[string]string `json:"related_resource_descriptions,omitempty"`
	// Frameworks maps a framework (e.g. "cis-v5.0.0", see package
	// compliance) to the controls the rule implements.
	Frameworks map[string][]string `json:"frameworks,omitempty"`
	// Requires lists the snapshot sections the rule reads. Where a gap
	// covers one of them the rule reports "not evaluated" instead of
	// passing. Empty means every section; "config" alone means the rule
	// reads only the configuration.
	Requires []string `json:"requires,omitempty"`
	// Scope is what the rule's findings depend on (custom.scope, see
	// Scopes): ScopeOrganization (the default), ScopeAccount or
	// ScopeTables. It decides how the engine evaluates the rule, never
	// what it finds.
	Scope string `json:"-"`
	// Package is the Rego package path, e.g. data.orgaudit.rules.root_mfa.
	Package string `json:"package"`
	// File is where the rule was loaded from.
	File string `json:"file"`
	// Source is "builtin" or the user rule directory.
	Source string `json:"source"`

	// reportsNotEvaluated is set when the rule defines a not_evaluated set.
	reportsNotEvaluated bool
}

// customMeta is the custom section of a rule's METADATA.
type customMeta struct {
	ID          string              `json:"id"`
	Severity    string              `json:"severity"`
	Remediation string              `json:"remediation"`
	Frameworks  map[string][]string `json:"frameworks"`
	Requires    []string            `json:"requires"`
	Scope       string              `json:"scope"`
}

// Rule scopes (custom.scope). A rule declares the narrowest that holds;
// the engine's tests check the built-in rules' declarations
// (TestScopesMatchWholeInput).
const (
	// ScopeOrganization rules see the whole documented input at once.
	ScopeOrganization = "organization"
	// ScopeAccount rules find, for each account, what that account's
	// data and the organization-wide parts of the input say: they are
	// evaluated a chunk of accounts at a time (input.accounts holds the
	// chunk; every other key, the library's organization-wide tables and
	// input.graph are whole), and their results are the union of the
	// chunks' results.
	ScopeAccount = "account"
	// ScopeTables rules read no account's data: they are evaluated once
	// with input.accounts empty (every other key, the library's
	// organization-wide tables and input.graph whole).
	ScopeTables = "tables"
)

// Scopes lists the valid values of custom.scope.
var Scopes = []string{ScopeOrganization, ScopeAccount, ScopeTables}

func decodeCustom(custom map[string]any) (customMeta, error) {
	var c customMeta
	b, err := json.Marshal(custom)
	if err != nil {
		return c, fmt.Errorf("custom metadata: %w", err)
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return c, fmt.Errorf("custom metadata: %w", err)
	}
	return c, nil
}

// Finding is one result of a rule: something wrong with one resource.
type Finding struct {
	RuleID    string         `json:"rule_id"`
	Severity  Severity       `json:"severity"`
	AccountID string         `json:"account_id"`
	Resource  string         `json:"resource"`
	Message   string         `json:"message"`
	Evidence  map[string]any `json:"evidence,omitempty"`
	// Key tells apart findings of one rule on one resource (e.g. which
	// statement); it is part of the fingerprint.
	Key string `json:"key,omitempty"`
	// Fingerprint identifies the finding across runs and versions: a hash
	// of rule id, account, resource and key.
	Fingerprint string `json:"fingerprint"`
	// Suppression is set when a configured exception covers the finding.
	// Suppressed findings stay in JSON and SARIF reports but do not fail a
	// run.
	Suppression *Suppression `json:"suppression,omitempty"`
	// BaselineState is "new" or "existing" when the run compared against a
	// baseline report, empty otherwise.
	BaselineState string `json:"baseline_state,omitempty"`
}

// Suppression records why a finding is accepted.
type Suppression struct {
	Reason string `json:"reason"`
	Owner  string `json:"owner,omitempty"`
	// Expires is the date (YYYY-MM-DD) after which the exception stops
	// suppressing.
	Expires string `json:"expires,omitempty"`
	// Source names where the exception is defined, e.g. ".orgaudit.yaml".
	Source string `json:"source,omitempty"`
}

// Baseline states of Finding.BaselineState.
const (
	BaselineNew      = "new"
	BaselineExisting = "existing"
)

// NotEvaluated says a rule could not be evaluated for an account (or for
// the organization, with an empty AccountID) because data it needs is
// missing from the snapshot (a gap), or because the rule said so itself
// (its not_evaluated set), typically for missing configuration.
type NotEvaluated struct {
	RuleID    string `json:"rule_id"`
	AccountID string `json:"account_id,omitempty"`
	// Section is the snapshot section a gap covers, or what the rule
	// reported missing (e.g. "config.identity_account").
	Section   string `json:"section"`
	Operation string `json:"operation,omitempty"`
	Reason    string `json:"reason"`
}

// Result is the outcome of evaluating every rule over one snapshot.
type Result struct {
	Rules        []Rule         `json:"rules"`
	Findings     []Finding      `json:"findings"`
	NotEvaluated []NotEvaluated `json:"not_evaluated"`
}

// AtOrAbove returns a copy of the result without the findings, and the
// not-evaluated checks, of rules below min. Rules are kept.
func (r *Result) AtOrAbove(min Severity) *Result {
	sev := map[string]Severity{}
	for _, rule := range r.Rules {
		sev[rule.ID] = rule.Severity
	}
	return &Result{
		Rules:        r.Rules,
		Findings:     filtered(r.Findings, func(f *Finding) bool { return f.Severity >= min }),
		NotEvaluated: filtered(r.NotEvaluated, func(n *NotEvaluated) bool { return sev[n.RuleID] >= min }),
	}
}

// filtered returns the elements of list keep accepts, in order, in a new
// slice (never nil) allocated at their number: the findings of a large
// organization are megabytes, copied as a check's memory peaks.
func filtered[T any](list []T, keep func(*T) bool) []T {
	n := 0
	for i := range list {
		if keep(&list[i]) {
			n++
		}
	}
	out := make([]T, 0, n)
	for i := range list {
		if keep(&list[i]) {
			out = append(out, list[i])
		}
	}
	return out
}

// HasFindingAtOrAbove reports whether any finding that counts (not
// suppressed, and not already in the baseline) is at or above s.
func (r *Result) HasFindingAtOrAbove(s Severity) bool {
	for _, f := range r.Findings {
		if f.Severity >= s && f.Counts() {
			return true
		}
	}
	return false
}

// Counts reports whether the finding can fail a run: it is neither
// suppressed by an exception nor already present in the baseline.
func (f Finding) Counts() bool {
	return f.Suppression == nil && f.BaselineState != BaselineExisting
}
