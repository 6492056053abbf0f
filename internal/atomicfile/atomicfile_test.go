package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	render := func(s string) func(io.Writer) error {
		return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
	}
	read := func(p string) string {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	mode := func(p string) os.FileMode {
		st, err := os.Lstat(p)
		if err != nil {
			t.Fatal(err)
		}
		return st.Mode()
	}

	t.Run("new file is 0600", func(t *testing.T) {
		p := filepath.Join(dir, "new.json")
		if err := Write(p, render("{}\n")); err != nil {
			t.Fatal(err)
		}
		if read(p) != "{}\n" || mode(p).Perm() != 0o600 {
			t.Errorf("content %q mode %v", read(p), mode(p))
		}
	})
	t.Run("existing 0644 file ends 0600", func(t *testing.T) {
		p := filepath.Join(dir, "old.json")
		if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := Write(p, render("new")); err != nil {
			t.Fatal(err)
		}
		if read(p) != "new" || mode(p).Perm() != 0o600 {
			t.Errorf("content %q mode %v", read(p), mode(p))
		}
	})
	t.Run("symlink is replaced, never followed", func(t *testing.T) {
		target := filepath.Join(dir, "precious")
		if err := os.WriteFile(target, []byte("keep me"), 0o644); err != nil {
			t.Fatal(err)
		}
		link := filepath.Join(dir, "report.sarif")
		if err := os.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
		if err := Write(link, render("report")); err != nil {
			t.Fatal(err)
		}
		if read(target) != "keep me" {
			t.Error("the link's target was overwritten")
		}
		if mode(link)&os.ModeSymlink != 0 || read(link) != "report" || mode(link).Perm() != 0o600 {
			t.Errorf("the link should be replaced by a 0600 report: mode %v content %q", mode(link), read(link))
		}
	})
	t.Run("named pipe is written to, not replaced", func(t *testing.T) {
		// As /dev/null is: renaming over it would put a file in place
		// of the device (a FIFO stands for it here).
		fifo := filepath.Join(dir, "pipe")
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
			t.Skipf("mkfifo: %v", err)
		}
		got := make(chan string, 1)
		go func() {
			b, _ := os.ReadFile(fifo)
			got <- string(b)
		}()
		if err := Write(fifo, render("through the pipe")); err != nil {
			t.Fatal(err)
		}
		if mode(fifo)&os.ModeNamedPipe == 0 {
			t.Fatalf("the pipe was replaced: mode %v", mode(fifo))
		}
		select {
		case s := <-got:
			if s != "through the pipe" {
				t.Errorf("read %q from the pipe", s)
			}
		case <-time.After(10 * time.Second):
			t.Error("nothing came through the pipe")
		}
	})
	t.Run("failed render leaves the file and no temporary file", func(t *testing.T) {
		p := filepath.Join(dir, "kept.txt")
		if err := os.WriteFile(p, []byte("before"), 0o600); err != nil {
			t.Fatal(err)
		}
		boom := errors.New("boom")
		err := Write(p, func(w io.Writer) error { _, _ = io.WriteString(w, "half"); return boom })
		if !errors.Is(err, boom) || read(p) != "before" {
			t.Errorf("err %v, content %q", err, read(p))
		}
		tmps, _ := filepath.Glob(filepath.Join(dir, ".*.tmp-*"))
		if len(tmps) != 0 {
			t.Errorf("temporary files left: %v", tmps)
		}
	})
	t.Run("missing directory and directory destination", func(t *testing.T) {
		if err := Write(filepath.Join(dir, "nope", "r.json"), render("x")); err == nil {
			t.Error("writing into a missing directory should fail")
		}
		if err := Write(dir, render("x")); err == nil || !strings.Contains(err.Error(), "is a directory") {
			t.Errorf("writing over a directory: %v", err)
		}
	})
}
