package cli

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestInputBounds: oversized, malformed and endless inputs are refused
// with one clear line and exit 2, for every kind of input file.
func TestInputBounds(t *testing.T) {
	chdirRoot(t)
	fx := "fixtures/startup-dev-prod.json"
	raw, err := os.ReadFile(fx)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	dup := write("dup.json", strings.Replace(string(raw), `"accounts": [`, `"accounts": [], "accounts": [`, 1))
	badUTF8 := write("utf8.json", strings.Replace(string(raw), `"name": "master"`, "\"name\": \"mas\xffter\"", 1))
	dupBaseline := write("base.json", "{\"report_version\": \"1\",\n\"findings\": [], \"findings\": []}")
	dupConfig := write("cfg.yaml", "version: 1\nversion: 1\n")
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"snapshot over the cap", []string{"check", "--snapshot", fx, "--max-input-size", "1KiB"}, []string{fx, "larger than the limit of 1 KiB", "--max-input-size"}},
		{"bad cap", []string{"check", "--snapshot", fx, "--max-input-size", "lots"}, []string{"--max-input-size", `"lots" is not a size`}},
		{"duplicate key", []string{"check", "--snapshot", dup}, []string{"dup.json", "invalid JSON at line", `duplicate key "accounts" in $`}},
		{"invalid UTF-8", []string{"check", "--snapshot", badUTF8}, []string{"utf8.json", "invalid UTF-8", "$.accounts[0].name"}},
		{"endless garbage", []string{"check", "--snapshot", "/dev/zero"}, []string{"/dev/zero", "line 1, column 1"}},
		{"baseline duplicate key", []string{"check", "--snapshot", fx, "--baseline", dupBaseline}, []string{"base.json", `line 2, column 17: duplicate key "findings"`}},
		{"baseline over the cap", []string{"check", "--snapshot", fx, "--baseline", dupBaseline, "--max-input-size", "10"}, []string{"base.json", "larger than the limit of 10 bytes"}},
		{"config duplicate key", []string{"check", "--snapshot", fx, "--config", dupConfig}, []string{"cfg.yaml", `line 2: mapping key "version" already defined`}},
		{"diff over the cap", []string{"diff", fx, fx, "--max-input-size", "1KiB"}, []string{"larger than the limit"}},
		{"paths with a duplicate key", []string{"paths", "--snapshot", dup, "--to", "env:production"}, []string{"duplicate key"}},
		{"handover with invalid UTF-8", []string{"handover", "--snapshot", badUTF8, "--account", "111111111111"}, []string{"invalid UTF-8"}},
		{"rule past --rule-timeout", []string{"check", "--snapshot", fx, "--rules", "internal/cli/testdata/badrules/spin", "--rule-timeout", "300ms"},
			[]string{"rule BAD-SPIN (internal/cli/testdata/badrules/spin/spin.rego) did not finish within 300ms", "--rule-timeout"}},
		{"bad rule timeout", []string{"check", "--snapshot", fx, "--rule-timeout", "0s"}, []string{"--rule-timeout must be positive"}},
		{"plan over the cap", []string{"plan", "--snapshot", "fixtures/plan/empty-organization.json", "--plan", "fixtures/plan/seed004-organization.plan.json", "--max-input-size", "8KiB"},
			[]string{"fixtures/plan/seed004-organization.plan.json is larger than the limit of 8 KiB"}},
		{"profiles over the cap", []string{"profiles", "check", "--config", "fixtures/profiles/bad/config", "--credentials", "fixtures/profiles/bad/credentials", "--max-input-size", "100"},
			[]string{"fixtures/profiles/bad/config is larger than the limit of 100 bytes"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			assertCleanError(t, run(t, tt.args...), ExitUsage, tt.want...)
			if took := time.Since(start); took > 20*time.Second {
				t.Errorf("took %s", took)
			}
		})
	}
}

// TestInterrupted: Ctrl-C while the rules run, or while a snapshot is
// read (a pipe that never sends anything), ends every command that reads
// one with exit 130, not 2, and writes no report.
func TestInterrupted(t *testing.T) {
	chdirRoot(t)
	out := filepath.Join(t.TempDir(), "report.json")
	const pipe = "(a pipe)"
	fx := "fixtures/startup-dev-prod.json"
	for name, args := range map[string][]string{
		"check evaluating":          {"check", "--snapshot", fx, "--rules", "internal/cli/testdata/badrules/spin", "--rule-timeout", "1h", "--output", out},
		"check reading":             {"check", "--snapshot", pipe, "--severity", "high,critical", "--report", "json=" + out},
		"diff reading":              {"diff", fx, pipe, "--report", "json=" + out},
		"paths reading":             {"paths", "--snapshot", pipe, "--to", "env:production", "--report", "json=" + out},
		"handover reading":          {"handover", "--snapshot", pipe, "--account", "111111111111", "--report", "json=" + out},
		"simulate reading":          {"simulate", "--snapshot", pipe, "--principal", "arn:aws:iam::111111111111:root", "--action", "sts:AssumeRole"},
		"plan reading the snapshot": {"plan", "--snapshot", pipe, "--plan", "fixtures/plan/unknowns.plan.json", "--report", "json=" + out},
		"plan reading the plan":     {"plan", "--snapshot", fx, "--plan", pipe, "--report", "json=" + out},
		"profiles check reading":    {"profiles", "check", "--config", pipe, "--credentials", "fixtures/profiles/good/credentials", "--report", "json=" + out},
		"profiles generate reading": {"profiles", "generate", "--snapshot", pipe, "--principal", "arn:aws:iam::111111111111:user/cobus", "--source-profile", "p", "--output", out},
		"simulate --input":          {"simulate", "--input", pipe, "--output", out},
		"simulate --input -":        {"simulate", "--input", "-", "--output", out},
	} {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			time.AfterFunc(300*time.Millisecond, cancel)
			var stdout, stderr bytes.Buffer
			stdin, w, err := os.Pipe() // a reader that never sends anything
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			defer stdin.Close()
			args = slices.Clone(args)
			for i, a := range args {
				if a == pipe {
					args[i] = "/dev/fd/" + strconv.Itoa(int(stdin.Fd()))
				}
			}
			start := time.Now()
			var in io.Reader = strings.NewReader("")
			if slices.Contains(args, "-") {
				in = stdin // standard input is the silent pipe
			}
			code := Execute(ctx, args, in, &stdout, &stderr)
			if code != ExitInterrupted || !strings.Contains(stderr.String(), "interrupted") {
				t.Fatalf("exit %d, want %d: %s", code, ExitInterrupted, stderr.String())
			}
			if took := time.Since(start); took > 10*time.Second {
				t.Errorf("took %s to stop", took)
			}
			if _, err := os.Stat(out); err == nil {
				t.Error("a report was written")
			}
		})
	}
}
