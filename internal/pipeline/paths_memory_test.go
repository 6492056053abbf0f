package pipeline

import (
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"
)

// TestTunePathsMemory: TunePathsMemory sets paths' soft memory limit for the
// snapshot's size and restores the previous one;
// GOMEMLIMIT, when set, is left alone, and so is the limit for a
// snapshot that cannot be read.
func TestTunePathsMemory(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small.json")
	if err := os.WriteFile(small, []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	big := sparseFile(t, dir, 100<<20)
	prev := debug.SetMemoryLimit(-1)
	for _, tc := range []struct {
		name, path string
		env        bool
		want       int64
	}{
		{"large snapshot", big, false, 350<<20 + 16<<20},
		{"small snapshot", small, false, pathsMemoryLimit(2)},
		{"missing snapshot", filepath.Join(dir, "missing.json"), false, prev},
		{"GOMEMLIMIT set", big, true, prev},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.env {
				t.Setenv("GOMEMLIMIT", "1GiB")
			} else if _, set := os.LookupEnv("GOMEMLIMIT"); set {
				t.Skip("GOMEMLIMIT is set for the test process")
			}
			restore := TunePathsMemory(tc.path)
			if got := debug.SetMemoryLimit(-1); got != tc.want {
				t.Errorf("limit %d, want %d", got, tc.want)
			}
			restore()
			if got := debug.SetMemoryLimit(-1); got != prev {
				t.Errorf("limit %d after restore, want %d", got, prev)
			}
		})
	}
}

// TestPathsMemoryLimit: 16 MiB plus 3.5 times the snapshot where that keeps
// the peak RSS under 4.9 times the snapshot, else less, never under 16 MiB
// plus 2.3 times the snapshot, and never shrinking as the snapshot grows.
func TestPathsMemoryLimit(t *testing.T) {
	testLimit(t, pathsMemoryLimit, []limitCase{
		{"10,000 accounts", acc10k, 16*mib + times(3.5, acc10k)},
		{"1,000 accounts", acc1k, 16*mib + times(3.5, acc1k)},
		{"500 accounts", acc500, times(4.9, acc500) - 24*mib},
		{"400 accounts", acc400, times(4.9, acc400) - 24*mib},
		{"300 accounts", acc300, times(4.9, acc300) - 24*mib},
		{"250 accounts", acc250, 16*mib + times(2.3, acc250)},
		{"200 accounts", acc200, 16*mib + times(2.3, acc200)},
		{"a fixture", fixtureLen, 16*mib + times(2.3, fixtureLen)},
		{"empty", 0, 16 * mib},
	})
}
