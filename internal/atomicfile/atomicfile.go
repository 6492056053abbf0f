// Package atomicfile writes files the one way orgaudit writes every file:
// atomically, mode 0600, never through a symbolic link; a device or a
// named pipe is written to, never replaced.
package atomicfile

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Mode is the mode of every file orgaudit writes: snapshots and reports
// say who can get into which account, for their owner's eyes only.
const Mode = 0o600

// Write writes what render produces to path atomically: into a
// temporary file in path's directory (mode 0600), synced to disk, then
// renamed over path. A reader never sees half a report; a failed render
// leaves path as it was; a symbolic link at path is replaced by the
// report, never followed; an existing file's mode does not carry over.
// A character device or a named pipe at path (/dev/null, a FIFO a
// pipeline reads) is written to in place: renaming over it would replace
// the device node with a file.
func Write(path string, render func(io.Writer) error) (err error) {
	if st, lerr := os.Lstat(path); lerr == nil && st.Mode()&(os.ModeCharDevice|os.ModeNamedPipe) != 0 {
		return writeInPlace(path, render)
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(Mode); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	buf := bufio.NewWriterSize(tmp, 1<<16)
	if err = render(buf); err != nil {
		return err
	}
	if err = buf.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if st, statErr := os.Stat(path); statErr == nil && st.IsDir() {
		return fmt.Errorf("write %s: is a directory", path)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	// Make the rename itself durable; not every system can sync a
	// directory, and the report is complete either way.
	if d, derr := os.Open(dir); derr == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// writeInPlace writes what render produces to the device or named pipe
// at path.
func writeInPlace(path string, render func(io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	buf := bufio.NewWriterSize(f, 1<<16)
	if err := render(buf); err != nil {
		_ = f.Close()
		return err
	}
	if err := buf.Flush(); err != nil {
		_ = f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
