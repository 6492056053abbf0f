package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orgaudit/orgaudit/internal/version"
)

// TestReportFlag writes several reports in one run: SARIF and Markdown to
// files, the table to stdout; each equals the single-format run.
func TestReportFlag(t *testing.T) {
	chdirRoot(t)
	dir := t.TempDir()
	fx := []string{"--snapshot", "fixtures/startup-dev-prod.json", "--config", "fixtures/startup-dev-prod.orgaudit.yaml"}
	sarif, md := filepath.Join(dir, "o.sarif"), filepath.Join(dir, "s.md")
	r := run(t, append([]string{"check", "--report", "sarif=" + sarif, "--report", "markdown=" + md, "--report", "table"}, fx...)...)
	if r.code != ExitFindings {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for format, got := range map[string]string{"table": r.stdout, "sarif": readFile(t, sarif), "markdown": readFile(t, md)} {
		single := run(t, append([]string{"check", "--format", format}, fx...)...)
		if got != single.stdout {
			t.Errorf("--report %s differs from --format %s", format, format)
		}
	}
	for _, p := range []string{sarif, md} {
		if st, err := os.Stat(p); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v, want mode 0600", p, err, st)
		}
	}

	// --report alone writes nothing to stdout and logs the summary.
	r = run(t, append([]string{"check", "--report", "json=" + filepath.Join(dir, "r.json")}, fx...)...)
	if r.stdout != "" || !strings.Contains(r.stderr, "orgaudit: 25 findings") || !strings.Contains(r.stderr, "report="+filepath.Join(dir, "r.json")) {
		t.Errorf("stdout %q stderr %q", r.stdout, r.stderr)
	}
	// --format and --output still count when given next to --report.
	r = run(t, append([]string{"check", "--format", "json", "--output", filepath.Join(dir, "a.json"), "--report", "junit=" + filepath.Join(dir, "a.xml")}, fx...)...)
	if r.code != ExitFindings || readFile(t, filepath.Join(dir, "a.json")) == "" || readFile(t, filepath.Join(dir, "a.xml")) == "" {
		t.Errorf("exit %d: %s", r.code, r.stderr)
	}

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"two on stdout", append([]string{"check", "--report", "table", "--report", "json"}, fx...), "two reports on standard output"},
		{"same file", append([]string{"check", "--report", "json=x.json", "--report", "sarif=x.json"}, fx...), "two reports written to x.json"},
		{"unknown format", append([]string{"check", "--report", "sraif=x.sarif"}, fx...), "did you mean sarif?"},
		{"paths format on check", append([]string{"check", "--report", "dot=x.dot"}, fx...), "dot is a format of other commands"},
		{"scan validates reports before collecting", []string{"scan", "--report", "pdf=r.pdf"}, `unknown format "pdf" for check`},
		{"scan checks report directories", []string{"scan", "--report", "json=/nonexistent/dir/r.json"}, "does not exist"},
	}
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertCleanError(t, run(t, tt.args...), ExitUsage, tt.want)
		})
	}
}

// TestEveryOutputIsSafe: every command that writes a file replaces a
// symbolic link instead of following it and leaves the file 0600, even
// when it existed with mode 0644.
func TestEveryOutputIsSafe(t *testing.T) {
	chdirRoot(t)
	dir := t.TempDir()
	cases := []struct {
		name string
		args []string
	}{
		{"check --output", []string{"check", "--snapshot", "fixtures/startup-dev-prod.json", "--output"}},
		{"check --report", []string{"check", "--snapshot", "fixtures/startup-dev-prod.json", "--report", "sarif="}},
		{"paths --output", []string{"paths", "--snapshot", "fixtures/startup-dev-prod.json", "--to", "production", "--output"}},
		{"paths --report", []string{"paths", "--snapshot", "fixtures/startup-dev-prod.json", "--to", "production", "--report", "mermaid="}},
		{"handover --output", []string{"handover", "--snapshot", "fixtures/consultancy-clients.json", "--account", "client-globex", "--output"}},
		{"diff --output", []string{"diff", "fixtures/startup-dev-prod.json", "fixtures/startup-dev-prod.json", "--output"}},
		{"rules docs --output", []string{"rules", "docs", "--output"}},
		{"profiles check --output", []string{"profiles", "check", "--config", "fixtures/profiles/bad/config", "--credentials", "fixtures/profiles/bad/credentials", "--output"}},
		{"profiles check --report", []string{"profiles", "check", "--config", "fixtures/profiles/bad/config", "--credentials", "fixtures/profiles/bad/credentials", "--report", "junit="}},
		{"profiles generate --force --output", []string{"profiles", "generate", "--snapshot", "fixtures/startup-dev-prod.json", "--principal", "arn:aws:iam::111111111111:user/cobus", "--source-profile", "demo-master-cobus", "--force", "--output"}},
		{"plan --output", []string{"plan", "--snapshot", "fixtures/identity-account-ous.json", "--plan", "fixtures/plan/unknowns.plan.json", "--output"}},
		{"plan --report", []string{"plan", "--snapshot", "fixtures/identity-account-ous.json", "--plan", "fixtures/plan/unknowns.plan.json", "--report", "markdown="}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			victim := filepath.Join(dir, "victim"+string(rune('a'+i)))
			if err := os.WriteFile(victim, []byte("precious"), 0o644); err != nil {
				t.Fatal(err)
			}
			link := filepath.Join(dir, "link"+string(rune('a'+i)))
			if err := os.Symlink(victim, link); err != nil {
				t.Fatal(err)
			}
			r := run(t, withPath(c.args, link)...)
			if r.code == ExitUsage {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			if readFile(t, victim) != "precious" {
				t.Error("the symbolic link was followed: its target was overwritten")
			}
			st, err := os.Lstat(link)
			if err != nil || st.Mode()&os.ModeSymlink != 0 || st.Mode().Perm() != 0o600 {
				t.Errorf("the link should be replaced by a 0600 file: %v %v", st.Mode(), err)
			}

			existing := filepath.Join(dir, "existing"+string(rune('a'+i)))
			if err := os.WriteFile(existing, []byte("old"), 0o644); err != nil {
				t.Fatal(err)
			}
			run(t, withPath(c.args, existing)...)
			if st, err := os.Stat(existing); err != nil || st.Mode().Perm() != 0o600 || readFile(t, existing) == "old" {
				t.Errorf("an existing 0644 file should be replaced with mode 0600: %v %v", st.Mode(), err)
			}
		})
	}
}

// withPath completes args with a file: the last argument's value when it
// ends with "=" (--report FORMAT=), else the value of the last flag.
func withPath(args []string, path string) []string {
	out := append([]string(nil), args...)
	if last := len(out) - 1; strings.HasSuffix(out[last], "=") {
		out[last] += path
		return out
	}
	return append(out, path)
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestDidYouMean(t *testing.T) {
	chdirRoot(t)
	cfg := filepath.Join(t.TempDir(), "typo.yaml")
	if err := os.WriteFile(cfg, []byte("identity_acount: \"500000000001\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ious := "fixtures/identity-account-ous.json"
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"format", []string{"check", "--snapshot", ious, "--format", "markdwn"}, "did you mean markdown?"},
		{"paths format", []string{"paths", "--snapshot", ious, "--to", "ou:Prod", "--format", "mermiad"}, "did you mean mermaid?"},
		{"environment", []string{"paths", "--snapshot", ious, "--to", "env:prodution"}, "did you mean --to env:production?"},
		{"account", []string{"paths", "--snapshot", ious, "--to", "prod-wbe"}, "did you mean --to prod-web?"},
		{"rule id", []string{"check", "--snapshot", ious, "--rule", "OA-IAM-04"}, `unknown rule id "OA-IAM-04" (did you mean OA-IAM-004?)`},
		{"skipped rule id", []string{"check", "--snapshot", ious, "--skip-rule", "OA-ROT-001"}, "did you mean OA-ROOT-001?"},
		{"config key", []string{"check", "--snapshot", ious, "--config", cfg}, "unknown key identity_acount (did you mean identity_account?)"},
		{"change kind", []string{"diff", ious, ious, "--fail-on", "path.add"}, "did you mean path.added?"},
		{"severity", []string{"check", "--snapshot", ious, "--severity", "hihg"}, "did you mean high?"},
		{"fail-on", []string{"check", "--snapshot", ious, "--fail-on", "critcal"}, "did you mean critical?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertCleanError(t, run(t, tt.args...), ExitUsage, tt.want)
		})
	}
}

func TestCheckFilters(t *testing.T) {
	chdirRoot(t)
	type report struct {
		Findings []struct {
			RuleID   string `json:"rule_id"`
			Severity string `json:"severity"`
		} `json:"findings"`
		NotEvaluated []struct {
			RuleID string `json:"rule_id"`
		} `json:"not_evaluated"`
		Rules []struct {
			ID string `json:"id"`
		} `json:"rules"`
	}
	check := func(args ...string) (report, int) {
		r := run(t, append([]string{"check", "--snapshot", "fixtures/identity-account-ous.json", "--config", "fixtures/identity-account-ous.orgaudit.yaml", "--format", "json"}, args...)...)
		var rep report
		if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
			t.Fatalf("%v: %v (%s)", args, err, r.stderr)
		}
		return rep, r.code
	}
	all, _ := check()
	rep, _ := check("--severity", "high,critical")
	if len(rep.Findings) == 0 || len(rep.Findings) >= len(all.Findings) {
		t.Errorf("--severity high,critical kept %d of %d findings", len(rep.Findings), len(all.Findings))
	}
	for _, f := range rep.Findings {
		if f.Severity != "high" && f.Severity != "critical" {
			t.Errorf("--severity high,critical kept a %s finding", f.Severity)
		}
	}
	rep, _ = check("--severity", "medium")
	for _, f := range rep.Findings {
		if f.Severity != "medium" {
			t.Errorf("--severity medium kept a %s finding", f.Severity)
		}
	}
	rep, _ = check("--rule", "OA-IAM-004,OA-REACH-001")
	if len(rep.Rules) != 2 || len(rep.Findings) == 0 {
		t.Errorf("--rule: %d rules, %d findings", len(rep.Rules), len(rep.Findings))
	}
	for _, f := range rep.Findings {
		if f.RuleID != "OA-IAM-004" && f.RuleID != "OA-REACH-001" {
			t.Errorf("--rule kept %s", f.RuleID)
		}
	}
	rep, _ = check("--skip-rule", "OA-IAM-004", "--skip-rule", "OA-REACH-001")
	if len(rep.Rules) != len(all.Rules)-2 {
		t.Errorf("--skip-rule: %d rules of %d", len(rep.Rules), len(all.Rules))
	}
	for _, f := range rep.Findings {
		if f.RuleID == "OA-IAM-004" || f.RuleID == "OA-REACH-001" {
			t.Errorf("--skip-rule kept %s", f.RuleID)
		}
	}

	// --allow-gaps: exit 0 instead of 3, the checks still reported.
	rep, code := check("--fail-on", "none")
	if code != ExitIncomplete || len(rep.NotEvaluated) == 0 {
		t.Fatalf("without --allow-gaps: exit %d, %d not evaluated", code, len(rep.NotEvaluated))
	}
	rep, code = check("--fail-on", "none", "--allow-gaps")
	if code != ExitOK || len(rep.NotEvaluated) == 0 {
		t.Errorf("--allow-gaps: exit %d, %d not evaluated (want 0 and the list kept)", code, len(rep.NotEvaluated))
	}
	if _, code = check("--allow-gaps"); code != ExitFindings {
		t.Errorf("--allow-gaps must not hide findings: exit %d", code)
	}
}

func TestVersionOutput(t *testing.T) {
	want := version.Get().Version
	for _, args := range [][]string{{"version"}, {"--version"}} {
		r := run(t, args...)
		if r.code != 0 || !strings.HasPrefix(r.stdout, "orgaudit "+want+" (") || !strings.Contains(r.stdout, "snapshot schema 1") {
			t.Errorf("%v: exit %d, %q", args, r.code, r.stdout)
		}
	}
	r := run(t, "version", "--format", "json")
	var info version.Info
	if err := json.Unmarshal([]byte(r.stdout), &info); err != nil || info.Version != want || info.GoVersion == "" || info.SnapshotSchema != "1" {
		t.Errorf("version --format json: %v %+v", err, info)
	}
	assertCleanError(t, run(t, "version", "--format", "sarif"), ExitUsage, `unknown format "sarif" for version`)
}
