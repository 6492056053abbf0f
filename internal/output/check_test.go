package output

import (
	"strconv"
	"strings"
	"testing"

	"github.com/orgaudit/orgaudit/internal/engine"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

func TestLocateLines(t *testing.T) {
	raw := []byte("{\n  \"arn\": \"arn:aws:iam::1:role/a\",\n  \"x\": {\n    \"arn\": \"arn:aws:iam::1:role/b\"\n  },\n  \"again\": \"arn:aws:iam::1:role/a\"\n}")
	got := locateLines(raw, []engine.Finding{
		{Resource: "arn:aws:iam::1:role/a"},
		{Resource: "arn:aws:iam::1:role/b"},
		{Resource: "arn:aws:iam::1:role/missing"},
	})
	want := map[string]int{"arn:aws:iam::1:role/a": 2, "arn:aws:iam::1:role/b": 4, "arn:aws:iam::1:role/missing": 0}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("line of %s = %d, want %d", k, got[k], v)
		}
	}
}

func TestHelpers(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"relative uri", artifactURI("fixtures/a.json"), "fixtures/a.json"},
		{"cleaned uri", artifactURI("./fixtures/../fixtures/a.json"), "fixtures/a.json"},
		{"absolute uri", artifactURI("/tmp/snap.json"), "file:///tmp/snap.json"},
		{"empty uri", artifactURI(""), "snapshot.json"},
		{"rule name", ruleName("Root user has MFA enabled"), "RootUserHasMFAEnabled"},
		{"rule name punctuation", ruleName("Trust to an account outside the organization requires sts:ExternalId"), "TrustToAnAccountOutsideTheOrganizationRequiresStsExternalId"},
		{"short name role", shortName("arn:aws:iam::1:role/path/admin"), "admin"},
		{"short name root", shortName("arn:aws:iam::1:root"), "root"},
		{"short name id", shortName("123456789012"), "123456789012"},
		{"level critical", sarifLevel(engine.SeverityCritical), "error"},
		{"level medium", sarifLevel(engine.SeverityMedium), "warning"},
		{"level info", sarifLevel(engine.SeverityInfo), "note"},
		{"indent code", indentCode("Run:\n  aws iam x\nThen y."), "Run:\n    aws iam x\nThen y."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

func TestSummaryLine(t *testing.T) {
	s := &snapshot.Loaded{Snapshot: &snapshot.Snapshot{}}
	tests := []struct {
		name string
		res  *engine.Result
		want string
	}{
		{"none", &engine.Result{}, "0 findings: 0 critical, 0 high, 0 medium, 0 low, 0 info"},
		{"one", &engine.Result{Findings: []engine.Finding{{Severity: engine.SeverityHigh}}}, "1 finding: 0 critical, 1 high, 0 medium, 0 low, 0 info"},
		{"gaps", &engine.Result{NotEvaluated: []engine.NotEvaluated{{}, {}}}, "0 findings: 0 critical, 0 high, 0 medium, 0 low, 0 info; 2 checks not evaluated (snapshot gaps or missing configuration)"},
		{"suppressed", &engine.Result{Findings: []engine.Finding{{Severity: engine.SeverityHigh}, {Severity: engine.SeverityLow, Suppression: &engine.Suppression{Reason: "r"}}}}, "1 finding: 0 critical, 1 high, 0 medium, 0 low, 0 info; 1 suppressed by exceptions"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NewCheckReport("dev", s, tt.res).SummaryLine(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestWriteUnknownFormat(t *testing.T) {
	r := NewCheckReport("dev", &snapshot.Loaded{Snapshot: &snapshot.Snapshot{}}, &engine.Result{})
	err := Check.Write(&strings.Builder{}, "yaml", r, Options{})
	if err == nil || !strings.Contains(err.Error(), "table, json, sarif, markdown, junit") {
		t.Errorf("error %v should list the formats", err)
	}
}

// TestAutomationIDAndLocate: a category keeps a report's SARIF runs apart
// from check's; Locate moves a finding's physical location to its own
// file, and its empty answer keeps the snapshot's.
func TestAutomationIDAndLocate(t *testing.T) {
	org := &snapshot.Snapshot{Organization: &snapshot.Organization{ID: "o-abc"}}
	tests := []struct {
		name, category string
		snap           *snapshot.Snapshot
		want           string
	}{
		{"organization", "", org, "orgaudit/o-abc/"},
		{"category", "profiles", org, "orgaudit/profiles/o-abc/"},
		{"category without a snapshot", "profiles", &snapshot.Snapshot{}, "orgaudit/profiles/"},
	}
	for _, tt := range tests {
		r := NewCheckReport("dev", &snapshot.Loaded{Snapshot: tt.snap}, &engine.Result{})
		r.Category = tt.category
		if got := r.AutomationID(); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}

	res := &engine.Result{
		Rules:    []engine.Rule{{ID: "R-1", Severity: engine.SeverityHigh}},
		Findings: []engine.Finding{{RuleID: "R-1", Resource: "profile:a"}, {RuleID: "R-1", Resource: "elsewhere"}},
	}
	r := NewCheckReport("dev", &snapshot.Loaded{Path: "snap.json", Snapshot: org}, res)
	r.Locate = func(f engine.Finding) (string, int) {
		if f.Resource == "profile:a" {
			return "config", 7
		}
		return "", 0
	}
	run := r.SARIF().Runs[0]
	var got []string
	for _, res := range run.Results {
		loc := res.Locations[0].PhysicalLocation
		got = append(got, *loc.ArtifactLocation.URI+":"+strconv.Itoa(*loc.Region.StartLine))
	}
	if strings.Join(got, " ") != "config:7 snap.json:1" {
		t.Errorf("locations %v, want config:7 snap.json:1", got)
	}
	if len(run.Artifacts) != 2 {
		t.Errorf("%d artifacts, want 2 (config, snap.json)", len(run.Artifacts))
	}
}
