package output

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/orgaudit/orgaudit/internal/engine"
	"github.com/orgaudit/orgaudit/internal/orggen"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// largeCheckReport builds a report over a generated organization of n
// accounts with perAccount findings each, of every evidence shape rules
// produce, plus strings JSON must escape.
func largeCheckReport(n, perAccount int) *CheckReport {
	snap := orggen.Generate(orggen.Options{Accounts: n, RolesPerAccount: 2, UsersPerAccount: 1})
	rules := []engine.Rule{
		{ID: "OA-A-001", Title: "Roles <unused> & \"stale\"", Severity: engine.SeverityLow, Frameworks: map[string][]string{"cis-aws-3.0": {"1.1"}}},
		{ID: "OA-B-002", Title: "Trust requires MFA", Severity: engine.SeverityHigh, RelatedResources: []string{"https://example.com/a?b=1&c=2"}},
		{ID: "OA-C-003", Title: "Unicode \u2028 line\tseparator é", Severity: engine.SeverityCritical},
	}
	res := &engine.Result{Rules: rules}
	for i, a := range snap.Accounts {
		for k := range perAccount {
			rule := rules[k%len(rules)]
			f := engine.Finding{
				RuleID:      rule.ID,
				Severity:    rule.Severity,
				AccountID:   a.ID,
				Resource:    fmt.Sprintf("arn:aws:iam::%s:role/r-%d", a.ID, k),
				Message:     fmt.Sprintf("Role r-%d in %s (%s) has not been used for %d days <b>&\"x\"\\", k, a.Name, a.ID, 90+k),
				Fingerprint: fmt.Sprintf("%032x", i*perAccount+k),
			}
			switch k % 5 {
			case 0:
				f.Evidence = map[string]any{"age_days": json.Number(fmt.Sprint(90 + k)), "last_used": "2026-05-01T06:00:00Z", "never": false}
			case 1:
				f.Evidence = map[string]any{"path": []any{"a", "b\u2029", map[string]any{"z": nil, "a": []any{}}}, "groups": []any{}, "ratio": 0.5, "n": 3, "big": 1e21, "tiny": 1e-7, "nil list": []any(nil), "nil map": map[string]any(nil), "nil strings": []string(nil), "empty": map[string]any{}}
			case 2:
				f.Key = fmt.Sprintf("statement %d", k)
				f.Suppression = &engine.Suppression{Reason: "accepted <risk>", Owner: "sec", Source: ".orgaudit.yaml"}
			case 3:
				f.Evidence = map[string]any{"conditions": map[string]any{"b": "\xff invalid", "a": json.Number("1.50")}, "list": []string{"x", "y"}}
				f.BaselineState = "new"
			case 4:
				f.Message += " \x01\n é"
			}
			res.Findings = append(res.Findings, f)
		}
		if i%7 == 0 {
			res.NotEvaluated = append(res.NotEvaluated, engine.NotEvaluated{RuleID: rules[0].ID, AccountID: a.ID, Section: "iam", Reason: "AccessDenied <x>"})
		}
	}
	loaded := &snapshot.Loaded{Path: "org.json", Snapshot: snap}
	r := NewCheckReport("v1.2.3", loaded, res)
	r.Baseline = &BaselineInfo{Path: "base.json", New: 1, Fixed: []BaselineFinding{{Fingerprint: "f", RuleID: "OA-A-001"}}}
	return r
}

// wholeJSONReport is the whole JSON report document, findings included:
// what writeCheckJSON streams.
func wholeJSONReport(r *CheckReport) JSONReport {
	out := r.jsonReport()
	for _, f := range r.Result.Findings {
		out.Findings = append(out.Findings, r.jsonFinding(f))
	}
	return out
}

// TestCheckJSONMatchesEncoder proves the streaming writer against the
// slow way: encoding/json of the whole JSONReport, indented.
func TestCheckJSONMatchesEncoder(t *testing.T) {
	for _, size := range []struct{ accounts, per int }{{3, 0}, {3, 1}, {20, 11}} {
		t.Run(fmt.Sprintf("%dx%d", size.accounts, size.per), func(t *testing.T) {
			r := largeCheckReport(size.accounts, size.per)
			var want, got bytes.Buffer
			if err := writeIndentedJSON(&want, "json", wholeJSONReport(r)); err != nil {
				t.Fatal(err)
			}
			if err := writeCheckJSON(&got, r, Options{}); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				g, w := got.Bytes(), want.Bytes()
				i := 0
				for i < len(g) && i < len(w) && g[i] == w[i] {
					i++
				}
				t.Fatalf("reports differ at byte %d:\ngot  %q\nwant %q", i, g[max(0, i-80):min(len(g), i+80)], w[max(0, i-80):min(len(w), i+80)])
			}
		})
	}
}

// BenchmarkCheckJSON writes the JSON report of 1,000 accounts with 40
// findings each (40,000 findings): the streaming writer, and
// encoding/json of the whole document (what it replaced).
func BenchmarkCheckJSON(b *testing.B) {
	r := largeCheckReport(1000, 40)
	r.Compliance()
	writers := []struct {
		name  string
		write func(*bytes.Buffer) error
	}{
		{"stream", func(w *bytes.Buffer) error { return writeCheckJSON(w, r, Options{}) }},
		{"encoding-json", func(w *bytes.Buffer) error { return writeIndentedJSON(w, "json", wholeJSONReport(r)) }},
	}
	for _, wr := range writers {
		b.Run(wr.name, func(b *testing.B) {
			var buf bytes.Buffer
			b.ReportAllocs()
			for b.Loop() {
				buf.Reset()
				if err := wr.write(&buf); err != nil {
					b.Fatal(err)
				}
			}
			b.SetBytes(int64(buf.Len()))
		})
	}
}
