package pipeline

import (
	"context"
	"errors"
	"os"
	"runtime/debug"
	"strings"
	"testing"
)

// TestLimitMemory: a limit the heap is over stops the run with a
// MemoryError naming the limit and where it came from; stop restores the
// collector's previous soft limit; no limit leaves the context alone.
func TestLimitMemory(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	ctx, stop := LimitMemory(context.Background(), 1<<10, "--max-memory")
	<-ctx.Done()
	var me *MemoryError
	if !errors.As(context.Cause(ctx), &me) || me.Limit != 1<<10 {
		t.Fatalf("cause %v, want a MemoryError of 1 KiB", context.Cause(ctx))
	}
	if err := memoryError(ctx, ctx.Err()); !strings.Contains(err.Error(), "memory limit of 1.0 KiB (--max-memory)") {
		t.Errorf("error %q", err)
	}
	stop()
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("soft limit %d after stop, want %d", got, before)
	}
	ctx, stop = LimitMemory(context.Background(), 0, "GOMEMLIMIT")
	defer stop()
	if ctx.Done() != nil && ctx.Err() != nil {
		t.Error("no limit cancelled the context")
	}
}

// The sizes of the snapshots orgaudit generate writes for some numbers of
// accounts (docs/benchmarks.md), and of a bundled fixture.
const (
	mib        = 1 << 20
	acc10k     = 592_912_227
	acc1k      = 59_241_114
	acc500     = 29_596_979
	acc400     = 23_663_903
	acc300     = 17_726_420
	acc250     = 14_761_421
	acc200     = 11_794_698
	acc100     = 5_920_000
	fixtureLen = 36_093
)

// limitCase is a snapshot size and the soft memory limit wanted for it.
type limitCase struct {
	name       string
	size, want int64
}

// testLimit checks limit against cases, and that it never shrinks as the
// snapshot grows (up to 1 GiB, a MiB at a time).
func testLimit(t *testing.T, limit func(size int64) int64, cases []limitCase) {
	t.Helper()
	for _, tc := range cases {
		if got := limit(tc.size); got != tc.want {
			t.Errorf("%s: limit %d, want %d", tc.name, got, tc.want)
		}
	}
	prev := limit(0)
	for size := int64(1 << 20); size <= 1<<30; size += 1 << 20 {
		got := limit(size)
		if got < prev {
			t.Fatalf("limit %d for %d bytes, less than %d for %d", got, size, prev, size-1<<20)
		}
		prev = got
	}
}

// TestCheckMemoryLimit: check's soft limit is 4.6 times a large snapshot
// (10,000 accounts: as before), leaves a 1,000-account snapshot's peak
// RSS room under 5 times its size, never falls under the least the run
// needs, and never shrinks as the snapshot grows.
func TestCheckMemoryLimit(t *testing.T) {
	testLimit(t, checkMemoryLimit, []limitCase{
		{"10,000 accounts", acc10k, times(4.6, acc10k)},
		{"1,000 accounts", acc1k, 5*acc1k - 40*mib},
		{"600 accounts", 6 * acc100, 5*6*acc100 - 40*mib},
		{"500 accounts", acc500, 32*mib + times(2.5, acc500)},
		{"400 accounts", acc400, 32*mib + times(2.5, acc400)},
		{"200 accounts", acc200, 32*mib + times(2.5, acc200)},
		{"a fixture", fixtureLen, 32*mib + times(2.5, fixtureLen)},
		{"empty", 0, 32 * mib},
	})
}

// times is size times perByte, in whole bytes.
func times(perByte float64, size int64) int64 { return int64(perByte * float64(size)) }

// TestTuneMemory: TuneMemory sets GOGC 200 and check's soft limit for a
// regular file, the former 512 MiB for a snapshot of unknown size, and
// leaves GOMEMLIMIT and GOGC alone when they are set.
func TestTuneMemory(t *testing.T) {
	dir := t.TempDir()
	snap := sparseFile(t, dir, acc1k)
	prevLimit, prevGC := debug.SetMemoryLimit(-1), debug.SetGCPercent(-1)
	debug.SetGCPercent(prevGC)
	defer func() {
		debug.SetMemoryLimit(prevLimit)
		debug.SetGCPercent(prevGC)
	}()
	for _, tc := range []struct {
		name, path string
		env        string
		limit      int64
		gc         int
	}{
		{"regular file", snap, "", checkMemoryLimit(acc1k), 200},
		{"not a regular file", dir, "", 512 << 20, 200},
		{"GOMEMLIMIT set", snap, "GOMEMLIMIT", prevLimit, 200},
		{"GOGC set", snap, "GOGC", checkMemoryLimit(acc1k), prevGC},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, k := range []string{"GOGC", "GOMEMLIMIT"} {
				if _, set := os.LookupEnv(k); set && k != tc.env {
					t.Skipf("%s is set for the test process", k)
				}
			}
			if tc.env != "" {
				t.Setenv(tc.env, "off")
			}
			debug.SetMemoryLimit(prevLimit)
			debug.SetGCPercent(prevGC)
			TuneMemory(tc.path)
			if got := debug.SetMemoryLimit(-1); got != tc.limit {
				t.Errorf("limit %d, want %d", got, tc.limit)
			}
			if got := debug.SetGCPercent(prevGC); got != tc.gc {
				t.Errorf("GOGC %d, want %d", got, tc.gc)
			}
		})
	}
}
