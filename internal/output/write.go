package output

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// FileMode is the mode of every file orgaudit writes: reports say who can
// get into which account, for their owner's eyes only.
const FileMode = 0o600

// WriteFile writes what render produces to path atomically: into a
// temporary file in path's directory (mode 0600), synced to disk, then
// renamed over path. A reader never sees half a report; a failed render
// leaves path as it was; a symbolic link at path is replaced by the
// report, never followed; an existing file's mode does not carry over.
func WriteFile(path string, render func(io.Writer) error) (err error) {
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
	if err = tmp.Chmod(FileMode); err != nil {
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

// Destination is where one rendering goes: a format and a file; an empty
// Path (or "-") is standard output.
type Destination struct {
	Format string
	Path   string
}

// Stdout reports whether the destination is standard output.
func (d Destination) Stdout() bool { return d.Path == "" || d.Path == "-" }

func (d Destination) String() string {
	if d.Stdout() {
		return d.Format + " on standard output"
	}
	return d.Format + "=" + d.Path
}

// ParseReport reads a --report value: FORMAT=FILE, or FORMAT alone for
// standard output.
func ParseReport(v string) Destination {
	format, path, _ := strings.Cut(v, "=")
	return Destination{Format: strings.TrimSpace(format), Path: path}
}

// Spec is what commands need of a Kind without its type: its name and
// formats, for flags, help and validation.
type Spec interface {
	Name() string
	Formats() []string
	Describe() string
	Validate(format string) error
	CheckDestinations([]Destination) error
}

// CheckDestinations validates the destinations of one run: every format
// is one of this kind, at most one goes to standard output, and no file is
// written twice.
func (k Kind[T]) CheckDestinations(dests []Destination) error {
	stdout := ""
	files := map[string]string{}
	for _, d := range dests {
		if d.Format == "" {
			return fmt.Errorf("--report %q: missing format (use FORMAT or FORMAT=FILE, FORMAT one of %s)", d.String(), strings.Join(k.Formats(), ", "))
		}
		if err := k.Validate(d.Format); err != nil {
			return err
		}
		if d.Stdout() {
			if stdout != "" {
				return fmt.Errorf("two reports on standard output (%s and %s): give one of them a file (FORMAT=FILE)", stdout, d.Format)
			}
			stdout = d.Format
			continue
		}
		clean := filepath.Clean(d.Path)
		if prev, ok := files[clean]; ok {
			return fmt.Errorf("two reports written to %s (%s and %s)", d.Path, prev, d.Format)
		}
		files[clean] = d.Format
	}
	return nil
}

// WriteAll renders v to every destination: standard output with the
// options of standard output, files atomically with mode 0600 and full
// width, without colors.
func (k Kind[T]) WriteAll(stdout io.Writer, stdoutOpts Options, dests []Destination, v T) error {
	if err := k.CheckDestinations(dests); err != nil {
		return err
	}
	for _, d := range dests {
		fn, err := k.lookup(d.Format)
		if err != nil {
			return err
		}
		if d.Stdout() {
			if err := fn(stdout, v, stdoutOpts); err != nil {
				return err
			}
			continue
		}
		if err := WriteFile(d.Path, func(w io.Writer) error { return fn(w, v, Options{}) }); err != nil {
			return err
		}
	}
	return nil
}
