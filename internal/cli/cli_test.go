package cli

import (
	"bytes"
	"context"
	"encoding/json"
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
// go-sarif embeds (no file outside the repository is needed), and that it
// is lean: no null, no empty list or object and no -1 outside property
// bags, only rules that results or notifications refer to.
func validateSARIF(t *testing.T, out string) {
	t.Helper()
	rep, err := sarif.FromString(out)
	if err != nil {
		t.Fatalf("SARIF output is not JSON: %v", err)
	}
	// go-sarif validates its structs, which write the language and the
	// newline sequences whether set or not: give them the schema's
	// defaults, which the lean output leaves out.
	for _, run := range rep.Runs {
		if run.Language == "" {
			run.Language = "en-US"
		}
		if len(run.NewlineSequences) == 0 {
			run.NewlineSequences = []string{"\r\n", "\n"}
		}
		if run.Tool.Driver.Language == "" {
			run.Tool.Driver.Language = "en-US"
		}
	}
	if err := rep.Validate(); err != nil {
		t.Errorf("SARIF output does not validate against the SARIF 2.1.0 schema: %v", err)
	}
	var doc any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case nil:
			t.Errorf("%s is null", path)
		case float64:
			if v == -1 {
				t.Errorf("%s is -1", path)
			}
		case []any:
			if len(v) == 0 && !strings.HasSuffix(path, ".results") {
				t.Errorf("%s is an empty list", path)
			}
			for i, e := range v {
				walk(path+"."+strconv.Itoa(i), e)
			}
		case map[string]any:
			if len(v) == 0 {
				t.Errorf("%s is an empty object", path)
			}
			for k, e := range v {
				if k != "properties" {
					walk(path+"."+k, e)
				}
			}
		}
	}
	walk("$", doc)
	used := map[string]bool{}
	for _, res := range rep.Runs[0].Results {
		used[*res.RuleID] = true
	}
	for _, inv := range rep.Runs[0].Invocations {
		for _, n := range inv.ToolExecutionNotifications {
			used[*n.Descriptor.ID] = true
		}
	}
	for i, rule := range rep.Runs[0].Tool.Driver.Rules {
		if !used[*rule.ID] {
			t.Errorf("rule %d (%s) has neither result nor notification", i, *rule.ID)
		}
	}
	for _, res := range rep.Runs[0].Results {
		if i := res.RuleIndex; i < 0 || i >= len(rep.Runs[0].Tool.Driver.Rules) || *rep.Runs[0].Tool.Driver.Rules[i].ID != *res.RuleID {
			t.Errorf("result of %s has ruleIndex %d", *res.RuleID, i)
		}
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
