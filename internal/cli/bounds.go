package cli

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/dustin/go-humanize"

	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// ExitInterrupted is the exit code of a command interrupted by Ctrl-C or
// SIGTERM (130 is the shell's code for SIGINT): nothing was written.
const ExitInterrupted = 130

// sizeValue is a --max-input-size style flag: a byte count with an
// optional unit (4GiB, 500MB, 1048576).
type sizeValue struct{ n *int64 }

func (v sizeValue) String() string {
	if v.n == nil {
		return ""
	}
	return humanize.IBytes(uint64(*v.n))
}

func (v sizeValue) Set(s string) error {
	n, err := humanize.ParseBytes(s)
	if err != nil {
		return fmt.Errorf("%q is not a size (use e.g. 4GiB, 500MB or a number of bytes)", s)
	}
	if n == 0 || n > math.MaxInt64 {
		return fmt.Errorf("%q: the size must be at least 1 byte", s)
	}
	*v.n = int64(n)
	return nil
}

func (v sizeValue) Type() string { return "size" }

// loadSnapshot reads and validates the snapshot at path within the
// --max-input-size cap, stopping when ctx is done; errors are input errors
// (exit 2), or an interruption (exit 130).
func (a *App) loadSnapshot(ctx context.Context, path string, opts snapshot.ParseOptions) (*snapshot.Loaded, error) {
	opts.MaxSize = a.MaxInputSize
	l, err := snapshot.Load(ctx, path, opts)
	if err != nil {
		return nil, usageError(err)
	}
	return l, nil
}

// interrupted turns the error of a command stopped by Ctrl-C or SIGTERM
// (its context canceled) into exit 130, whatever phase it was in.
func interrupted(err error) error {
	var ee *ExitError
	if errors.As(err, &ee) && ee.Code == ExitInterrupted {
		return err
	}
	if errors.Is(err, context.Canceled) {
		return &ExitError{Code: ExitInterrupted, Err: errors.New("interrupted before finishing")}
	}
	return err
}

// maxInputSizeUsage documents --max-input-size.
const maxInputSizeUsage = "largest snapshot, baseline, configuration or simulation input to read, e.g. 512MiB or 8GiB"
