package pipeline

import (
	"context"
	"errors"
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
