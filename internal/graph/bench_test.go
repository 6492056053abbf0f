package graph

import (
	"fmt"
	"testing"

	"github.com/orgaudit/orgaudit/internal/orggen"
)

// BenchmarkPaths builds the access graph of a generated organization (40
// roles and 2 users per account, orggen's defaults) and answers
// `paths --to ou:Prod`, as `orgaudit paths` does after loading the
// snapshot. Run with
// go test ./internal/graph -run '^$' -bench Paths -benchmem.
func BenchmarkPaths(b *testing.B) {
	for _, n := range []int{100, 1000, 5000} {
		s := orggen.Generate(orggen.Options{Accounts: n, Seed: 1})
		b.Run(fmt.Sprintf("accounts=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				g, err := Build(s)
				if err != nil {
					b.Fatal(err)
				}
				t, err := g.ResolveTarget("ou:Prod", nil)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := g.Paths(t, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkBuild builds the access graph of a generated organization of
// 1,000 accounts, the graph phase of `orgaudit paths` and `check` (about
// 3,600 distinct policy documents, 43,000 nodes). Run with
// go test ./internal/graph -run '^$' -bench Build -benchmem -cpuprofile cpu.out.
func BenchmarkBuild(b *testing.B) {
	s := orggen.Generate(orggen.Options{Accounts: 1000, Seed: 1})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Build(s); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPathsQuery answers `paths --to ou:Prod` on the access graph
// of a generated organization, built once: the reverse searches, path
// counts (inside cycles through class edges, see classScan) and shortest
// paths. Run with
// go test ./internal/graph -run '^$' -bench PathsQuery -benchmem.
func BenchmarkPathsQuery(b *testing.B) {
	for _, n := range []int{1000, 5000} {
		b.Run(fmt.Sprintf("accounts=%d", n), func(b *testing.B) {
			g, err := Build(orggen.Generate(orggen.Options{Accounts: n, Seed: 1}))
			if err != nil {
				b.Fatal(err)
			}
			t, err := g.ResolveTarget("ou:Prod", nil)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := g.Paths(t, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
