package cli

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgaudit/orgaudit/internal/collect"
)

func execute(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := Execute(context.Background(), args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestCollectHelp(t *testing.T) {
	code, out, _ := execute("collect", "--help")
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{
		"--profile", "--region", "--role-name", "--external-id", "--accounts", "--concurrency", "--endpoint-url", "--output",
		"Examples:", "orgaudit collect --output snapshot.json", "OrganizationAccountAccessRole", "audit-role-policy.json", "Exit codes",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("collect --help lacks %q", want)
		}
	}
}

func TestCollectUsageErrors(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "s.json")
	for name, args := range map[string][]string{
		"no output":         {"collect"},
		"bad account":       {"collect", "-o", out, "--accounts", "123,456"},
		"zero concurrency":  {"collect", "-o", out, "--concurrency", "0"},
		"huge concurrency":  {"collect", "-o", out, "--concurrency", "1000"},
		"empty role":        {"collect", "-o", out, "--role-name", ""},
		"missing directory": {"collect", "-o", filepath.Join(dir, "nope", "s.json")},
		"output is a dir":   {"collect", "-o", dir},
		"bad endpoint":      {"collect", "-o", out, "--endpoint-url", "localhost:1"},
		"unknown flag":      {"collect", "-o", out, "--bogus"},
		"argument":          {"collect", "-o", out, "extra"},
	} {
		code, stdout, stderr := execute(args...)
		if code != ExitUsage {
			t.Errorf("%s: exit %d, want %d; stderr %s", name, code, ExitUsage, stderr)
		}
		if stdout != "" || !strings.HasPrefix(stderr, "error: ") || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("%s: want one error line on stderr, got stdout %q stderr %q", name, stdout, stderr)
		}
		if _, err := os.Stat(out); err == nil {
			t.Fatalf("%s: a snapshot was written", name)
		}
	}
}

func TestCollectOptionsFromFlags(t *testing.T) {
	o := &collectOptions{
		profile: "p", region: "eu-west-1", roleName: "Audit", externalID: "x", concurrency: 3, endpointURL: "http://h",
		accounts: []string{" 111111111111", "", "222222222222 "},
	}
	got := o.toOptions()
	want := collect.Options{Profile: "p", Region: "eu-west-1", RoleName: "Audit", ExternalID: "x", Concurrency: 3,
		EndpointURL: "http://h", Accounts: []string{"111111111111", "222222222222"}}
	if got.Profile != want.Profile || got.Region != want.Region || got.RoleName != want.RoleName || got.ExternalID != want.ExternalID ||
		got.Concurrency != want.Concurrency || got.EndpointURL != want.EndpointURL || strings.Join(got.Accounts, ",") != strings.Join(want.Accounts, ",") {
		t.Errorf("toOptions: %+v", got)
	}
}

// TestProgressBar: log lines print above the bar, which is redrawn, and
// finish leaves a clean line.
func TestProgressBar(t *testing.T) {
	var buf bytes.Buffer
	bar := &progressBar{w: &buf}
	log := slog.New(&barHandler{inner: slog.NewTextHandler(&buf, nil), bar: bar})
	bar.update(collect.Progress{Total: 4})
	bar.update(collect.Progress{AccountID: "111111111111", Done: 1, Total: 4})
	log.Warn("gap", "account", "111111111111")
	bar.update(collect.Progress{AccountID: "222222222222", Done: 4, Total: 4})
	bar.finish()
	got := buf.String()
	for _, want := range []string{
		"accounts [", "1/4", "4/4", "\r\033[Ktime=", "level=WARN msg=gap account=111111111111\n\r\033[Kaccounts [",
		"[" + strings.Repeat("#", barWidth) + "] 4/4",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("progress output lacks %q:\n%q", want, got)
		}
	}
	if !strings.HasSuffix(got, "\r\033[K") {
		t.Errorf("finish does not clear the bar: %q", got)
	}
	if isTerminal(&buf) {
		t.Error("a buffer is not a terminal")
	}
}
