package baseline

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgaudit/orgaudit/internal/engine"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		input   string
		format  string
		entries int
		wantErr string
	}{
		{"json", `{"report_version": "1", "findings": [{"fingerprint": "a", "rule_id": "R"}, {"fingerprint": "b", "rule_id": "R"}]}`, "json", 2, ""},
		{"json empty", `{"report_version": "1", "findings": []}`, "json", 0, ""},
		{"sarif", `{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "orgaudit"}}, "results": [{"ruleId": "R", "partialFingerprints": {"orgauditFinding/v1": "a"}, "properties": {"account_id": "1"}, "locations": [{"logicalLocations": [{"fullyQualifiedName": "arn:x"}]}]}]}]}`, "sarif", 1, ""},
		{"sarif other tools ignored", `{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "trivy"}}, "results": [{"ruleId": "X"}]}]}`, "sarif", 0, ""},
		{"json future version", `{"report_version": "9", "findings": []}`, "", 0, `report_version "9"`},
		{"sarif wrong version", `{"version": "2.2", "runs": []}`, "", 0, `SARIF version "2.2"`},
		{"no fingerprint", `{"report_version": "1", "findings": [{"rule_id": "R"}]}`, "", 0, "no fingerprint"},
		{"sarif no fingerprint", `{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "orgaudit"}}, "results": [{"ruleId": "R"}]}]}`, "", 0, "partial fingerprint"},
		{"not a report", `{"hello": 1}`, "", 0, "not an orgaudit report"},
		{"not json", `<testsuites/>`, "", 0, "invalid JSON at line 1, column 1"},
		{"duplicate key", "{\"report_version\": \"1\",\n \"findings\": [{\"fingerprint\": \"a\"}],\n \"findings\": []}", "", 0, `line 3, column 2: duplicate key "findings" in $`},
		{"duplicate nested key", `{"version": "2.1.0", "runs": [{"results": [{"ruleId": "R", "ruleId": "S"}]}]}`, "", 0, `duplicate key "ruleId" in $.runs[0].results[0]`},
		{"invalid UTF-8", "{\"report_version\": \"1\", \"findings\": [{\"fingerprint\": \"a\xff\"}]}", "", 0, "invalid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Parse([]byte(tt.input))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if b.Format != tt.format || b.Len() != tt.entries {
				t.Errorf("format %s with %d entries, want %s with %d", b.Format, b.Len(), tt.format, tt.entries)
			}
		})
	}
}

func TestApply(t *testing.T) {
	b, err := Parse([]byte(`{"report_version": "1", "findings": [
		{"fingerprint": "kept", "rule_id": "R1"},
		{"fingerprint": "gone-b", "rule_id": "R2", "resource": "b"},
		{"fingerprint": "gone-a", "rule_id": "R2", "resource": "a"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	res := &engine.Result{Findings: []engine.Finding{{Fingerprint: "kept"}, {Fingerprint: "fresh"}}}
	info := b.Apply(res)
	if res.Findings[0].BaselineState != engine.BaselineExisting || res.Findings[1].BaselineState != engine.BaselineNew {
		t.Errorf("states %q %q", res.Findings[0].BaselineState, res.Findings[1].BaselineState)
	}
	if info.New != 1 || info.Existing != 1 || len(info.Fixed) != 2 || info.Fixed[0].Resource != "a" {
		t.Errorf("comparison %+v", info)
	}
	if res.Findings[0].Counts() || !res.Findings[1].Counts() {
		t.Error("existing findings must not count, new ones must")
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"report_version": "1", "findings": [{"fingerprint": "a"}]}`))
	f.Add([]byte(`{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "orgaudit"}}, "results": [{"partialFingerprints": {"orgauditFinding/v1": "a"}}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := Parse(data)
		if err == nil {
			b.Apply(&engine.Result{})
		}
	})
}

func TestLoadBounds(t *testing.T) {
	path := filepath.Join(t.TempDir(), "report.json")
	content := `{"report_version": "1", "findings": [{"fingerprint": "a", "rule_id": "R"}]}`
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if b, err := Load(ctx, path, int64(len(content))); err != nil || b.Len() != 1 || b.Path != path {
		t.Fatalf("at the cap: %v", err)
	}
	if _, err := Load(ctx, path, int64(len(content))-1); err == nil || !strings.Contains(err.Error(), "--max-input-size") {
		t.Errorf("over the cap: %v", err)
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Load(canceled, path, 0); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled: %v", err)
	}
}
