package cli

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type jsonReport struct {
	Findings []struct {
		RuleID        string `json:"rule_id"`
		Resource      string `json:"resource"`
		Message       string `json:"message"`
		BaselineState string `json:"baseline_state"`
	} `json:"findings"`
	Baseline *struct {
		New      int `json:"new"`
		Existing int `json:"existing"`
	} `json:"baseline"`
}

func decodeReport(t *testing.T, s string) jsonReport {
	t.Helper()
	var r jsonReport
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		t.Fatalf("decode report: %v", err)
	}
	return r
}

// addOpenRole writes a copy of the fixture with one more role in account
// 333333333333 that any AWS principal can assume.
func addOpenRole(t *testing.T, fixture string) string {
	t.Helper()
	raw, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	for _, a := range doc["accounts"].([]any) {
		acct := a.(map[string]any)
		if acct["id"] != "333333333333" {
			continue
		}
		iam := acct["iam"].(map[string]any)
		iam["roles"] = append(iam["roles"].([]any), map[string]any{
			"name": "open-door", "id": "AROAOPENDOOR0000001", "arn": "arn:aws:iam::333333333333:role/open-door", "path": "/",
			"create_date": "2026-10-30T00:00:00Z", "last_used": map[string]any{"date": "2026-10-31T00:00:00Z", "region": "us-east-1"},
			"trust_policy":      map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{"Effect": "Allow", "Principal": map[string]any{"AWS": "*"}, "Action": "sts:AssumeRole"}}},
			"inline_policies":   []any{},
			"attached_policies": []any{},
		})
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "changed.json")
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestBaselineWorkflow is the nightly CI scenario: yesterday's report is
// the baseline; an unchanged organization passes with every finding marked
// existing; a new role that anyone can assume fails with exactly that
// finding.
func TestBaselineWorkflow(t *testing.T) {
	chdirRoot(t)
	fx := "fixtures/startup-dev-prod.json"
	cfg := "fixtures/startup-dev-prod.orgaudit.yaml" // complete: no check left unevaluated
	for _, format := range []string{"json", "sarif"} {
		t.Run(format, func(t *testing.T) {
			base := filepath.Join(t.TempDir(), "base."+format)
			if r := run(t, "check", "--snapshot", fx, "--config", cfg, "--format", format, "--output", base); r.code != ExitFindings {
				t.Fatalf("baseline run: exit %d, %s", r.code, r.stderr)
			}

			r := run(t, "check", "--snapshot", fx, "--config", cfg, "--format", "json", "--baseline", base)
			if r.code != ExitOK {
				t.Fatalf("unchanged snapshot with baseline: exit %d, want 0 (%s)", r.code, r.stderr)
			}
			rep := decodeReport(t, r.stdout)
			if len(rep.Findings) == 0 {
				t.Fatal("no findings at all")
			}
			for _, f := range rep.Findings {
				if f.BaselineState != "existing" {
					t.Errorf("%s %s marked %q, want existing", f.RuleID, f.Resource, f.BaselineState)
				}
			}

			changed := addOpenRole(t, fx)
			r = run(t, "check", "--snapshot", changed, "--config", cfg, "--format", "json", "--baseline", base)
			if r.code != ExitFindings {
				t.Fatalf("snapshot with an open role: exit %d, want 1 (%s)", r.code, r.stderr)
			}
			rep = decodeReport(t, r.stdout)
			// The open role is new (OA-TRUST-003), and so are the paths into
			// production it opens (OA-REACH-*, whose messages show the path);
			// nothing else.
			var fresh []string
			sawOpen := false
			for _, f := range rep.Findings {
				if f.BaselineState != "new" {
					continue
				}
				fresh = append(fresh, f.RuleID+" "+f.Resource)
				switch {
				case f.RuleID == "OA-TRUST-003" && f.Resource == "arn:aws:iam::333333333333:role/open-door":
					sawOpen = true
				case strings.HasPrefix(f.RuleID, "OA-REACH-") && strings.Contains(f.Message, "open-door"):
				default:
					t.Errorf("unexpected new finding %s %s: %s", f.RuleID, f.Resource, f.Message)
				}
			}
			if !sawOpen {
				t.Errorf("new findings %q lack the open role's OA-TRUST-003", fresh)
			}
		})
	}
}

func TestBaselineErrors(t *testing.T) {
	chdirRoot(t)
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"hello": "world"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	assertCleanError(t, run(t, "check", "--snapshot", "fixtures/startup-dev-prod.json", "--baseline", bad), ExitUsage, "bad.json", "not an orgaudit report")
	assertCleanError(t, run(t, "check", "--snapshot", "fixtures/startup-dev-prod.json", "--baseline", "nope.sarif"), ExitUsage, "nope.sarif")
}

// TestJUnitOneFailurePerFinding parses the JUnit output as XML and checks
// it holds exactly one failure per (unsuppressed) finding.
func TestJUnitOneFailurePerFinding(t *testing.T) {
	chdirRoot(t)
	for _, fx := range fixtures {
		t.Run(filepath.Base(fx), func(t *testing.T) {
			rep := decodeReport(t, run(t, "check", "--snapshot", fx, "--format", "json").stdout)
			out := run(t, "check", "--snapshot", fx, "--format", "junit").stdout
			var suites struct {
				Tests    int `xml:"tests,attr"`
				Failures int `xml:"failures,attr"`
				Suites   []struct {
					Cases []struct {
						Failure *struct{} `xml:"failure"`
					} `xml:"testcase"`
				} `xml:"testsuite"`
			}
			if err := xml.Unmarshal([]byte(out), &suites); err != nil {
				t.Fatalf("JUnit output is not XML: %v", err)
			}
			failures := 0
			for _, s := range suites.Suites {
				for _, c := range s.Cases {
					if c.Failure != nil {
						failures++
					}
				}
			}
			if failures != len(rep.Findings) || suites.Failures != failures {
				t.Errorf("%d failure elements (attribute says %d) for %d findings", failures, suites.Failures, len(rep.Findings))
			}
		})
	}
}

// TestDiffShowsOpenRoleAndNewPaths: the role that any principal can assume
// appears in diff as an added role and as new paths into production, and
// the diff fails by default.
func TestDiffShowsOpenRoleAndNewPaths(t *testing.T) {
	chdirRoot(t)
	fx := "fixtures/startup-dev-prod.json"
	changed := addOpenRole(t, fx)
	r := run(t, "diff", fx, changed, "--format", "json")
	if r.code != ExitFindings {
		t.Fatalf("diff: exit %d, want 1 (%s)", r.code, r.stderr)
	}
	var res struct {
		PathsCompared bool `json:"paths_compared"`
		Changes       []struct {
			Kind     string `json:"kind"`
			Resource string `json:"resource"`
			Summary  string `json:"summary"`
		} `json:"changes"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &res); err != nil {
		t.Fatal(err)
	}
	var roleAdded, anyoneIn bool
	for _, c := range res.Changes {
		if c.Kind == "role.added" && c.Resource == "arn:aws:iam::333333333333:role/open-door" {
			roleAdded = true
		}
		if c.Kind == "path.added" && c.Resource == "*" && strings.Contains(c.Summary, "open-door") {
			anyoneIn = true
		}
	}
	if !res.PathsCompared || !roleAdded || !anyoneIn {
		t.Errorf("diff lacks the open role (%v) or the new path from any principal into production (%v): %s", roleAdded, anyoneIn, r.stdout)
	}
}
