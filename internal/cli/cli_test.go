package cli

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// repoRoot is where the tests run commands from, so that paths in
// reports read "fixtures/...".
const repoRoot = "../.."

type runResult struct {
	stdout, stderr string
	code           int
}

// run executes the orgaudit command line in-process from the repository
// root.
func run(t *testing.T, args ...string) runResult {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Execute(context.Background(), args, strings.NewReader(""), &out, &errOut)
	return runResult{stdout: out.String(), stderr: errOut.String(), code: code}
}

func chdirRoot(t *testing.T) {
	t.Helper()
	t.Chdir(repoRoot)
}

// goldenDir is testdata/golden of this package, absolute because tests
// change directories.
var goldenDir = func() string {
	dir, err := filepath.Abs(filepath.Join("testdata", "golden"))
	if err != nil {
		panic(err)
	}
	return dir
}()

// golden compares got with testdata/golden/name, or rewrites it with
// -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join(goldenDir, name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test ./internal/cli -update to create it): %v", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file (go test ./internal/cli -update rewrites it)\n%s", name, firstDiff(string(want), got))
	}
}

func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + w + "\n  got:  " + g
		}
	}
	return "(no line differs)"
}

// validateSARIF checks a SARIF report against the SARIF 2.1.0 schema that
// go-sarif embeds (no file outside the repository is needed).
func validateSARIF(t *testing.T, out string) {
	t.Helper()
	rep, err := sarif.FromString(out, sarif.WithStrictValidation())
	if err != nil {
		t.Fatalf("SARIF output is not JSON: %v", err)
	}
	if err := rep.Validate(); err != nil {
		t.Errorf("SARIF output does not validate against the SARIF 2.1.0 schema: %v", err)
	}
}

// assertCleanError checks that a failure was reported as one line on
// stderr, without a panic or stack trace.
func assertCleanError(t *testing.T, r runResult, wantCode int, wantSubstr ...string) {
	t.Helper()
	if r.code != wantCode {
		t.Errorf("exit code = %d, want %d (stderr: %q)", r.code, wantCode, r.stderr)
	}
	lines := strings.Split(strings.TrimRight(r.stderr, "\n"), "\n")
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "error: ") {
		t.Errorf("stderr should be exactly one line starting with \"error: \", got %q", r.stderr)
	}
	for _, bad := range []string{"panic", "goroutine", ".go:"} {
		if strings.Contains(r.stderr, bad) {
			t.Errorf("stderr contains %q: %q", bad, r.stderr)
		}
	}
	for _, s := range wantSubstr {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("stderr %q does not mention %q", r.stderr, s)
		}
	}
}
