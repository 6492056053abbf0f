package engine

import (
	"reflect"
	"slices"
	"testing"
)

// TestSortFindingsIgnoresArrivalOrder: findings alike in every text field
// but their evidence come out in one order whatever order they arrive in
// (chunks of accounts finish in any order, and their number depends on
// the machine's cores).
func TestSortFindingsIgnoresArrivalOrder(t *testing.T) {
	base := Finding{RuleID: "OA-X-001", Severity: SeverityHigh, AccountID: "111111111111", Resource: "role/a", Message: "m"}
	withEv := func(ev map[string]any) Finding { f := base; f.Evidence = ev; return f }
	tests := []struct {
		name string
		in   []Finding
	}{
		{"evidence differs", []Finding{withEv(map[string]any{"b": 2}), withEv(map[string]any{"a": 1}), withEv(nil)}},
		{"nested evidence", []Finding{withEv(map[string]any{"p": []any{"x", "y"}}), withEv(map[string]any{"p": []any{"x"}})}},
		{"text fields decide first", []Finding{withEv(map[string]any{"a": 1}), func() Finding { f := withEv(map[string]any{"z": 0}); f.Message = "a"; return f }()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := slices.Clone(tt.in)
			SortFindings(want)
			rev := slices.Clone(tt.in)
			slices.Reverse(rev)
			SortFindings(rev)
			if !reflect.DeepEqual(want, rev) {
				t.Fatalf("order depends on arrival:\n%v\n%v", want, rev)
			}
		})
	}
}
