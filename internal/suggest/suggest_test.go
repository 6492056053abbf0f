package suggest

import "testing"

func TestClosest(t *testing.T) {
	formats := []string{"json", "junit", "markdown", "sarif", "table"}
	tests := []struct {
		name, input string
		candidates  []string
		want        string
	}{
		{"transposition", "sraif", formats, "sarif"},
		{"missing letter", "jsn", formats, "json"},
		{"case", "SARIF", formats, "sarif"},
		{"abbreviation", "mark", formats, "markdown"},
		{"too far", "xml", formats, ""},
		{"empty", "", formats, ""},
		{"environment", "prodution", []string{"development", "production", "staging"}, "production"},
		{"account name", "prod-wbe", []string{"prod-web", "prod-data", "dev"}, "prod-web"},
		{"config key", "identity_acount", []string{"version", "identity_account", "environments"}, "identity_account"},
		{"rule id", "OA-IAM-04", []string{"OA-IAM-004", "OA-IAM-005", "OA-ROOT-004"}, "OA-IAM-004"},
		{"change kind", "path.add", []string{"path.added", "path.removed", "role.added"}, "path.added"},
		{"tie broken by name", "ab", []string{"ac", "aa"}, "aa"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Closest(tt.input, tt.candidates); got != tt.want {
				t.Errorf("Closest(%q) = %q, want %q", tt.input, got, tt.want)
			}
		})
	}
}

func TestHint(t *testing.T) {
	if got := Hint("tabel", []string{"table", "json"}); got != " (did you mean table?)" {
		t.Errorf("Hint = %q", got)
	}
	if got := Hint("yaml", []string{"table", "json"}); got != "" {
		t.Errorf("Hint = %q, want none", got)
	}
}
