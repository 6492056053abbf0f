package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"

	"github.com/dustin/go-humanize"
)

// MemoryError says a run needed more memory than it was allowed.
type MemoryError struct {
	// Limit is the allowance in bytes.
	Limit int64
	// From says where the limit came from: "--max-memory" or "GOMEMLIMIT".
	From string
}

func (e *MemoryError) Error() string {
	return fmt.Sprintf("stopped: the live heap passed the memory limit of %s (%s); raise it, or run on a machine with more memory (docs/benchmarks.md gives the memory a check needs per snapshot size)",
		humanize.IBytes(uint64(e.Limit)), e.From)
}

// liveHeap is the runtime metric of the heap the last garbage collection
// found live; heapObjects counts the heap's objects now, garbage not yet
// collected included.
const (
	liveHeap    = "/gc/heap/live:bytes"
	heapObjects = "/memory/classes/heap/objects:bytes"
)

// LimitMemory bounds the memory of a run: the garbage collector's soft
// limit is set to limit, and the returned context is cancelled, its cause
// a *MemoryError, as soon as the heap a collection found live exceeds it,
// or the heap exceeds it by a quarter (the collector could not keep it
// under). A run stopped this way ends with one clear line
// instead of the system's out-of-memory killer. limit 0 means no bound.
// stop ends the watch and restores the previous soft limit.
func LimitMemory(ctx context.Context, limit int64, from string) (_ context.Context, stop func()) {
	if limit <= 0 {
		return ctx, func() {}
	}
	prev := debug.SetMemoryLimit(limit)
	ctx, cancel := context.WithCancelCause(ctx)
	sample := []metrics.Sample{{Name: liveHeap}, {Name: heapObjects}}
	over := func() bool {
		metrics.Read(sample)
		// The live heap lags (it is measured at the end of a collection,
		// and collections are slow near the limit); a heap a quarter over
		// the soft limit means the collector could not keep it under.
		if value(sample[0]) > limit || value(sample[1]) > limit+limit/4 {
			cancel(&MemoryError{Limit: limit, From: from})
			return true
		}
		return false
	}
	done := make(chan struct{})
	if !over() {
		go func() {
			tick := time.NewTicker(20 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-done:
					return
				case <-ctx.Done():
					return
				case <-tick.C:
					if over() {
						return
					}
				}
			}
		}()
	}
	return ctx, func() {
		close(done)
		cancel(nil)
		debug.SetMemoryLimit(prev)
	}
}

func value(s metrics.Sample) int64 {
	if s.Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(s.Value.Uint64())
}

// MemoryLimitFromEnv returns the GOMEMLIMIT the process runs under, or 0.
func MemoryLimitFromEnv() int64 {
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		return 0
	}
	if l := debug.SetMemoryLimit(-1); l > 0 && l < 1<<62 {
		return l
	}
	return 0
}

// memoryError returns the *MemoryError that stopped ctx, if any, in place
// of err.
func memoryError(ctx context.Context, err error) error {
	var me *MemoryError
	if err != nil && errors.As(context.Cause(ctx), &me) {
		return me
	}
	return err
}

// TuneMemory tunes the garbage collector for checking the snapshot at
// path, where GOGC and GOMEMLIMIT do not say otherwise. A check keeps
// about 11 bytes live per snapshot byte at its peak (the typed model, the
// snapshot and the access graph converted for Rego, the evaluation),
// growing steadily: with the default GOGC the collector runs many times
// over a growing heap and lets it reach twice the live size. Instead it
// collects when the heap is five times the live size (GOGC 400), under a
// soft limit of 20 times the snapshot size, at least 1460 MiB (peak RSS
// then stays under 1.5 GiB at 1,000 accounts), which the live heap stays
// well below; near the limit the collector simply runs earlier. A lower
// limit costs CPU fast: at 1,000 accounts (670 MB live) 1000 MiB takes
// 30% more CPU for 1.05 GB peak, 800 MiB twice the CPU for 0.99 GB.
func TuneMemory(path string) {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(400)
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); set {
		return
	}
	limit := int64(1460) << 20
	if st, err := os.Stat(path); err == nil {
		limit = max(limit, 20*st.Size())
	}
	debug.SetMemoryLimit(limit)
}
