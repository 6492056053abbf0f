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

// TestCheckMemoryLimit: check's soft limit is 4.6 times a large snapshot
// (10,000 accounts: as before), leaves a 1,000-account snapshot's peak
// RSS room under 5 times its size, never falls under the least the run
// needs, and never shrinks as the snapshot grows.
func TestCheckMemoryLimit(t *testing.T) {
	const (
		mib    = 1 << 20
		acc10k = 592_912_227
		acc1k  = 59_241_114
		acc500 = 29_596_979
		acc100 = 5_920_000
		acc400 = 23_663_903
		acc200 = 11_794_698
	)
	for _, tc := range []struct {
		name      string
		size      int64
		min, max  int64
		wantExact int64
	}{
		{name: "10,000 accounts", size: acc10k, wantExact: times(4.6, acc10k)},
		{name: "1,000 accounts", size: acc1k, wantExact: 5*acc1k - 40*mib},
		{name: "500 accounts", size: acc500, wantExact: 32*mib + times(2.5, acc500)},
		{name: "600 accounts", size: 6 * acc100, wantExact: 5*6*acc100 - 40*mib},
		{name: "400 accounts", size: acc400, wantExact: 32*mib + times(2.5, acc400)},
		{name: "200 accounts", size: acc200, wantExact: 32*mib + times(2.5, acc200)},
		{name: "a fixture", size: 36_093, wantExact: 32*mib + times(2.5, 36_093)},
		{name: "empty", size: 0, wantExact: 32 * mib},
	} {
		got := checkMemoryLimit(tc.size)
		if tc.wantExact != 0 && got != tc.wantExact {
			t.Errorf("%s: limit %d, want %d", tc.name, got, tc.wantExact)
		}
		if tc.wantExact == 0 && (got < tc.min || got > tc.max) {
			t.Errorf("%s: limit %d, want %d to %d", tc.name, got, tc.min, tc.max)
		}
	}
	prev := checkMemoryLimit(0)
	for size := int64(1 << 20); size <= 1<<30; size += 1 << 20 {
		got := checkMemoryLimit(size)
		if got < prev {
			t.Fatalf("limit %d for %d bytes, less than %d for %d", got, size, prev, size-1<<20)
		}
		prev = got
	}
}

// times is size times perByte, in whole bytes.
func times(perByte float64, size int64) int64 { return int64(perByte * float64(size)) }

// TestTuneMemory: TuneMemory sets GOGC 200 and check's soft limit for a
// regular file, the former 512 MiB for a snapshot of unknown size, and
// leaves GOMEMLIMIT and GOGC alone when they are set.
func TestTuneMemory(t *testing.T) {
	dir := t.TempDir()
	snap := sparseFile(t, dir, 59_241_114)
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
		{"regular file", snap, "", checkMemoryLimit(59_241_114), 200},
		{"not a regular file", dir, "", 512 << 20, 200},
		{"GOMEMLIMIT set", snap, "GOMEMLIMIT", prevLimit, 200},
		{"GOGC set", snap, "GOGC", checkMemoryLimit(59_241_114), prevGC},
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
