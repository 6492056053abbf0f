package engine

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// TestJoinFindingsIsTheSlowWay: fingerprinting and sorting each rule's
// findings apart and joining them (Engine.result) gives what
// fingerprinting and sorting all findings at once gives, colliding
// findings (same account, resource and key) and findings alike but for
// their evidence included.
func TestJoinFindingsIsTheSlowWay(t *testing.T) {
	rules := []Rule{
		{ID: "OA-A-001", Severity: SeverityLow},
		{ID: "OA-B-001", Severity: SeverityCritical},
		{ID: "OA-C-001", Severity: SeverityLow},
		{ID: "OA-D-001", Severity: SeverityHigh},
		{ID: "OA-E-001", Severity: SeverityInfo},
		{ID: "OA-F-001", Severity: SeverityHigh},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 20 {
		found := make([][]Finding, len(rules))
		var all []Finding
		for i, r := range rules {
			for range rng.IntN(40) {
				f := Finding{
					RuleID: r.ID, Severity: r.Severity,
					AccountID: fmt.Sprint(rng.IntN(3)), Resource: fmt.Sprint("r", rng.IntN(4)),
					Key: []string{"", "k"}[rng.IntN(2)], Message: fmt.Sprint("m", rng.IntN(3)),
				}
				if rng.IntN(2) == 0 {
					f.Evidence = map[string]any{"e": float64(rng.IntN(3))}
				}
				found[i] = append(found[i], f)
			}
			all = append(all, found[i]...)
		}
		fingerprint(all)
		SortFindings(all)
		for i := range found {
			fingerprint(found[i])
			SortFindings(found[i])
		}
		got := joinFindings(rules, found)
		if !reflect.DeepEqual(got, all) && len(all) > 0 {
			t.Fatalf("round %d: joined findings differ from the sort of all", round)
		}
	}
}

// TestMergerIsTaskOrder: the outputs merged as the tasks end, in any
// order, are those merged in task order after all ended.
func TestMergerIsTaskOrder(t *testing.T) {
	const tasks = 12
	rng := rand.New(rand.NewPCG(3, 4))
	outputs := func() [][]groupOutput {
		outs := make([][]groupOutput, tasks)
		for i := range outs {
			var items []any
			for range rng.IntN(5) {
				items = append(items, map[string]any{"resource": fmt.Sprint("r", rng.IntN(6)), "message": "m"})
			}
			outs[i] = []groupOutput{{"OA-X-001": items, "single": fmt.Sprint(i)}}
		}
		return outs
	}
	chunked := map[string]bool{"OA-X-001": true}
	for range 20 {
		outs := outputs()
		want := map[string]any{}
		seen := map[string]*union{}
		for _, list := range outs {
			for _, o := range list {
				for _, k := range slices.Sorted(maps.Keys(o)) {
					if err := merge(want, k, o[k], chunked[k], seen); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		m := newMerger(tasks, slices.Clone(outs), chunked)
		for _, i := range rng.Perm(tasks) {
			if err := m.done(i); err != nil {
				t.Fatal(err)
			}
		}
		if m.next != tasks {
			t.Fatalf("merged %d tasks of %d", m.next, tasks)
		}
		if !reflect.DeepEqual(m.out, want) {
			t.Fatalf("merged as the tasks end:\n%v\nin task order:\n%v", m.out, want)
		}
	}
}
