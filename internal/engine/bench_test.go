package engine

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/orgaudit/orgaudit/internal/orggen"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// BenchmarkCheck loads a generated organization and evaluates every
// built-in rule, as `orgaudit check` does (the access graph aside): the
// snapshot is loaded and validated account by account, converted for the
// rules, and the rules are evaluated in concurrent groups. Run with
//
//	go test ./internal/engine -run '^$' -bench Check -benchmem
//
// ORGAUDIT_BENCH_ACCOUNTS=100,1000,5000 changes the sizes (default 100
// and 1000). docs/benchmarks.md records the results.
func BenchmarkCheck(b *testing.B) {
	sizes := []int{100, 1000}
	if env := os.Getenv("ORGAUDIT_BENCH_ACCOUNTS"); env != "" {
		sizes = nil
		for _, f := range strings.Split(env, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil {
				b.Fatalf("ORGAUDIT_BENCH_ACCOUNTS: %v", err)
			}
			sizes = append(sizes, n)
		}
	}
	for _, n := range sizes {
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
				var (
					prepared *PreparedInput
					prepErr  error
				)
				l, err := snapshot.ParseWithOptions(ctx, raw, snapshot.ParseOptions{
					AfterDecode: func(doc map[string]any, _ *snapshot.Snapshot) { prepared, prepErr = PrepareInput(doc) },
				})
				if err != nil {
					b.Fatal(err)
				}
				if prepErr != nil {
					b.Fatal(prepErr)
				}
				if _, err := eng.Eval(ctx, Input{Snapshot: l, Prepared: prepared}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
