package engine

import (
	"fmt"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

// TestShare: sharing the parts of a value alike in every way leaves its
// text as it was, shares what is alike, and never what differs in its
// text only (numbers Rego holds equal, sets beside arrays).
func TestShare(t *testing.T) {
	for _, tc := range []struct {
		src    string
		shared [][2]int // elements of the top-level array made one value
		apart  [][2]int // elements that must stay apart
	}{
		{src: `[{"a": [1, "x"]}, {"a": [1, "x"]}, {"a": [1.0, "x"]}, {"a": [1, "x"], "b": null}]`, shared: [][2]int{{0, 1}}, apart: [][2]int{{0, 2}, {0, 3}}},
		{src: `[["s", {"k": true}], ["s", {"k": true}], ["s", {"k": false}], ["s", {"k": "true"}]]`, shared: [][2]int{{0, 1}}, apart: [][2]int{{0, 2}, {0, 3}, {2, 3}}},
		{src: `[{"x": {"y": {1, 2}}}, {"x": {"y": {1, 2}}}, {"x": {"y": [1, 2]}}]`, apart: [][2]int{{0, 1}, {0, 2}}},
		{src: `[{"b": 1, "a": 2}, {"a": 2, "b": 1}, {"a": 2, "c": 1}, [], []]`, shared: [][2]int{{0, 1}}, apart: [][2]int{{0, 2}}},
		{src: `[{1: "a"}, {1: "a"}, {1.0: "a"}]`, apart: [][2]int{{0, 1}, {0, 2}}},
	} {
		v := ast.MustParseTerm(tc.src).Value
		text := v.String()
		want := ast.MustParseTerm(tc.src).Value
		got, _ := newSharer().share(v)
		if got.String() != text || ast.Compare(got, want) != 0 {
			t.Errorf("%s: shared, it is %s", tc.src, got)
		}
		arr := got.(*ast.Array)
		for _, p := range tc.shared {
			if arr.Elem(p[0]).Value != arr.Elem(p[1]).Value {
				t.Errorf("%s: elements %d and %d not shared", tc.src, p[0], p[1])
			}
		}
		for _, p := range tc.apart {
			a, b := arr.Elem(p[0]).Value, arr.Elem(p[1]).Value
			if same(a, b) || a == b {
				t.Errorf("%s: elements %d and %d held the same", tc.src, p[0], p[1])
			}
		}
	}
}

// TestShareStopsWhereItDoesNotPay: a sharer that finds too few parts
// alike among the first it sees stops sharing, one that finds many goes
// on to the end; either way the value is the one converted, text and all.
func TestShareStopsWhereItDoesNotPay(t *testing.T) {
	const n = 2 * probeParts
	apart := make([]any, n)   // every part different
	alike := make([]any, n)   // every part one of a few
	mixed := make([]any, 2*n) // different, then alike
	for i := range n {
		apart[i] = map[string]any{"id": fmt.Sprint("node-", i), "kind": "role"}
		alike[i] = map[string]any{"to": []any{fmt.Sprint("r", i%7)}}
		mixed[i], mixed[n+i] = apart[i], alike[i]
	}
	for _, tc := range []struct {
		name    string
		doc     []any
		stopped bool
	}{
		{"apart", apart, true},
		{"alike", alike, false},
		{"apart then alike", mixed, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, err := ast.InterfaceToValue(tc.doc)
			if err != nil {
				t.Fatal(err)
			}
			v, _ := ast.InterfaceToValue(tc.doc)
			s := newSharer()
			got, _ := s.share(v)
			if s.off != tc.stopped {
				t.Errorf("stopped = %v, want %v (%d parts, %d alike)", s.off, tc.stopped, s.parts, s.alike)
			}
			if got.String() != want.String() || ast.Compare(got, want) != 0 {
				t.Error("shared value differs from the converted one")
			}
			if !tc.stopped {
				arr := got.(*ast.Array)
				if arr.Elem(0).Value != arr.Elem(7).Value || arr.Elem(n-1).Value != arr.Elem(n-8).Value {
					t.Error("parts alike not shared to the end")
				}
			}
		})
	}
}
