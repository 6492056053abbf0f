package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// TestEveryCommandHasExamples keeps --help useful: every visible command
// that does something shows examples.
func TestEveryCommandHasExamples(t *testing.T) {
	root := NewRootCmd(&App{Out: &bytes.Buffer{}, Err: &bytes.Buffer{}})
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			if sub.Hidden || sub.Name() == "help" {
				continue
			}
			if sub.Runnable() && len(sub.Commands()) == 0 && strings.TrimSpace(sub.Example) == "" {
				t.Errorf("orgaudit %s has no examples in --help", sub.CommandPath())
			}
			walk(sub)
		}
	}
	walk(root)
}

func TestCompletion(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish"} {
		r := run(t, "completion", shell)
		if r.code != 0 || !strings.Contains(r.stdout, "orgaudit") {
			t.Errorf("%s completion: exit %d, %d bytes", shell, r.code, len(r.stdout))
		}
	}
	assertCleanError(t, run(t, "completion", "powershell"), ExitUsage, "powershell")
}

func TestGlobalFlags(t *testing.T) {
	chdirRoot(t)
	out := t.TempDir() + "/r.json"
	tests := []struct {
		name       string
		args       []string
		wantStderr string
		wantCode   int
	}{
		{"text log", []string{"check", "-s", "fixtures/startup-dev-prod.json", "-o", out}, "orgaudit: 26 findings", ExitFindings},
		{"json log", []string{"--log-format", "json", "check", "-s", "fixtures/startup-dev-prod.json", "-o", out}, `"msg":"26 findings`, ExitFindings},
		{"quiet", []string{"--quiet", "check", "-s", "fixtures/startup-dev-prod.json", "-o", out}, "", ExitFindings},
		{"bad log format", []string{"--log-format", "xml", "version"}, "invalid --log-format", ExitUsage},
		{"quiet and verbose", []string{"-q", "-v", "version"}, "cannot be used together", ExitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, tt.args...)
			if r.code != tt.wantCode {
				t.Errorf("exit %d, want %d", r.code, tt.wantCode)
			}
			if tt.wantStderr == "" && r.stderr != "" {
				t.Errorf("stderr should be empty, got %q", r.stderr)
			}
			if !strings.Contains(r.stderr, tt.wantStderr) {
				t.Errorf("stderr %q does not contain %q", r.stderr, tt.wantStderr)
			}
		})
	}
}

func TestNoColorInPipes(t *testing.T) {
	chdirRoot(t)
	r := run(t, "check", "-s", "fixtures/startup-dev-prod.json")
	if strings.Contains(r.stdout, "\x1b[") {
		t.Error("ANSI colors written to a non-terminal")
	}
}
