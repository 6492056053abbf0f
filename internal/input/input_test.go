package input

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestDecodeJSONRefuses(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"duplicate top-level key", "{\n  \"accounts\": [],\n  \"accounts\": []\n}", `line 3, column 3: duplicate key "accounts" in $`},
		{"duplicate deep key", `{"a":[{"b":{"c":1,"c":2}}]}`, `line 1, column 19: duplicate key "c" in $.a[0].b`},
		{"duplicate key after escapes", `{"x":1,"\u0078":2}`, `duplicate key "x" in $`},
		{"invalid UTF-8 in a value", "{\"a\":\n\"ok \xff\"}", "line 2, column 5: invalid UTF-8 in a string in $.a"},
		{"invalid UTF-8 in a key", "{\"\xc3\x28\":1}", "line 1, column 3: invalid UTF-8 in a string"},
		{"truncated", `{"a":[1,2`, "line 1, column 10: unexpected end of input"},
		{"trailing value", "{}\n  {}", "line 2, column 3: unexpected"},
		{"garbage", "\x00\x00", "line 1, column 1: invalid character"},
		{"empty", "", "the input is empty"},
		{"whitespace only", "  \n ", "the input is empty or blank"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeJSON(context.Background(), []byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("DecodeJSON: %v, want %q", err, tt.want)
			}
			if err2 := CheckJSON([]byte(tt.in)); err2 == nil || err2.Error() != err.Error() {
				t.Errorf("CheckJSON: %v, want the same error as DecodeJSON (%v)", err2, err)
			}
			path := filepath.Join(t.TempDir(), "in.json")
			if err := os.WriteFile(path, []byte(tt.in), 0o600); err != nil {
				t.Fatal(err)
			}
			raw, err3 := ReadJSONFile(context.Background(), path, 0)
			if err3 == nil {
				err3 = CheckJSON(raw)
			}
			if err3 == nil || err3.Error() != err.Error() {
				t.Errorf("ReadJSONFile and CheckJSON: %v, want the same error as DecodeJSON (%v)", err3, err)
			}
		})
	}
}

// TestDecodeJSONMatchesStandardLibrary: on valid input the value is the
// one encoding/json gives with UseNumber.
func TestDecodeJSONMatchesStandardLibrary(t *testing.T) {
	for _, in := range []string{
		`{"a":[1,2.5,-3e10,"x",true,false,null,{},[]],"b":{"c":"\u00e9\n"},"n":12345678901234567890}`,
		`[]`, `"s"`, `0`, `null`, " \n{\"k\": [ {\"deep\": [[[1]]]} ]}\n ",
	} {
		got, err := DecodeJSON(context.Background(), []byte(in))
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		dec := json.NewDecoder(strings.NewReader(in))
		dec.UseNumber()
		var want any
		if err := dec.Decode(&want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %#v, want %#v", in, got, want)
		}
	}
}

func TestReadFileSizeCap(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "in.json")
	content := `{"a":"` + strings.Repeat("x", 100) + `"}`
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, max := range []int64{int64(len(content)), int64(len(content)) + 1, 0} {
		if got, err := ReadJSONFile(ctx, path, max); err != nil || string(got) != content {
			t.Errorf("cap %d: %v", max, err)
		}
		if got, err := ReadFile(ctx, path, max); err != nil || string(got) != content {
			t.Errorf("cap %d: %v", max, err)
		}
	}
	for _, read := range []func(context.Context, string, int64) ([]byte, error){ReadFile, ReadJSONFile} {
		_, err := read(ctx, path, int64(len(content))-1)
		if !IsTooLarge(err) || !strings.Contains(err.Error(), "--max-input-size") {
			t.Errorf("one byte over the cap: %v", err)
		}
	}
	// A stream (no size known in advance) stops at the cap too.
	_, err := ReadAll(ctx, strings.NewReader(content), 10)
	if !IsTooLarge(err) {
		t.Errorf("stream over the cap: %v", err)
	}
	if got, err := ReadAll(ctx, strings.NewReader(content), int64(len(content))); err != nil || string(got) != content {
		t.Errorf("stream at the cap: %v", err)
	}
}

// endless is a reader that never ends: whitespace, forever.
type endless struct{ reads int }

func (e *endless) Read(p []byte) (int, error) {
	e.reads++
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

func TestReadAllEndlessReaderStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	src := &endless{}
	go func() {
		time.Sleep(50 * time.Millisecond)
		cancel()
	}()
	_, err := ReadAll(ctx, src, 1<<62)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("ReadAll of an endless reader: %v, want context.Canceled", err)
	}
	// And at the cap when nobody cancels.
	if _, err := ReadAll(context.Background(), &endless{}, 1<<20); !IsTooLarge(err) {
		t.Fatalf("ReadAll of an endless reader: %v, want the size cap", err)
	}
}

// TestReadJSONFileBlockedPipe: a read blocked on a pipe that never sends
// anything returns as soon as the context is done.
func TestReadJSONFileBlockedPipe(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	// Hold the write end open without writing.
	done := make(chan struct{})
	defer close(done)
	go func() {
		w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		_, _ = w.Write([]byte(`{"a": `))
		<-done
		w.Close()
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := ReadJSONFile(ctx, fifo, 0)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("ReadJSONFile of a silent pipe: %v, want the context's error", err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("took %s to stop", took)
	}
}

// TestStream: an open stream (standard input) stops at the cap, names
// itself in the error, and a read blocked on a silent pipe ends when the
// context is done.
func TestStream(t *testing.T) {
	content := strings.Repeat("x", 100)
	r, stop := Stream(context.Background(), strings.NewReader(content), "standard input", 10)
	defer stop()
	if _, err := io.ReadAll(r); !IsTooLarge(err) || !strings.HasPrefix(err.Error(), "standard input is larger than the limit of 10 bytes") {
		t.Errorf("over the cap: %v", err)
	}
	r, stop = Stream(context.Background(), strings.NewReader(content), "standard input", 100)
	if got, err := io.ReadAll(r); err != nil || string(got) != content {
		t.Errorf("at the cap: %q, %v", got, err)
	}
	stop()

	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	r, stop = Stream(ctx, pr, "standard input", 0)
	defer stop()
	start := time.Now()
	if _, err := io.ReadAll(r); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a silent pipe: %v, want the context's error", err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("took %s to stop", took)
	}
}

// TestReadJSONFileStopsEarly: garbage is refused after the first bytes,
// not read to the cap.
func TestReadJSONFileStopsEarly(t *testing.T) {
	f, err := os.Open("/dev/zero")
	if err != nil {
		t.Skip("no /dev/zero")
	}
	f.Close()
	start := time.Now()
	_, err = ReadJSONFile(context.Background(), "/dev/zero", 0)
	if err == nil || !strings.Contains(err.Error(), "line 1, column 1") {
		t.Fatalf("/dev/zero: %v", err)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("took %s to refuse /dev/zero", took)
	}
}

func TestDecodeJSONCanceled(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("[")
	for i := range 3 * checkEvery {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("1")
	}
	b.WriteString("]")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := DecodeJSON(ctx, b.Bytes()); !errors.Is(err, context.Canceled) {
		t.Fatalf("DecodeJSON after cancel: %v", err)
	}
}

func TestFormatSize(t *testing.T) {
	for n, want := range map[int64]string{4 << 30: "4 GiB", 512 << 20: "512 MiB", 3 << 10: "3 KiB", 1000: "1000 bytes"} {
		if got := FormatSize(n); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", n, got, want)
		}
	}
}

func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `{"a":1,"a":2}`, "\"\xff\"", `[1,[2,{"x":null}]]`, `{} {}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		v, err := DecodeJSON(context.Background(), raw)
		if err2 := CheckJSON(raw); (err == nil) != (err2 == nil) {
			t.Fatalf("DecodeJSON %v but CheckJSON %v", err, err2)
		}
		if err != nil {
			return
		}
		// Whatever is accepted is valid for the standard library too.
		if !json.Valid(raw) {
			t.Fatalf("accepted invalid JSON %q", raw)
		}
		if _, err := json.Marshal(v); err != nil {
			t.Fatal(err)
		}
		_, _ = io.Discard.Write(raw)
	})
}

// TestReadSizedBuffer: a regular file is read into one buffer sized from
// the file (no growth, no copy); a file that grew after it was opened is
// read whole, still within the cap; garbage is refused at its first byte.
func TestReadSizedBuffer(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "in.json")
	content := `{"a": "` + strings.Repeat("x", 100000) + `"}`
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, read := range map[string]func(context.Context, string, int64) ([]byte, error){"ReadFile": ReadFile, "ReadJSONFile": ReadJSONFile} {
		got, err := read(ctx, path, 0)
		if err != nil || string(got) != content {
			t.Fatalf("%s: %v", name, err)
		}
		if cap(got) != len(content)+1 {
			t.Errorf("%s: buffer capacity %d, want the file's size plus one (%d)", name, cap(got), len(content)+1)
		}
	}

	// Appended to between Open (which sizes the buffer) and the read.
	more := strings.Repeat(" ", 5000)
	for _, tc := range []struct {
		max  int64
		fail bool
	}{{0, false}, {int64(len(content) + len(more)), false}, {int64(len(content) + len(more) - 1), true}} {
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		f, err := Open(ctx, path, tc.max)
		if err != nil {
			t.Fatal(err)
		}
		appendFile(t, path, []byte(more))
		got, err := ReadJSON(ctx, f, 0)
		f.Close()
		switch {
		case tc.fail && !IsTooLarge(err):
			t.Errorf("cap %d: %v, want the size cap", tc.max, err)
		case !tc.fail && (err != nil || string(got) != content+more):
			t.Errorf("cap %d: %d bytes, %v; want the whole grown file", tc.max, len(got), err)
		}
	}

	// Not JSON: the error names where, as for a stream.
	if err := os.WriteFile(path, []byte("\n  \x00\x01rest"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, fileErr := ReadJSONFile(ctx, path, 0)
	_, streamErr := ReadJSON(ctx, strings.NewReader("\n  \x00\x01rest"), 0)
	if fileErr == nil || !strings.Contains(fileErr.Error(), "line 2, column 3") || fileErr.Error() != streamErr.Error() {
		t.Errorf("garbage: file %v, stream %v", fileErr, streamErr)
	}
}

// TestReadJSONLargeFile: a file large enough to be read on several cores
// gives the bytes reading it in order gives, also when it changes between
// being opened and read (grown, shrunk, grown past the cap), and the read
// stops when the context is done.
func TestReadJSONLargeFile(t *testing.T) {
	size := parallelReadMin + 3<<20 + 17
	content := make([]byte, size)
	for i := range content {
		content[i] = byte('a' + i%26)
	}
	content[0] = '['
	extra := []byte(`,"more"]`)
	tests := []struct {
		name   string
		max    int64
		change func(t *testing.T, path string, cancel context.CancelFunc)
		want   []byte
		err    func(error) bool
	}{
		{name: "unchanged", want: content},
		{name: "grown", change: func(t *testing.T, path string, _ context.CancelFunc) { appendFile(t, path, extra) }, want: append(slices.Clone(content), extra...)},
		{name: "shrunk", change: func(t *testing.T, path string, _ context.CancelFunc) {
			if err := os.Truncate(path, int64(size/2)); err != nil {
				t.Fatal(err)
			}
		}, want: content[:size/2]},
		{name: "shrunk to the head", change: func(t *testing.T, path string, _ context.CancelFunc) {
			if err := os.Truncate(path, readHead/2); err != nil {
				t.Fatal(err)
			}
		}, want: content[:readHead/2]},
		{name: "grown past the cap", max: int64(size + 3), change: func(t *testing.T, path string, _ context.CancelFunc) { appendFile(t, path, extra) }, err: IsTooLarge},
		{name: "canceled", change: func(_ *testing.T, _ string, cancel context.CancelFunc) { cancel() },
			err: func(err error) bool { return errors.Is(err, context.Canceled) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "big.json")
			if err := os.WriteFile(path, content, 0o600); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			f, err := Open(ctx, path, tt.max)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if tt.change != nil {
				tt.change(t, path, cancel)
			}
			got, err := ReadJSON(ctx, f, tt.max)
			if tt.err != nil {
				if !tt.err(err) {
					t.Fatalf("error %v, want another", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tt.want) {
				t.Errorf("read %d bytes, want %d (the same as in order)", len(got), len(tt.want))
			}
		})
	}
}

// appendFile appends b to the file at path.
func appendFile(t *testing.T, path string, b []byte) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(b); err != nil {
		t.Fatal(err)
	}
}
