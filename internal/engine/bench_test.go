package engine

import (
	"context"
	"fmt"
	"testing"

	"github.com/orgaudit/orgaudit/internal/orggen"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// BenchmarkCheck loads a generated organization and evaluates every
// built-in rule, as `orgaudit check` does. Run with
// go test ./internal/engine -run '^$' -bench Check -benchmem.
func BenchmarkCheck(b *testing.B) {
	for _, n := range []int{100, 1000} {
		raw, err := snapshot.Marshal(orggen.Generate(orggen.Options{Accounts: n, Seed: 1}))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("accounts=%d", n), func(b *testing.B) {
			ctx := context.Background()
			eng, err := New(ctx, Options{Sources: []Source{BuiltinSource()}})
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(raw)))
			for b.Loop() {
				l, err := snapshot.Parse(raw)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := eng.Eval(ctx, Input{Snapshot: l}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
