// Package baseline compares a check result with a previous report (JSON or
// SARIF, as written by orgaudit) so that CI runs fail only on findings that
// are new. Findings are matched by fingerprint, which depends on the rule,
// the account, the resource and the key, not on messages, severities or the
// orgaudit version.
package baseline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"github.com/orgaudit/orgaudit/internal/engine"
	"github.com/orgaudit/orgaudit/internal/input"
	"github.com/orgaudit/orgaudit/internal/output"
)

// Entry is one finding of the baseline report.
type Entry = output.BaselineFinding

// Baseline is the set of findings of a previous report.
type Baseline struct {
	// Path is the file the baseline was read from.
	Path string
	// Format is "json" or "sarif".
	Format  string
	entries map[string]Entry
}

// Len returns the number of findings in the baseline.
func (b *Baseline) Len() int { return len(b.entries) }

// Load reads a previous orgaudit report in JSON or SARIF format, at most
// maxSize bytes (input.DefaultMaxSize when not positive), stopping when
// ctx is done. Malformed JSON, duplicate keys and invalid UTF-8 are refused
// as soon as they are read, with the line and column.
func Load(ctx context.Context, path string, maxSize int64) (*Baseline, error) {
	raw, err := input.ReadJSONFile(ctx, path, maxSize)
	if err != nil {
		return nil, fmt.Errorf("baseline %s: %w", path, err)
	}
	b, err := Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("baseline %s: %w", path, err)
	}
	b.Path = path
	return b, nil
}

// Parse reads a JSON or SARIF orgaudit report. Duplicate keys and invalid
// UTF-8 are refused with the line and column.
func Parse(raw []byte) (*Baseline, error) {
	if err := input.CheckJSON(raw); err != nil {
		return nil, err
	}
	var probe struct {
		ReportVersion *string         `json:"report_version"`
		Version       *string         `json:"version"`
		Runs          json.RawMessage `json:"runs"`
	}
	if err := json.Unmarshal(raw, &probe); err != nil {
		return nil, fmt.Errorf("not a JSON or SARIF report: %w", err)
	}
	switch {
	case probe.ReportVersion != nil:
		return parseJSON(raw, *probe.ReportVersion)
	case probe.Runs != nil:
		return parseSARIF(raw)
	default:
		return nil, errors.New("not an orgaudit report: expected a JSON report (report_version) or SARIF (runs)")
	}
}

func parseJSON(raw []byte, version string) (*Baseline, error) {
	if version != output.JSONVersion {
		return nil, fmt.Errorf("unsupported JSON report_version %q (this build reads %q)", version, output.JSONVersion)
	}
	var doc struct {
		Findings []Entry `json:"findings"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("decode JSON report: %w", err)
	}
	b := &Baseline{Format: "json", entries: map[string]Entry{}}
	for i, f := range doc.Findings {
		if f.Fingerprint == "" {
			return nil, fmt.Errorf("finding %d has no fingerprint", i)
		}
		b.entries[f.Fingerprint] = f
	}
	return b, nil
}

func parseSARIF(raw []byte) (*Baseline, error) {
	var doc struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name string `json:"name"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID              string            `json:"ruleId"`
				PartialFingerprints map[string]string `json:"partialFingerprints"`
				Message             struct {
					Text string `json:"text"`
				} `json:"message"`
				Properties map[string]any `json:"properties"`
				Locations  []struct {
					LogicalLocations []struct {
						FullyQualifiedName string `json:"fullyQualifiedName"`
					} `json:"logicalLocations"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("decode SARIF report: %w", err)
	}
	if doc.Version != "2.1.0" {
		return nil, fmt.Errorf("unsupported SARIF version %q (this build reads 2.1.0)", doc.Version)
	}
	b := &Baseline{Format: "sarif", entries: map[string]Entry{}}
	for _, run := range doc.Runs {
		if run.Tool.Driver.Name != "orgaudit" {
			continue
		}
		for i, r := range run.Results {
			fp := r.PartialFingerprints[output.FingerprintKey]
			if fp == "" {
				return nil, fmt.Errorf("result %d has no %s partial fingerprint", i, output.FingerprintKey)
			}
			e := Entry{Fingerprint: fp, RuleID: r.RuleID, Message: r.Message.Text}
			if acct, ok := r.Properties["account_id"].(string); ok {
				e.AccountID = acct
			}
			if len(r.Locations) > 0 && len(r.Locations[0].LogicalLocations) > 0 {
				e.Resource = r.Locations[0].LogicalLocations[0].FullyQualifiedName
			}
			b.entries[fp] = e
		}
	}
	return b, nil
}

// Apply marks every finding of res as new or existing and returns the
// counts and the findings that were fixed since the baseline, for reports.
func (b *Baseline) Apply(res *engine.Result) *output.BaselineInfo {
	c := &output.BaselineInfo{Path: b.Path, Fixed: []output.BaselineFinding{}}
	seen := make(map[string]bool, len(res.Findings))
	for i := range res.Findings {
		f := &res.Findings[i]
		if _, ok := b.entries[f.Fingerprint]; ok {
			f.BaselineState = engine.BaselineExisting
			c.Existing++
		} else {
			f.BaselineState = engine.BaselineNew
			c.New++
		}
		seen[f.Fingerprint] = true
	}
	for fp, e := range b.entries {
		if !seen[fp] {
			c.Fixed = append(c.Fixed, e)
		}
	}
	sort.Slice(c.Fixed, func(i, j int) bool {
		a, z := c.Fixed[i], c.Fixed[j]
		for _, p := range [][2]string{{a.RuleID, z.RuleID}, {a.AccountID, z.AccountID}, {a.Resource, z.Resource}, {a.Fingerprint, z.Fingerprint}} {
			if p[0] != p[1] {
				return p[0] < p[1]
			}
		}
		return false
	})
	return c
}
