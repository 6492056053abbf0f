package snapshot_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/orgaudit/orgaudit/internal/orggen"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// BenchmarkLoad loads generated organizations as the paths command does
// (no generic document, no raw bytes kept) and as check does (every
// account's generic document handed to a callback).
func BenchmarkLoad(b *testing.B) {
	for _, n := range []int{100, 1000} {
		path := filepath.Join(b.TempDir(), "org.json")
		if err := snapshot.WriteFile(path, orggen.Generate(orggen.Options{Accounts: n})); err != nil {
			b.Fatal(err)
		}
		st, err := os.Stat(path)
		if err != nil {
			b.Fatal(err)
		}
		for _, mode := range []struct {
			name string
			opts snapshot.ParseOptions
		}{
			{"paths", snapshot.ParseOptions{DiscardDocument: true, DiscardRaw: true}},
			{"each", snapshot.ParseOptions{DiscardDocument: true, DiscardRaw: true, EachAccount: func(int, any) {}}},
		} {
			b.Run(mode.name+"/accounts="+strconv.Itoa(n), func(b *testing.B) {
				b.SetBytes(st.Size())
				b.ReportAllocs()
				for b.Loop() {
					if _, err := snapshot.Load(context.Background(), path, mode.opts); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
