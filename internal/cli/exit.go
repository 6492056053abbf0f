package cli

import (
	"errors"
	"fmt"
)

// Exit codes of every orgaudit command.
const (
	// ExitOK means success: no finding at or above --fail-on, nothing left.
	ExitOK = 0
	// ExitFindings means findings at or above --fail-on (or items left, for
	// handover; changes of a failing kind, for diff).
	ExitFindings = 1
	// ExitUsage means a usage or input error: bad flags, unreadable or
	// invalid snapshot, broken rule.
	ExitUsage = 2
	// ExitIncomplete means the work was done but the data is incomplete: a
	// snapshot written with gaps (collect), or checks that could not be
	// evaluated because of gaps (check).
	ExitIncomplete = 3
)

// ExitError carries an exit code out of a command. A nil Err means the
// command already reported what it had to say.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// usageError marks err as a usage or input error (exit 2).
func usageError(err error) error {
	if err == nil {
		return nil
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return err
	}
	return &ExitError{Code: ExitUsage, Err: err}
}

// usageErrorf formats a usage error.
func usageErrorf(format string, args ...any) error {
	return &ExitError{Code: ExitUsage, Err: fmt.Errorf(format, args...)}
}

// exitCode maps an error returned by a command to the process exit code.
func exitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *ExitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	// Errors that are not classified are input problems surfaced by the
	// domain packages (unreadable file, invalid snapshot, broken rule).
	return ExitUsage
}
