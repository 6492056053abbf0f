package snapshot_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"

	"github.com/orgaudit/orgaudit/internal/orggen"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// BenchmarkLoad loads generated organizations as the paths command does
// (no generic document, no raw bytes kept) and as check does (each
// account's JSON kept to be decoded again, no raw bytes kept).
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
			{"check", snapshot.ParseOptions{KeepAccounts: true, DiscardRaw: true}},
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

// TestLoadMatchesEncodingJSON: on generated organizations of several
// sizes and seeds, the typed model Load gives is the one encoding/json
// decodes from the file.
func TestLoadMatchesEncodingJSON(t *testing.T) {
	for _, opts := range []orggen.Options{{Accounts: 3}, {Accounts: 40, Seed: 7}, {Accounts: 120, Seed: 1}} {
		path := filepath.Join(t.TempDir(), "org.json")
		if err := snapshot.WriteFile(path, orggen.Generate(opts)); err != nil {
			t.Fatal(err)
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var want snapshot.Snapshot
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Fatal(err)
		}
		for _, popts := range []snapshot.ParseOptions{{}, {DiscardDocument: true, DiscardRaw: true}, {KeepAccounts: true}} {
			l, err := snapshot.Load(context.Background(), path, popts)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(l.Snapshot, &want) {
				t.Errorf("%+v, %+v: Load's typed model differs from encoding/json's", opts, popts)
			}
		}
	}
}
