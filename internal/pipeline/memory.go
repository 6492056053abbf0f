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
	return fmt.Sprintf("stopped: the live heap passed the memory limit of %s (%s); raise it, or run on a machine with more memory (docs/benchmarks.md gives the memory check and paths need per snapshot size)",
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

// resolveMemoryBound returns the bound of a run given --max-memory
// (maxMemory, 0 when not given), and where it comes from: maxMemory,
// else GOMEMLIMIT when set (MemoryLimitFromEnv), else 0 (no bound).
func resolveMemoryBound(maxMemory int64) (limit int64, from string) {
	if maxMemory > 0 {
		return maxMemory, "--max-memory"
	}
	if l := MemoryLimitFromEnv(); l > 0 {
		return l, "GOMEMLIMIT"
	}
	return 0, ""
}

// boundMemory bounds a run by maxMemory (--max-memory), else GOMEMLIMIT
// (LimitMemory: the returned context is cancelled with a *MemoryError
// cause once the heap passes the bound). Without either, tune tunes the
// collector for the run instead, and returns what restores it; under a
// bound it is not called, since its soft limit would override the
// bound's. stop ends the watch, or restores what tune set.
func boundMemory(ctx context.Context, maxMemory int64, tune func() (restore func())) (_ context.Context, stop func()) {
	limit, from := resolveMemoryBound(maxMemory)
	if limit == 0 {
		return ctx, tune()
	}
	return LimitMemory(ctx, limit, from)
}

// BoundMemory bounds a run by maxMemory (--max-memory), else GOMEMLIMIT
// (boundMemory), with the collector left as it is without either.
func BoundMemory(ctx context.Context, maxMemory int64) (_ context.Context, stop func()) {
	return boundMemory(ctx, maxMemory, func() func() { return func() {} })
}

// BoundCheckMemory bounds a check of the snapshot at path (none: a scan)
// by maxMemory, else GOMEMLIMIT (boundMemory); without either, the
// collector is tuned for checking the snapshot (TuneMemory).
func BoundCheckMemory(ctx context.Context, maxMemory int64, path string) (_ context.Context, stop func()) {
	return boundMemory(ctx, maxMemory, func() func() {
		if path != "" {
			TuneMemory(path)
		}
		return func() {}
	})
}

// BoundPathsMemory bounds a paths run over the snapshot at path by
// maxMemory, else GOMEMLIMIT (boundMemory); without either, the collector
// is tuned for paths (TunePathsMemory) until stop.
func BoundPathsMemory(ctx context.Context, maxMemory int64, path string) (_ context.Context, stop func()) {
	return boundMemory(ctx, maxMemory, func() func() { return TunePathsMemory(path) })
}

// Promptly runs work and returns its result, or a *MemoryError as soon as
// ctx is cancelled with one as its cause (LimitMemory), whether or
// not work has noticed. The long phases of the access graph (graph.Build,
// Paths, Doors) take no context and run for seconds on large
// organizations: rather than threading a context through them, work is
// left running, abandoned, and the caller is to end the process (a
// command returns the error, which exits 2); its result is dropped. An
// error of work is replaced by the *MemoryError that cancelled ctx, if
// any. A ctx cancelled otherwise (an interruption) waits for work, which
// sees ctx where it can.
func Promptly[T any](ctx context.Context, work func(context.Context) (T, error)) (T, error) {
	type outcome struct {
		v   T
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		v, err := work(ctx)
		done <- outcome{v, err}
	}()
	var o outcome
	select {
	case o = <-done:
	case <-ctx.Done():
		select {
		case o = <-done: // work ended too: its result stands
		default:
			var me *MemoryError
			if errors.As(context.Cause(ctx), &me) {
				return o.v, me
			}
			o = <-done
		}
	}
	return o.v, memoryError(ctx, o.err)
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
// path, where GOGC and GOMEMLIMIT do not say otherwise. The rules see the
// accounts a chunk at a time and the whole snapshot is never converted
// for them: the live heap stays a few times the snapshot's size (the
// typed model, the access graph and its document for the rules, a few
// chunks, the findings), growing during the run. The collector runs when
// the heap is three times the live size (GOGC 200) under the soft limit
// of checkMemoryLimit; near the limit it simply runs earlier.
// At 1,000 accounts (59 MB) that is a peak of about 270 MiB for 50-70%
// more CPU than with the former floor of 512 MiB (a 537 MiB peak).
func TuneMemory(path string) {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(200)
	}
	snapshotMemoryLimit(path, checkMemoryLimit, unknownSizeMemoryLimit)
}

// unknownSizeMemoryLimit is check's soft memory limit when the snapshot's
// size is not known beforehand (it is not a regular file: a pipe).
const unknownSizeMemoryLimit = 512 << 20

// Check's soft memory limit (checkMemoryLimit), in bytes and bytes per
// byte of the snapshot file.
const (
	// checkMemoryPerSnapshotByte keeps the peak RSS under 5 times the
	// snapshot where the snapshot is large (10,000 accounts: 2.7 GB of
	// 593 MB), the runtime's own memory beside the heap included.
	checkMemoryPerSnapshotByte = 4.6
	// checkMemoryUncounted is what the peak RSS holds beyond the soft
	// limit, which counts only the Go runtime's memory: the binary's code
	// and data: 26-37 MiB at 1,000 accounts.
	checkMemoryUncounted = 40 << 20
	// checkMemoryBase and checkMemoryLeastPerByte are the least limit:
	// what does not grow with the snapshot (the runtime, the compiled
	// rules, a few chunks: a fixture's check peaks at 8 MB live) and 2.5
	// bytes per snapshot byte (the live heap peaks at about 20 MB plus
	// 2.1 bytes per snapshot byte: 46 MB at 200 accounts, 92 at 500, 143
	// at 1,000), so that the collector does not run back to back. From
	// about 400 accounts (24 MB) up it keeps the peak RSS under 5 times
	// the snapshot (4.9-5.0 at 400, 4.5 at 500), for 25-40% more CPU
	// than the former 96 MiB base between 200 and 900 accounts (a second
	// or two); below, the runtime and the binary alone (about 50 MB) are
	// more than 5 times the snapshot (docs/benchmarks.md).
	checkMemoryBase         = 32 << 20
	checkMemoryLeastPerByte = 2.5
)

// checkMemoryLimit is the soft memory limit for checking a snapshot of
// size bytes: 4.6 times the snapshot, but no more than what keeps the
// peak RSS under 5 times the snapshot (5 times less the memory the limit
// does not count; the lower one below about 1,800 accounts: 242 MiB at
// 1,000 accounts, a peak of about 270 MiB), and never less than 32 MiB
// plus 2.5 times the snapshot (the higher one below about 500 accounts;
// below about 400, 5 times the snapshot cannot hold the run's fixed
// costs).
func checkMemoryLimit(size int64) int64 {
	s := float64(size)
	limit := min(int64(checkMemoryPerSnapshotByte*s), int64(5*s)-checkMemoryUncounted)
	return max(limit, checkMemoryBase+int64(checkMemoryLeastPerByte*s))
}

// Paths' soft memory limit (pathsMemoryLimit), in bytes and bytes per
// byte of the snapshot file. paths keeps at most about 2.3 bytes live per
// snapshot byte (the file and the typed model while loading; the typed
// model and the builder's state while the graph is built: 128 MB at 1,000
// accounts, 1.3 GB at 10,000); with the default GOGC the heap grows to
// twice that, and more while loading.
const (
	// pathsMemoryPerSnapshotByte and pathsMemoryBase (what does not grow
	// with the snapshot: the runtime, the report being written) hold the
	// peak RSS at about 4.1 times the snapshot at 1,000 accounts and 3.5
	// at 10,000, for some more collector work (docs/benchmarks.md).
	pathsMemoryPerSnapshotByte = 3.5
	pathsMemoryBase            = 16 << 20
	// pathsMemoryUncounted is what paths' peak RSS holds beyond the soft
	// limit, which counts only the Go runtime's memory: the binary's code
	// and data, 21-23 MB from 200 to 400 accounts.
	pathsMemoryUncounted = 24 << 20
	// pathsMemoryLeastPerByte: the limit never goes under pathsMemoryBase
	// plus 2.3 bytes per snapshot byte, so that the collector does not
	// run back to back. From about 250 accounts (15 MB) up the limit keeps
	// the peak RSS at or under 5 times the snapshot (5.0 at 250, 4.7-4.8
	// from 300 to 500 accounts, against 6.1, 5.6-5.7 and up to 5.1 at 400
	// with 3.5 bytes per byte), for up to 25% more time below 400 accounts
	// (tens of milliseconds); below, the binary and the runtime are more
	// than 5 times the snapshot.
	pathsMemoryLeastPerByte = 2.3
)

// pathsMemoryLimit is the soft memory limit for the paths of a snapshot of
// size bytes: 16 MiB plus 3.5 times the snapshot, but no more than what
// keeps the peak RSS under 4.9 times the snapshot (the lower one below
// about 500 accounts), and never less than 16 MiB plus 2.3 times the
// snapshot (the higher one below about 270 accounts).
func pathsMemoryLimit(size int64) int64 {
	s := float64(size)
	limit := min(pathsMemoryBase+int64(pathsMemoryPerSnapshotByte*s), int64(4.9*s)-pathsMemoryUncounted)
	return max(limit, pathsMemoryBase+int64(pathsMemoryLeastPerByte*s))
}

// TunePathsMemory sets the soft memory limit for a paths run over the
// snapshot at path (pathsMemoryLimit), unless GOMEMLIMIT is set
// (GOMEMLIMIT=off: no limit), and returns what restores the previous
// limit. A snapshot that is not a regular file sets nothing (the loader
// reports what is wrong with it).
func TunePathsMemory(path string) (restore func()) {
	return snapshotMemoryLimit(path, pathsMemoryLimit, 0)
}

// snapshotMemoryLimit sets the garbage collector's soft limit to
// limitOf the size of the snapshot file at path, or to unknown when path
// is not a regular file (nothing when that is 0), unless GOMEMLIMIT is
// set; restore puts the previous limit back.
func snapshotMemoryLimit(path string, limitOf func(size int64) int64, unknown int64) (restore func()) {
	if _, set := os.LookupEnv("GOMEMLIMIT"); set {
		return func() {}
	}
	limit := unknown
	if st, err := os.Stat(path); err == nil && st.Mode().IsRegular() {
		limit = limitOf(st.Size())
	}
	if limit <= 0 {
		return func() {}
	}
	prev := debug.SetMemoryLimit(limit)
	return func() { debug.SetMemoryLimit(prev) }
}
