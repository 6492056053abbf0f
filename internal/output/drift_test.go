package output

import (
	"bytes"
	"strings"
	"testing"

	"github.com/orgaudit/orgaudit/internal/drift"
)

// TestDriftUnknownInEveryFormat: every registered diff format lists an
// unknown change with its kind and says when the comparison is incomplete
// (gaps), so that no format shows a gapped comparison as a complete one.
func TestDriftUnknownInEveryFormat(t *testing.T) {
	result := func(incomplete bool) *drift.Result {
		return &drift.Result{
			Old: drift.SnapshotRef{Path: "old.json", CollectedAt: "2026-11-01T06:00:00Z"},
			New: drift.SnapshotRef{Path: "new.json", CollectedAt: "2026-11-02T06:00:00Z"},
			Changes: []drift.Change{{
				Kind: drift.Unknown, WouldBe: drift.RoleRemoved, AccountID: "700000000001", Resource: "arn:aws:iam::700000000001:role/Deploy",
				Summary: "role Deploy: unknown (sts:AssumeRole: AccessDenied)",
			}},
			PathsCompared: true,
			Incomplete:    incomplete,
		}
	}
	for _, format := range Drift.Formats() {
		t.Run(format, func(t *testing.T) {
			render := func(r *drift.Result) string {
				var b bytes.Buffer
				if err := Drift.Write(&b, format, r, Options{}); err != nil {
					t.Fatal(err)
				}
				return b.String()
			}
			complete, incomplete := render(result(false)), render(result(true))
			for _, want := range []string{"unknown", "role Deploy: unknown", "AccessDenied"} {
				if !strings.Contains(incomplete, want) {
					t.Errorf("%s output lacks %q:\n%s", format, want, incomplete)
				}
			}
			if complete == incomplete {
				t.Errorf("%s output does not say the comparison is incomplete:\n%s", format, incomplete)
			}
		})
	}
}

// TestDriftIncompleteNote: the text formats say in words what an
// incomplete comparison means; JSON carries the flag and the kind the
// change would have had.
func TestDriftIncompleteNote(t *testing.T) {
	r := &drift.Result{Incomplete: true, Changes: []drift.Change{{Kind: drift.Unknown, WouldBe: drift.AccountLeft, Resource: "600000000009", Summary: "s"}}}
	for format, want := range map[string]string{
		"table":    driftIncompleteNote,
		"markdown": "**Incomplete.** " + driftIncompleteNote,
		"json":     `"incomplete": true`,
	} {
		var b bytes.Buffer
		if err := Drift.Write(&b, format, r, Options{Width: 80}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), want) {
			t.Errorf("%s: lacks %q:\n%s", format, want, b.String())
		}
		if format == "json" && !strings.Contains(b.String(), `"would_be": "account.left"`) {
			t.Errorf("json: lacks would_be:\n%s", b.String())
		}
	}
}
