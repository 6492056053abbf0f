package pipeline

import (
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"
)

// TestTunePathsMemory: TunePathsMemory sets a soft memory limit of 3.5 times the
// snapshot plus 16 MiB and restores the previous one;
// GOMEMLIMIT, when set, is left alone, and so is the limit for a
// snapshot that cannot be read.
func TestTunePathsMemory(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small.json")
	big := filepath.Join(dir, "big.json")
	if err := os.WriteFile(small, []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(100 << 20); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	f.Close()
	prev := debug.SetMemoryLimit(-1)
	for _, tc := range []struct {
		name, path string
		env        bool
		want       int64
	}{
		{"large snapshot", big, false, 350<<20 + 16<<20},
		{"small snapshot", small, false, 16<<20 + 7},
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
