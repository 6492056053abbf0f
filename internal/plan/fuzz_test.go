package plan

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// FuzzApply: any plan JSON is rejected with an error or applied to the
// snapshot without panicking.
func FuzzApply(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(fixtures, "plan", "*.plan.json"))
	types, _ := filepath.Glob(filepath.Join(fixtures, "plan", "types", "*.plan.json"))
	for _, p := range append(files, types...) {
		raw, err := os.ReadFile(p)
		if err == nil {
			f.Add(raw)
		}
	}
	base, err := snapshot.LoadFile(filepath.Join(fixtures, iao))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		p, err := Parse(raw)
		if err != nil {
			return
		}
		res, err := Apply(base.Snapshot, p, Options{})
		if err != nil {
			return
		}
		_, _ = res.Loaded("fuzz")
	})
}
