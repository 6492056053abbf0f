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
