package output

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/olekukonko/tablewriter/pkg/twwidth"
)

// TestRegistry: format names are unique, every kind has table (its
// default, first) and json, and Formats follows the registry.
func TestRegistry(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range formats {
		if seen[f.Name] || f.Name == "" || f.Description == "" {
			t.Errorf("format %q is duplicated or undescribed", f.Name)
		}
		seen[f.Name] = true
	}
	kinds := map[string][]string{
		Check.Name(): Check.Formats(), Paths.Name(): Paths.Formats(), Drift.Name(): Drift.Formats(),
		Handover.Name(): Handover.Formats(), Rules.Name(): Rules.Formats(), Version.Name(): Version.Formats(),
		Simulate.Name(): Simulate.Formats(), Plan.Name(): Plan.Formats(),
	}
	for name, fs := range kinds {
		if len(fs) < 2 || fs[0] != "table" || !slices.Contains(fs, "json") {
			t.Errorf("%s formats %v: want table first and json", name, fs)
		}
	}
	want := map[string][]string{
		"check":    {"table", "json", "sarif", "markdown", "junit", "html", "compliance"},
		"paths":    {"table", "json", "dot", "mermaid", "html"},
		"handover": {"table", "json", "markdown", "html"},
		"diff":     {"table", "json", "markdown"},
		"simulate": {"table", "json"},
		"plan":     {"table", "json", "markdown"},
	}
	for name, fs := range want {
		if !slices.Equal(kinds[name], fs) {
			t.Errorf("%s formats %v, want %v", name, kinds[name], fs)
		}
	}
	if d := Check.Describe(); !strings.Contains(d, "sarif") || strings.Contains(d, "mermaid") {
		t.Errorf("Check.Describe lists the wrong formats:\n%s", d)
	}
}

func TestUnknownFormat(t *testing.T) {
	tests := []struct {
		format string
		want   []string
	}{
		{"sraif", []string{`unknown format "sraif" for check`, "did you mean sarif?"}},
		{"yaml", []string{`unknown format "yaml" for check (valid: table, json, sarif, markdown, junit, html, compliance)`}},
		{"dot", []string{"dot is a format of other commands"}},
	}
	for _, tt := range tests {
		err := Check.Validate(tt.format)
		var ufe *UnknownFormatError
		if !errors.As(err, &ufe) {
			t.Fatalf("%s: error %v is no *UnknownFormatError", tt.format, err)
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%q does not contain %q", err, w)
			}
		}
	}
	if err := Paths.Validate("mermaid"); err != nil {
		t.Errorf("mermaid is a paths format: %v", err)
	}
}

func TestCheckDestinations(t *testing.T) {
	tests := []struct {
		name  string
		dests []Destination
		want  string
	}{
		{"one of each", []Destination{{Format: "table"}, {Format: "sarif", Path: "a.sarif"}, {Format: "markdown", Path: "s.md"}}, ""},
		{"same format twice to files", []Destination{{Format: "json", Path: "a.json"}, {Format: "json", Path: "b.json"}}, ""},
		{"two on stdout", []Destination{{Format: "table"}, {Format: "json", Path: "-"}}, "two reports on standard output"},
		{"same file twice", []Destination{{Format: "json", Path: "a"}, {Format: "sarif", Path: "./a"}}, "two reports written to"},
		{"unknown format", []Destination{{Format: "pdf", Path: "r.pdf"}}, `unknown format "pdf"`},
		{"no format", []Destination{ParseReport("=x.json")}, "missing format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check.CheckDestinations(tt.dests)
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
	if d := ParseReport("sarif=out/a=b.sarif"); d.Format != "sarif" || d.Path != "out/a=b.sarif" || d.Stdout() {
		t.Errorf("ParseReport: %+v", d)
	}
	if d := ParseReport("table"); !d.Stdout() {
		t.Errorf("a format alone goes to stdout: %+v", d)
	}
}

func TestTableFitsWidth(t *testing.T) {
	long := strings.Repeat("word ", 40) + "arn:aws:iam::111111111111:role/a-very-long-role-name-without-spaces-at-all"
	for _, width := range []int{60, 80, 120, 200} {
		var b strings.Builder
		tb := NewTable(&b, Options{Width: width}, 72, []int{2, 3}, "Severity", "Account", "Resource", "Message")
		tb.Row("CRITICAL", "development (222222222222)", "arn:aws:organizations::111111111111:account/o-abc/222222222222", long)
		tb.Row("LOW", "prod (333333333333)", "role/x", "short")
		if err := tb.Render(); err != nil {
			t.Fatal(err)
		}
		var message strings.Builder
		for _, line := range strings.Split(strings.TrimRight(b.String(), "\n"), "\n") {
			if w := twwidth.Width(line); w > width {
				t.Errorf("width %d: line of %d columns: %q", width, w, line)
			}
			if cells := strings.Split(line, "|"); len(cells) == 6 {
				message.WriteString(cells[4])
			}
		}
		squeeze := func(s string) string { return strings.Join(strings.Fields(s), "") }
		if !strings.Contains(squeeze(message.String()), squeeze(long)) {
			t.Errorf("width %d: the message lost text: %q", width, message.String())
		}
	}
}

func TestWrap(t *testing.T) {
	tests := []struct {
		text  string
		width int
		want  string
	}{
		{"Root user has no MFA device", 12, "Root user\nhas no MFA\ndevice"},
		{"arn:aws:iam::111111111111:role/admin", 20, "arn:aws:iam::\n111111111111:role/\nadmin"},
		{"abcdefghij", 4, "abcd\nefgh\nij"},
		{"keep\nlines", 20, "keep\nlines"},
	}
	for _, tt := range tests {
		if got := wrap(tt.text, tt.width); got != tt.want {
			t.Errorf("wrap(%q, %d) = %q, want %q", tt.text, tt.width, got, tt.want)
		}
	}
}

func TestShortARNAndDropAccount(t *testing.T) {
	tests := []struct{ got, want string }{
		{shortARN("arn:aws:iam::222222222222:role/admin", "222222222222"), "role/admin"},
		{shortARN("arn:aws:iam::222222222222:root", "222222222222"), "root"},
		{shortARN("arn:aws:iam::111111111111:role/admin", "222222222222"), "arn:aws:iam::111111111111:role/admin"},
		{shortARN("arn:aws:organizations::111111111111:account/o-abc/222222222222", "222222222222"), "account/o-abc/222222222222"},
		{shortARN("123456789012", "123456789012"), "123456789012"},
		{dropAccount("Root user of dev (2) has no MFA device", "dev (2)"), "Root user has no MFA device"},
		{dropAccount("IAM user dave in dev (2) can sign in", "dev (2)"), "IAM user dave can sign in"},
		{dropAccount("Account dev (2) sits under the root", "dev (2)"), "The account sits under the root"},
		{dropAccount("Role r trusts arn:aws:iam::1:root [master (1)]", "dev (2)"), "Role r trusts arn:aws:iam::1:root [master (1)]"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}
