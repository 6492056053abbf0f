package graph

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSortEdgesMatchesSort checks the bucket sort of sortEdges against a
// plain sort of the same edges, then the same dedup.
func TestSortEdgesMatchesSort(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct{ n, nodes int }{{0, 1}, {1, 1}, {2, 1}, {50, 3}, {1000, 40}, {20000, 500}} {
		edges := make([]edge, tc.n)
		for i := range edges {
			edges[i] = edge{
				from: r.Int32N(int32(tc.nodes)), to: r.Int32N(int32(tc.nodes)), kind: uint8(r.IntN(3)),
				via: r.Int32N(3) - 1, cond: r.Int32N(3), ev: r.Int32N(3) - 1,
			}
		}
		want := slices.Clone(edges)
		slices.SortFunc(want, compareEdges)
		dedup := want[:0]
		for i := range want {
			if i > 0 {
				p := dedup[len(dedup)-1]
				if p.from == want[i].from && p.to == want[i].to && p.kind == want[i].kind {
					continue
				}
			}
			dedup = append(dedup, want[i])
		}
		if got := sortEdges(edges); !slices.Equal(got, dedup) {
			t.Errorf("%d edges over %d nodes: sortEdges differs from a plain sort", tc.n, tc.nodes)
		}
	}
}
