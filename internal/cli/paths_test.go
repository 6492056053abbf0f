package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

var pathsFormats = map[string]string{"table": "txt", "json": "json", "dot": "dot", "mermaid": "mmd"}

// TestPathsGolden runs paths on the bundled fixtures in every format,
// checks that a second run is byte-identical and compares with the golden
// files (go test ./internal/cli -update rewrites them).
func TestPathsGolden(t *testing.T) {
	chdirRoot(t)
	cases := []struct {
		name string
		args []string
		note string // expected on stderr
	}{
		{"identity-account-ous.ou-prod", []string{"--snapshot", "fixtures/identity-account-ous.json", "--to", "ou:Prod"}, ""},
		{"identity-account-ous.env-production", []string{"--snapshot", "fixtures/identity-account-ous.json", "--to", "env:production"}, "environment resolved from account and OU names"},
		{"startup-dev-prod.production", []string{"--snapshot", "fixtures/startup-dev-prod.json", "--to", "production"}, ""},
		{"consultancy-clients.client-globex", []string{"--snapshot", "fixtures/consultancy-clients.json", "--to", "200000000003"}, ""},
		{"consultancy-clients.role-from", []string{"--snapshot", "fixtures/consultancy-clients.json", "--to", "arn:aws:iam::200000000003:role/org-readonly", "--from", "ic:user/u-dan"}, ""},
		{"identity-account-ous.ou-prod.escalate", []string{"--snapshot", "fixtures/identity-account-ous.json", "--to", "ou:Prod", "--edges", "escalate"}, ""},
		{"identity-account-ous.ou-prod.assume", []string{"--snapshot", "fixtures/identity-account-ous.json", "--to", "ou:Prod", "--edges", "assume"}, ""},
	}
	for _, c := range cases {
		for format, ext := range pathsFormats {
			name := "paths/" + c.name + "." + ext
			t.Run(name, func(t *testing.T) {
				args := append([]string{"paths", "--format", format}, c.args...)
				first := run(t, args...)
				if first.code != ExitOK || c.note == "" && first.stderr != "" || !strings.Contains(first.stderr, c.note) {
					t.Fatalf("exit %d, stderr %q", first.code, first.stderr)
				}
				if second := run(t, args...); second.stdout != first.stdout {
					t.Fatal("two runs gave different output")
				}
				if format == "json" {
					var v map[string]any
					if err := json.Unmarshal([]byte(first.stdout), &v); err != nil {
						t.Fatalf("JSON output does not parse: %v", err)
					}
				}
				golden(t, name, first.stdout)
			})
		}
	}
}

func TestPathsNoSource(t *testing.T) {
	chdirRoot(t)
	r := run(t, "paths", "--snapshot", "fixtures/startup-dev-prod.json", "--to", "master", "--quiet")
	if r.code != ExitOK || !strings.Contains(r.stdout, "No principal reaches the target.") {
		t.Errorf("exit %d, stdout %q", r.code, r.stdout)
	}
}

func TestPathsInputErrors(t *testing.T) {
	chdirRoot(t)
	fx := "fixtures/identity-account-ous.json"
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no target", []string{"paths", "--snapshot", fx}, `required flag(s) "to" not set`},
		{"no snapshot", []string{"paths", "--to", "ou:Prod"}, `required flag(s) "snapshot" not set`},
		{"bad format", []string{"paths", "--snapshot", fx, "--to", "ou:Prod", "--format", "svg"}, `unknown format "svg" for paths`},
		{"bad max hops", []string{"paths", "--snapshot", fx, "--to", "ou:Prod", "--max-hops", "0"}, "invalid --max-hops 0"},
		{"bad edges", []string{"paths", "--snapshot", fx, "--to", "ou:Prod", "--edges", "some"}, `invalid --edges "some": use all, assume, escalate`},
		{"empty ou", []string{"paths", "--snapshot", fx, "--to", "ou:"}, "--to: target ou:: missing value"},
		{"user arn", []string{"paths", "--snapshot", fx, "--to", "arn:aws:iam::500000000001:user/ali"}, "must be a role ARN"},
		{"unknown ou", []string{"paths", "--snapshot", fx, "--to", "ou:Nope"}, "no organizational unit"},
		{"unknown account", []string{"paths", "--snapshot", fx, "--to", "123456789012"}, "no account with that id or name"},
		{"unknown role", []string{"paths", "--snapshot", fx, "--to", "arn:aws:iam::700000000001:role/nope"}, "no such role"},
		{"unknown environment", []string{"paths", "--snapshot", fx, "--to", "env:qa"}, `environment "qa" has no account`},
		{"unknown from", []string{"paths", "--snapshot", fx, "--to", "ou:Prod", "--from", "arn:aws:iam::1:user/x"}, "no such principal"},
		{"missing snapshot", []string{"paths", "--snapshot", "nope.json", "--to", "ou:Prod"}, "read snapshot"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := run(t, c.args...)
			assertCleanError(t, r, ExitUsage, c.want)
			if r.stdout != "" {
				t.Errorf("stdout %q, want nothing", r.stdout)
			}
		})
	}
}

// TestMaxMemory: paths, handover and diff stop with one line and exit 2
// naming the limit past --max-memory, and nothing on stdout; a bound they
// stay within changes nothing in their reports.
func TestMaxMemory(t *testing.T) {
	chdirRoot(t)
	fx := "fixtures/consultancy-clients.json"
	commands := []struct {
		name string
		args []string
	}{
		{"paths", []string{"paths", "--snapshot", fx, "--to", "client-acme", "--format", "json"}},
		{"handover", []string{"handover", "--snapshot", fx, "--account", "client-acme", "--format", "json"}},
		{"diff", []string{"diff", fx, "fixtures/identity-account-ous.json", "--force", "--format", "json"}},
	}
	for _, c := range commands {
		t.Run(c.name, func(t *testing.T) {
			r := run(t, append(c.args, "--max-memory", "64KiB")...)
			assertCleanError(t, r, ExitUsage, "memory limit of 64 KiB (--max-memory)", "raise it")
			if r.stdout != "" {
				t.Errorf("stdout %q, want nothing", r.stdout)
			}
			r = run(t, append(c.args, "--max-memory", "zero")...)
			assertCleanError(t, r, ExitUsage, `"zero" is not a size`)
			want, got := run(t, c.args...), run(t, append(c.args, "--max-memory", "8GiB")...)
			if got.code != want.code || got.stdout != want.stdout || got.stdout == "" {
				t.Errorf("--max-memory 8GiB: exit %d, %d bytes; without: exit %d, %d bytes (stderr %q)", got.code, len(got.stdout), want.code, len(want.stdout), got.stderr)
			}
		})
	}
}
