// Package input reads the files orgaudit is given (snapshots, baselines,
// configurations) safely: as streams with a size cap, stopping as soon as
// the context is done (Ctrl-C, SIGTERM), and, for JSON, refusing what the
// standard decoder lets through silently (duplicate object keys, invalid
// UTF-8) with the line and column of the problem.
package input

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultMaxSize is the size cap of an input file unless the user sets
// one (--max-input-size): far above any real organization's snapshot
// (1,000 accounts take about 56 MB), far below what exhausts a machine.
const DefaultMaxSize int64 = 4 << 30

// TooLargeError says an input is larger than the cap.
type TooLargeError struct {
	// Path is the file, when known.
	Path string
	// Limit is the cap in bytes.
	Limit int64
}

func (e *TooLargeError) Error() string {
	what := "input"
	if e.Path != "" {
		what = e.Path
	}
	return fmt.Sprintf("%s is larger than the limit of %s (raise it with --max-input-size)", what, FormatSize(e.Limit))
}

// FormatSize renders a byte count the way --max-input-size accepts it.
func FormatSize(n int64) string {
	for _, u := range []struct {
		shift uint
		name  string
	}{{30, "GiB"}, {20, "MiB"}, {10, "KiB"}} {
		if n >= 1<<u.shift && n%(1<<u.shift) == 0 {
			return fmt.Sprintf("%d %s", n>>u.shift, u.name)
		}
	}
	return fmt.Sprintf("%d bytes", n)
}

// limit returns max, or DefaultMaxSize when max is not positive.
func limit(max int64) int64 {
	if max <= 0 {
		return DefaultMaxSize
	}
	return max
}

// reader reads from r until ctx is done or more than limit bytes came.
type reader struct {
	ctx   context.Context
	r     io.Reader
	limit int64
	n     int64
	path  string // for errors, when known
}

func (b *reader) Read(p []byte) (int, error) {
	if err := b.ctx.Err(); err != nil {
		return 0, err
	}
	if b.n > b.limit {
		return 0, &TooLargeError{Path: b.path, Limit: b.limit}
	}
	// Ask for one byte more than allowed, to tell "exactly at the cap"
	// from "over it".
	if room := b.limit - b.n + 1; int64(len(p)) > room {
		p = p[:room]
	}
	n, err := b.r.Read(p)
	b.n += int64(n)
	if b.n > b.limit {
		return n, &TooLargeError{Path: b.path, Limit: b.limit}
	}
	if err != nil && b.ctx.Err() != nil {
		// A read unblocked by the context (see Open) fails with a
		// deadline error: say why.
		return n, b.ctx.Err()
	}
	return n, err
}

// File is an open input file whose reads stop at the size cap and when the
// context is done, even a read blocked on a pipe or a terminal.
type File struct {
	f    *os.File
	r    *reader
	stop func() bool
	// Size is the file's size when it is a regular file, else -1.
	Size int64
}

// Open opens path for reading at most max bytes (DefaultMaxSize when max
// is not positive). A regular file larger than that fails at once.
func Open(ctx context.Context, path string, max int64) (*File, error) {
	max = limit(max)
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	size := int64(-1)
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		size = st.Size()
		if size > max {
			f.Close()
			return nil, &TooLargeError{Path: path, Limit: max}
		}
	}
	// Pipes, FIFOs and terminals can block in read: a past deadline
	// unblocks them once ctx is done (regular files never block).
	stop := context.AfterFunc(ctx, func() { _ = f.SetReadDeadline(time.Now()) })
	return &File{f: f, r: &reader{ctx: ctx, r: f, limit: max, path: path}, stop: stop, Size: size}, nil
}

// Read implements io.Reader.
func (f *File) Read(p []byte) (int, error) { return f.r.Read(p) }

// Close closes the file.
func (f *File) Close() error {
	f.stop()
	return f.f.Close()
}

// Stream wraps r, an already open stream such as standard input, the way
// Open wraps a file: reads stop after max bytes (DefaultMaxSize when max is
// not positive) and as soon as ctx is done; when r is an *os.File that
// supports deadlines (a pipe), a read blocked on it is unblocked then too.
// name names the stream in errors. stop ends the watch on ctx; it does not
// close r.
func Stream(ctx context.Context, r io.Reader, name string, max int64) (rd io.Reader, stop func() bool) {
	stop = func() bool { return false }
	if f, ok := r.(*os.File); ok {
		stop = context.AfterFunc(ctx, func() { _ = f.SetReadDeadline(time.Now()) })
	}
	return &reader{ctx: ctx, r: r, limit: limit(max), path: name}, stop
}

// ReadAll reads r to its end, at most max bytes (DefaultMaxSize when max is
// not positive), stopping when ctx is done.
func ReadAll(ctx context.Context, r io.Reader, max int64) ([]byte, error) {
	var buf bytes.Buffer
	_, err := buf.ReadFrom(&reader{ctx: ctx, r: r, limit: limit(max)})
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ReadFile reads the file at path, at most max bytes (DefaultMaxSize when
// max is not positive), stopping when ctx is done.
func ReadFile(ctx context.Context, path string, max int64) ([]byte, error) {
	f, err := Open(ctx, path, max)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readAll(f, f.Size, f)
}

// readAll reads r to its end. When size is known (not negative), the
// buffer is allocated once with room for size bytes and one more, so that
// the end is seen without growing it or copying what was read; it grows
// only if r holds more than size bytes (a file appended to meanwhile).
// Otherwise the buffer grows as r delivers. On an error, the bytes read
// before it are returned with it.
//
// When f is the open file r reads (through wrappers) and it is large, the
// first bytes are read through r (so that r's checks see the start), the
// rest of its size in pieces on several cores, then r reads on to the end
// as before: the bytes are the ones reading r alone gives, sooner where
// copying from the page cache is the cost.
func readAll(r io.Reader, size int64, f *File) ([]byte, error) {
	if size < 0 {
		var buf bytes.Buffer
		_, err := buf.ReadFrom(r)
		return buf.Bytes(), err
	}
	buf := make([]byte, 0, size+1)
	if f != nil && size >= parallelReadMin {
		for len(buf) < readHead {
			n, err := r.Read(buf[len(buf):readHead])
			buf = buf[:len(buf)+n]
			if errors.Is(err, io.EOF) {
				return buf, nil
			}
			if err != nil {
				return buf, err
			}
		}
		if f.readRest(buf[:size], len(buf)) {
			buf = buf[:size]
		}
	}
	for {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, bytes.MinRead)
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// parallelReadMin is the size from which readAll reads a regular file on
// several cores; readHead is how much of it is read first, in order.
const (
	parallelReadMin = 8 << 20
	readHead        = 64 << 10
)

// readRest reads b[from:], the same part of the file, in pieces on every
// core, and leaves the file at len(b) for the reads that follow, as if
// they had been read in order. It reports false, the offset left where it
// was, when a piece cannot be read whole (the file shrank, an error, the
// context is done): the caller then reads on in order and meets the same
// end or error.
func (f *File) readRest(b []byte, from int) bool {
	rest := len(b) - from
	workers := min(runtime.GOMAXPROCS(0), 8, rest/(1<<20)+1)
	piece := (rest + workers - 1) / workers
	var failed atomic.Bool
	var wg sync.WaitGroup
	for lo := from; lo < len(b); lo += piece {
		pos, hi := lo, min(lo+piece, len(b))
		wg.Go(func() {
			for pos < hi && !failed.Load() {
				if f.r.ctx.Err() != nil {
					failed.Store(true)
					return
				}
				end := min(hi, pos+4<<20)
				n, err := f.f.ReadAt(b[pos:end], int64(pos))
				pos += n
				if err != nil && pos < hi {
					failed.Store(true)
					return
				}
			}
		})
	}
	wg.Wait()
	if failed.Load() {
		return false
	}
	if _, err := f.f.Seek(int64(len(b)), io.SeekStart); err != nil {
		return false
	}
	f.r.n += int64(rest)
	return true
}

// IsTooLarge reports whether err says an input exceeded its size cap.
func IsTooLarge(err error) bool {
	var te *TooLargeError
	return errors.As(err, &te)
}
