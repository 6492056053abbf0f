package cli

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"
)

// TestWholeInputFlag: --whole-input evaluates a rule over every account at
// once whatever its custom.scope, so that a rule author sees a wrong
// declaration (a rule of scope account that counts the accounts counts a
// chunk's without it).
func TestWholeInputFlag(t *testing.T) {
	snap := filepath.Join(t.TempDir(), "org.json")
	if r := run(t, "generate", "--accounts", "150", "--roles", "2", "--output", snap); r.code != 0 {
		t.Fatalf("generate: exit %d: %s", r.code, r.stderr)
	}
	rules, err := filepath.Abs(filepath.Join("testdata", "scoperules"))
	if err != nil {
		t.Fatal(err)
	}
	messages := func(extra ...string) []string {
		args := append([]string{"check", "--snapshot", snap, "--rules", rules, "--rule", "ACME-COUNT", "--format", "json", "--fail-on", "none"}, extra...)
		r := run(t, args...)
		if r.code != 0 {
			t.Fatalf("check %v: exit %d: %s", extra, r.code, r.stderr)
		}
		var rep struct {
			Findings []struct {
				Message string `json:"message"`
			} `json:"findings"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, f := range rep.Findings {
			out = append(out, f.Message)
		}
		slices.Sort(out)
		return out
	}
	tests := []struct {
		name  string
		flags []string
		whole bool
	}{
		{"chunks", nil, false},
		{"whole input", []string{"--whole-input"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := messages(tt.flags...)
			isWhole := slices.Equal(got, []string{"150 accounts"})
			if isWhole != tt.whole {
				t.Errorf("findings %v: whole input %v, want %v", got, isWhole, tt.whole)
			}
		})
	}
}
