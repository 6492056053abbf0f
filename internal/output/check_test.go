package output

import (
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
