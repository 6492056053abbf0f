package output

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/orgaudit/orgaudit/internal/atomicfile"
)

// FileMode is the mode of every file orgaudit writes.
const FileMode = atomicfile.Mode

// WriteFile writes what render produces to path atomically, mode 0600; a
// symbolic link at path is replaced, never followed, and a device or named
// pipe written to (see atomicfile).
func WriteFile(path string, render func(io.Writer) error) error {
	return atomicfile.Write(path, render)
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
