package cli

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/orgaudit/orgaudit/internal/output"
)

// profileSecrets are the secret values and key ids of
// fixtures/profiles/*/credentials.
var profileSecrets = []string{
	"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
	"bPxRfiCYEXAMPLEKEYwJalrXUtnFEMI/K7MDENG2", "IQoJb3JpZ2luX2VjEXAMPLETOKEN",
	"AKIAIOSFODNN7EXAMPLE", "AKIAI44QH8DHBEXAMPLE", "AKIAJ7QHEXAMPLEWXYZ1", "ASIAIOSFODNN7EXAMPLE",
}

// profilesWorkdir copies a profiles fixture and a snapshot into a fresh
// working directory (credentials mode 0600) and changes into it, so that
// reports name "config", "credentials" and "snapshot.json".
func profilesWorkdir(t *testing.T, fixture, snap string) {
	t.Helper()
	root, err := filepath.Abs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	copyFile := func(src, dst string) {
		raw, err := os.ReadFile(filepath.Join(root, src))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, dst), raw, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	copyFile("fixtures/profiles/"+fixture+"/config", "config")
	copyFile("fixtures/profiles/"+fixture+"/credentials", "credentials")
	if snap != "" {
		copyFile("fixtures/"+snap, "snapshot.json")
	}
	t.Chdir(dir)
}

func TestProfilesCheckFormats(t *testing.T) {
	for _, format := range output.Check.Formats() {
		t.Run(format, func(t *testing.T) {
			profilesWorkdir(t, "bad", "startup-dev-prod.json")
			r := run(t, "profiles", "check", "--config", "config", "--credentials", "credentials", "--snapshot", "snapshot.json", "--format", format)
			if r.code != ExitFindings {
				t.Fatalf("exit %d, want 1; stderr: %s", r.code, r.stderr)
			}
			for _, s := range profileSecrets {
				if strings.Contains(r.stdout+r.stderr, s) {
					t.Errorf("%s output contains secret or key id %s…", format, s[:4])
				}
			}
			ids := []string{"OA-PROFILE-001", "OA-PROFILE-004", "OA-PROFILE-009"}
			if format == "compliance" {
				// The profile checks are about local files, not accounts:
				// no framework control counts them.
				ids = []string{"No rule of this report maps to a framework."}
			}
			for _, id := range ids {
				if !strings.Contains(r.stdout, id) {
					t.Errorf("%s output lacks %s", format, id)
				}
			}
			switch format {
			case "markdown", "json":
				golden(t, "profiles-check-bad."+format, r.stdout)
			case "sarif":
				validateSARIF(t, r.stdout)
			case "html":
				for _, want := range []string{"<h1>orgaudit profiles check report: o-dyn6example1</h1>", "<dt>AWS config file</dt><dd><code>config</code>",
					"<dt>AWS credentials file</dt><dd><code>credentials</code>", "<dt>Snapshot</dt><dd><code>snapshot.json</code>"} {
					if !strings.Contains(r.stdout, want) {
						t.Errorf("html lacks %s", want)
					}
				}
			case "junit":
				var suites struct {
					Failures int `xml:"failures,attr"`
				}
				if err := xml.Unmarshal([]byte(r.stdout), &suites); err != nil || suites.Failures == 0 {
					t.Errorf("junit: %v, %d failures", err, suites.Failures)
				}
			}
		})
	}
}

func TestProfilesCheckExitCodes(t *testing.T) {
	tests := []struct {
		name    string
		fixture string
		snap    string
		args    []string
		want    int
	}{
		{name: "good profiles", fixture: "good", snap: "startup-dev-prod.json", args: []string{"--snapshot", "snapshot.json"}, want: ExitOK},
		{name: "good profiles without a snapshot", fixture: "good", want: ExitOK},
		{name: "roles outside the snapshot are not evaluated", fixture: "good", snap: "identity-account-ous.json", args: []string{"--snapshot", "snapshot.json"}, want: ExitIncomplete},
		{name: "findings below --fail-on", fixture: "bad", args: []string{"--fail-on", "critical"}, want: ExitOK},
		{name: "--fail-on none", fixture: "bad", args: []string{"--fail-on", "none"}, want: ExitOK},
		{name: "unknown format", fixture: "good", args: []string{"--format", "yaml"}, want: ExitUsage},
		{name: "bad --source-user", fixture: "good", args: []string{"--source-user", "x"}, want: ExitUsage},
		{name: "missing named file", fixture: "good", args: []string{"--config", "nope"}, want: ExitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			profilesWorkdir(t, tt.fixture, tt.snap)
			args := append([]string{"profiles", "check", "--config", "config", "--credentials", "credentials"}, tt.args...)
			if r := run(t, args...); r.code != tt.want {
				t.Errorf("exit %d, want %d; stderr: %s", r.code, tt.want, r.stderr)
			}
		})
	}
}

func TestProfilesCheckFindsFilesLikeTheSDK(t *testing.T) {
	profilesWorkdir(t, "bad", "")
	t.Setenv("AWS_CONFIG_FILE", "config")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "credentials")
	r := run(t, "profiles", "check", "--format", "json")
	if r.code != ExitFindings || !strings.Contains(r.stdout, `"profile:default"`) {
		t.Errorf("exit %d; stdout: %.300s; stderr: %s", r.code, r.stdout, r.stderr)
	}
}

func TestProfilesGenerateGolden(t *testing.T) {
	chdirRoot(t)
	tests := []struct {
		name string
		args []string
	}{
		{name: "profiles-generate-ali.ini", args: []string{"--snapshot", "fixtures/identity-account-ous.json", "--principal", "arn:aws:iam::500000000001:user/ali", "--source-profile", "identity-ali", "--prefix", "demo-", "--region", "eu-west-1"}},
		{name: "profiles-generate-cobus.ini", args: []string{"--snapshot", "fixtures/startup-dev-prod.json", "--principal", "arn:aws:iam::111111111111:user/cobus", "--source-profile", "demo-master-cobus", "--prefix", "demo-"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, append([]string{"profiles", "generate"}, tt.args...)...)
			if r.code != ExitOK {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			golden(t, tt.name, r.stdout)
			again := run(t, append([]string{"profiles", "generate"}, tt.args...)...)
			if again.stdout != r.stdout {
				t.Error("output differs between runs")
			}
		})
	}
}

func TestProfilesGenerateRefusesToOverwrite(t *testing.T) {
	root, _ := filepath.Abs(repoRoot)
	snap := filepath.Join(root, "fixtures", "startup-dev-prod.json")
	out := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(out, []byte("[profile mine]\nregion = us-east-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"profiles", "generate", "--snapshot", snap, "--principal", "arn:aws:iam::111111111111:user/cobus", "--source-profile", "demo-master-cobus", "--output", out}
	r := run(t, args...)
	if r.code != ExitUsage || !strings.Contains(r.stderr, "--force") {
		t.Errorf("exit %d, stderr %q: want a refusal", r.code, r.stderr)
	}
	if raw, _ := os.ReadFile(out); !strings.Contains(string(raw), "[profile mine]") {
		t.Error("the existing file was changed")
	}
	r = run(t, append(args, "--force")...)
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if raw, _ := os.ReadFile(out); !strings.Contains(string(raw), "[profile development-administrator]") {
		t.Errorf("--force did not write the profiles: %s", raw)
	}
	fresh := filepath.Join(t.TempDir(), "new")
	if r := run(t, append(args[:len(args)-1], fresh)...); r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if st, err := os.Stat(fresh); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("new file mode: %v %v", st, err)
	}
	assertCleanError(t, run(t, "profiles", "generate", "--snapshot", snap, "--principal", "arn:aws:iam::111111111111:user/cobsu", "--source-profile", "x"),
		ExitUsage, "did you mean arn:aws:iam::111111111111:user/cobus?")

	// A symbolic link at --output counts as an existing file.
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(out, link); err != nil {
		t.Fatal(err)
	}
	assertCleanError(t, run(t, append(args[:len(args)-1], link)...), ExitUsage, "--force")
}

// TestProfilesCheckReports: profiles check writes several reports in one
// run, each equal to the single-format run; its SARIF has a category of its
// own (so that uploading it does not replace check's results) and points
// at the profile's section in the file it is about.
func TestProfilesCheckReports(t *testing.T) {
	profilesWorkdir(t, "bad", "startup-dev-prod.json")
	args := []string{"profiles", "check", "--config", "config", "--credentials", "credentials", "--snapshot", "snapshot.json"}
	r := run(t, append(slices.Clone(args), "--report", "sarif=p.sarif", "--report", "junit=p.xml", "--report", "table")...)
	if r.code != ExitFindings {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for format, got := range map[string]string{"table": r.stdout, "sarif": readFile(t, "p.sarif"), "junit": readFile(t, "p.xml")} {
		if single := run(t, append(slices.Clone(args), "--format", format)...); got != single.stdout {
			t.Errorf("--report %s differs from --format %s", format, format)
		}
		if format != "table" {
			if st, err := os.Stat(map[string]string{"sarif": "p.sarif", "junit": "p.xml"}[format]); err != nil || st.Mode().Perm() != 0o600 {
				t.Errorf("%s report: %v %v, want mode 0600", format, err, st)
			}
		}
	}
	var log struct {
		Runs []struct {
			AutomationDetails struct{ ID string } `json:"automationDetails"`
			Results           []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string } `json:"artifactLocation"`
						Region           struct {
							StartLine int `json:"startLine"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(readFile(t, "p.sarif")), &log); err != nil {
		t.Fatal(err)
	}
	if id := log.Runs[0].AutomationDetails.ID; id != "orgaudit/profiles/o-dyn6example1/" {
		t.Errorf("automationDetails.id = %q, want orgaudit/profiles/o-dyn6example1/", id)
	}
	where := map[string]string{}
	for _, res := range log.Runs[0].Results {
		loc := res.Locations[0].PhysicalLocation
		where[res.RuleID] = fmt.Sprintf("%s:%d", loc.ArtifactLocation.URI, loc.Region.StartLine)
	}
	for rule, want := range map[string]string{"OA-PROFILE-001": "credentials:4", "OA-PROFILE-007": "config:6", "OA-PROFILE-009": "config:28"} {
		if where[rule] != want {
			t.Errorf("%s located at %s, want %s", rule, where[rule], want)
		}
	}
}

// TestProfilesCheckFilters: --rule, --skip-rule, --severity and --baseline
// work as for check, over the profile rules.
func TestProfilesCheckFilters(t *testing.T) {
	profilesWorkdir(t, "bad", "startup-dev-prod.json")
	args := []string{"profiles", "check", "--config", "config", "--credentials", "credentials", "--snapshot", "snapshot.json", "--format", "json"}
	rules := func(r runResult) []string {
		var rep struct {
			Findings []struct {
				RuleID        string `json:"rule_id"`
				BaselineState string `json:"baseline_state"`
			} `json:"findings"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
			t.Fatalf("%v: %s", err, r.stderr)
		}
		var out []string
		for _, f := range rep.Findings {
			if !slices.Contains(out, f.RuleID+f.BaselineState) {
				out = append(out, f.RuleID+f.BaselineState)
			}
		}
		slices.Sort(out)
		return out
	}
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"--rule", []string{"--rule", "OA-PROFILE-004,OA-PROFILE-009"}, []string{"OA-PROFILE-004", "OA-PROFILE-009"}},
		{"--skip-rule", []string{"--skip-rule", "OA-PROFILE-002", "--skip-rule", "OA-PROFILE-003,OA-PROFILE-004,OA-PROFILE-006,OA-PROFILE-007,OA-PROFILE-008,OA-PROFILE-009"}, []string{"OA-PROFILE-001"}},
		{"--severity", []string{"--severity", "low"}, []string{"OA-PROFILE-007", "OA-PROFILE-008"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, append(slices.Clone(args), tt.args...)...)
			if got := rules(r); !slices.Equal(got, tt.want) {
				t.Errorf("rules reported %v, want %v", got, tt.want)
			}
		})
	}

	// A report as the baseline of the next run: nothing new, exit 0.
	if err := os.WriteFile("base.json", []byte(run(t, args...).stdout), 0o600); err != nil {
		t.Fatal(err)
	}
	r := run(t, append(slices.Clone(args), "--baseline", "base.json", "--rule", "OA-PROFILE-004")...)
	if r.code != ExitOK || !slices.Equal(rules(r), []string{"OA-PROFILE-004existing"}) {
		t.Errorf("with the baseline: exit %d, %v", r.code, rules(r))
	}

	assertCleanError(t, run(t, append(slices.Clone(args), "--rule", "OA-PROFILE-04")...), ExitUsage, "did you mean OA-PROFILE-004?")
	assertCleanError(t, run(t, append(slices.Clone(args), "--format", "sraif")...), ExitUsage, "did you mean sarif?")
	assertCleanError(t, run(t, append(slices.Clone(args), "--report", "dot=x.dot")...), ExitUsage, "dot is a format of other commands")
}

// TestProfilesCheckHTMLWithoutSnapshot: without --snapshot the page is
// about the two files alone, and says that no organization was compared.
func TestProfilesCheckHTMLWithoutSnapshot(t *testing.T) {
	profilesWorkdir(t, "bad", "")
	r := run(t, "profiles", "check", "--config", "config", "--credentials", "credentials", "--format", "html")
	if r.code != ExitFindings {
		t.Fatalf("exit %d, want 1; stderr: %s", r.code, r.stderr)
	}
	for _, want := range []string{"<h1>orgaudit profiles check report</h1>", "<dt>AWS config file</dt><dd><code>config</code>",
		"<dt>Snapshot</dt><dd>none: the checks that compare with an organization did not run</dd>", "from AWS config file config, AWS credentials file credentials."} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("html lacks %s", want)
		}
	}
	for _, unwanted := range []string{"<dt>Organization</dt>", "<dt>Configuration</dt>", "<dt>Collected</dt>"} {
		if strings.Contains(r.stdout, unwanted) {
			t.Errorf("html has %s, but no snapshot was read", unwanted)
		}
	}
}
