package pipeline

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"
	"time"
)

// TestPromptly: a memory bound that trips returns its MemoryError at once,
// while the work is still blocked (without the early return the test
// times out); work that ends first keeps its result, an error of work
// cancelled by the bound becomes the MemoryError, and a plain cancellation
// (an interruption) waits for work and keeps its error.
func TestPromptly(t *testing.T) {
	errWork := errors.New("work failed")
	tests := []struct {
		name string
		// limit of the bound; 0 cancels ctx plainly once work started.
		limit int64
		// blocked work waits on a channel closed only once Promptly has
		// returned; otherwise it waits for ctx (waitCtx) or not at all.
		blocked, waitCtx bool
		err              error
		wantV            int
		wantMemory       bool
		wantErr          error
	}{
		{name: "bound trips while work is blocked", limit: 1 << 10, blocked: true, wantMemory: true},
		{name: "work stopped by the bound fails", limit: 1 << 10, waitCtx: true, err: errWork, wantMemory: true},
		{name: "work within the bound", limit: 1 << 40, wantV: 42},
		{name: "work fails within the bound", limit: 1 << 40, err: errWork, wantV: 42, wantErr: errWork},
		{name: "interrupted: waits for work", waitCtx: true, err: context.Canceled, wantV: 42, wantErr: context.Canceled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			stop := func() {}
			if tc.limit > 0 {
				ctx, stop = LimitMemory(ctx, tc.limit, "--max-memory")
			}
			defer stop()
			release, started := make(chan struct{}), make(chan struct{})
			defer close(release)
			ended := make(chan struct{})
			work := func(ctx context.Context) (int, error) {
				defer close(ended)
				close(started)
				switch {
				case tc.blocked:
					<-release
				case tc.waitCtx:
					<-ctx.Done()
				}
				return 42, tc.err
			}
			type result struct {
				v   int
				err error
			}
			got := make(chan result, 1)
			go func() {
				v, err := Promptly(ctx, work)
				got <- result{v, err}
			}()
			if tc.limit == 0 {
				<-started
				cancel()
			}
			var r result
			select {
			case r = <-got:
			case <-time.After(10 * time.Second):
				t.Fatal("Promptly did not return within 10 s")
			}
			var me *MemoryError
			if isMemory := errors.As(r.err, &me); isMemory != tc.wantMemory {
				t.Fatalf("error %v, want a MemoryError: %v", r.err, tc.wantMemory)
			}
			if tc.wantMemory {
				if me.Limit != tc.limit || me.From != "--max-memory" {
					t.Errorf("MemoryError %+v", me)
				}
				if tc.blocked {
					select {
					case <-ended:
						t.Error("work ended before Promptly returned")
					default:
					}
				}
				return
			}
			if r.v != tc.wantV || !errors.Is(r.err, tc.wantErr) || (tc.wantErr == nil) != (r.err == nil) {
				t.Errorf("got %d, %v; want %d, %v", r.v, r.err, tc.wantV, tc.wantErr)
			}
		})
	}
}

// TestBoundPathsMemory: a bound (--max-memory, or GOMEMLIMIT) is the soft
// limit and paths' own tuning never replaces it; without one, paths'
// tuning applies as before. stop restores the previous soft limit.
func TestBoundPathsMemory(t *testing.T) {
	if _, set := os.LookupEnv("GOMEMLIMIT"); set {
		t.Skip("GOMEMLIMIT is set for the test process")
	}
	snap := sparseFile(t, t.TempDir(), 100<<20)
	prev := debug.SetMemoryLimit(-1)
	const bound = 6 << 30
	for _, tc := range []struct {
		name      string
		maxMemory int64
		env       bool
		want      int64
		wantFrom  string
	}{
		{name: "--max-memory", maxMemory: bound, want: bound, wantFrom: "--max-memory"},
		{name: "GOMEMLIMIT", env: true, want: bound, wantFrom: "GOMEMLIMIT"},
		{name: "--max-memory over GOMEMLIMIT", maxMemory: bound, env: true, want: bound, wantFrom: "--max-memory"},
		{name: "no bound: paths' tuning", want: pathsMemoryLimit(100 << 20)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.env {
				t.Setenv("GOMEMLIMIT", "6GiB")
				debug.SetMemoryLimit(bound) // what the runtime read at start
				defer debug.SetMemoryLimit(prev)
			}
			if limit, from := resolveMemoryBound(tc.maxMemory); from != tc.wantFrom || (limit != 0) != (tc.wantFrom != "") {
				t.Errorf("bound %d from %q, want from %q", limit, from, tc.wantFrom)
			}
			before := debug.SetMemoryLimit(-1)
			_, stop := BoundPathsMemory(context.Background(), tc.maxMemory, snap)
			if got := debug.SetMemoryLimit(-1); got != tc.want {
				t.Errorf("soft limit %d, want %d", got, tc.want)
			}
			stop()
			if got := debug.SetMemoryLimit(-1); got != before {
				t.Errorf("soft limit %d after stop, want %d", got, before)
			}
		})
	}
}

// sparseFile is a file of size bytes in dir that uses no disk.
func sparseFile(t *testing.T, dir string, size int64) string {
	t.Helper()
	path := filepath.Join(dir, "snapshot.json")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	return path
}
