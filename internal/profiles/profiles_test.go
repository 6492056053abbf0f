package profiles

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/orgaudit/orgaudit/internal/engine"
	"github.com/orgaudit/orgaudit/internal/graph"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

const fixtures = "../../fixtures"

// secrets are the secret values of the fixture credentials files; no
// output may contain them, nor a full access key id.
var secrets = []string{
	"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
	"bPxRfiCYEXAMPLEKEYwJalrXUtnFEMI/K7MDENG2", "IQoJb3JpZ2luX2VjEXAMPLETOKEN",
	"AKIAIOSFODNN7EXAMPLE", "AKIAI44QH8DHBEXAMPLE", "AKIAJ7QHEXAMPLEWXYZ1", "ASIAIOSFODNN7EXAMPLE",
}

// copyFixture copies fixtures/profiles/NAME into a temporary directory
// with the given credentials file mode (git does not keep modes).
func copyFixture(t *testing.T, name string, credMode os.FileMode) (string, string) {
	t.Helper()
	dir := t.TempDir()
	var paths []string
	for _, f := range []string{"config", "credentials"} {
		raw, err := os.ReadFile(filepath.Join(fixtures, "profiles", name, f))
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, f)
		mode := os.FileMode(0o600)
		if f == "credentials" {
			mode = credMode
		}
		if err := os.WriteFile(p, raw, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths[0], paths[1]
}

func loadGraph(t *testing.T, fixture string) *graph.Graph {
	t.Helper()
	snap, err := snapshot.LoadFile(filepath.Join(fixtures, fixture))
	if err != nil {
		t.Fatal(err)
	}
	g, err := graph.Build(snap.Snapshot)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// summary renders findings as "RULE resource" and not-evaluated checks as
// "? RULE section".
func summary(res *engine.Result) []string {
	var out []string
	for _, f := range res.Findings {
		out = append(out, f.RuleID+" "+f.Resource)
	}
	for _, n := range res.NotEvaluated {
		out = append(out, "? "+n.RuleID+" "+n.Section)
	}
	slices.Sort(out)
	return out
}

func TestCheckFixtures(t *testing.T) {
	tests := []struct {
		name     string
		fixture  string
		credMode os.FileMode
		snapshot string
		users    map[string]string
		want     []string
	}{
		{name: "good profiles, no snapshot", fixture: "good", credMode: 0o600, want: nil},
		{name: "good profiles with the organization", fixture: "good", credMode: 0o600, snapshot: "startup-dev-prod.json", want: nil},
		{name: "credentials readable by the group", fixture: "good", credMode: 0o640, want: []string{"OA-PROFILE-005 CREDS"}},
		{name: "bad profiles, no snapshot", fixture: "bad", credMode: 0o644, want: []string{
			"OA-PROFILE-001 profile:default",
			"OA-PROFILE-002 profile:old-laptop",
			"OA-PROFILE-003 profile:broken-source",
			"OA-PROFILE-003 profile:empty-source",
			"OA-PROFILE-004 profile:loop-a",
			"OA-PROFILE-004 profile:loop-b",
			"OA-PROFILE-005 CREDS",
		}},
		{name: "bad profiles with the organization", fixture: "bad", credMode: 0o600, snapshot: "startup-dev-prod.json", want: []string{
			"OA-PROFILE-001 profile:default",
			"OA-PROFILE-002 profile:old-laptop",
			"OA-PROFILE-003 profile:broken-source",
			"OA-PROFILE-003 profile:empty-source",
			"OA-PROFILE-004 profile:loop-a",
			"OA-PROFILE-004 profile:loop-b",
			"OA-PROFILE-006 profile:dev-deleted-role",
			"OA-PROFILE-007 profile:demo-production-cobus",
			"OA-PROFILE-008 profile:dev-other-device",
			"OA-PROFILE-009 profile:prod-vendor",
		}},
		{name: "source user named explicitly: dave has no MFA device and no grant on production", fixture: "bad", credMode: 0o600, snapshot: "startup-dev-prod.json",
			users: map[string]string{"demo-master-cobus": "arn:aws:iam::111111111111:user/dave"}, want: []string{
				"OA-PROFILE-001 profile:default",
				"OA-PROFILE-002 profile:old-laptop",
				"OA-PROFILE-003 profile:broken-source",
				"OA-PROFILE-003 profile:empty-source",
				"OA-PROFILE-004 profile:loop-a",
				"OA-PROFILE-004 profile:loop-b",
				"OA-PROFILE-006 profile:dev-deleted-role",
				"OA-PROFILE-008 profile:demo-development-cobus",
				"OA-PROFILE-008 profile:dev-other-device",
				"OA-PROFILE-009 profile:demo-production-cobus",
				"OA-PROFILE-009 profile:prod-vendor",
			}},
		{name: "roles in an account outside the snapshot are not evaluated", fixture: "good", credMode: 0o600, snapshot: "identity-account-ous.json", want: []string{
			"? OA-PROFILE-006 account", "? OA-PROFILE-006 account", "? OA-PROFILE-006 account",
			"? OA-PROFILE-007 account", "? OA-PROFILE-007 account", "? OA-PROFILE-007 account",
			"? OA-PROFILE-008 account", "? OA-PROFILE-008 account", "? OA-PROFILE-008 account",
			"? OA-PROFILE-009 account", "? OA-PROFILE-009 account", "? OA-PROFILE-009 account",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, creds := copyFixture(t, tt.fixture, tt.credMode)
			f, err := Load(context.Background(), cfg, creds, true, true, 0)
			if err != nil {
				t.Fatal(err)
			}
			opts := CheckOptions{SourceUsers: tt.users}
			if tt.snapshot != "" {
				opts.Graph = loadGraph(t, tt.snapshot)
			}
			res := Check(f, opts)
			var want []string
			for _, w := range tt.want {
				want = append(want, strings.Replace(w, "CREDS", creds, 1))
			}
			slices.Sort(want)
			if got := summary(res); !slices.Equal(got, want) {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
			}
			for _, fd := range res.Findings {
				if fd.Fingerprint == "" || fd.Message == "" {
					t.Errorf("finding without fingerprint or message: %+v", fd)
				}
			}
			assertNoSecrets(t, res)
		})
	}
}

func assertNoSecrets(t *testing.T, v any) {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range secrets {
		if strings.Contains(string(raw), s) {
			t.Errorf("output contains the secret or key id %s…", s[:4])
		}
	}
}

func TestParsedFilesHoldNoSecrets(t *testing.T) {
	cfg, creds := copyFixture(t, "bad", 0o600)
	f, err := Load(context.Background(), cfg, creds, true, true, 0)
	if err != nil {
		t.Fatal(err)
	}
	assertNoSecrets(t, f)
	p, ok := f.Profile("default")
	if !ok || p.Keys == nil || p.Keys.MaskedID != "AKIA…MPLE" || !p.Keys.LongTerm || p.Keys.File != creds {
		t.Errorf("default profile keys = %+v", p)
	}
	s, _ := f.Profile("session")
	if s.Keys == nil || s.Keys.LongTerm {
		t.Errorf("session keys should be temporary: %+v", s.Keys)
	}
	if len(f.Ignored) != 1 || !strings.HasSuffix(f.Ignored[0], "[staging]") {
		t.Errorf("ignored = %v", f.Ignored)
	}
}

func TestParseRules(t *testing.T) {
	tests := []struct {
		name        string
		config      string
		credentials string
		want        map[string]Profile
	}{
		{
			name:        "credentials file values win over the config file",
			config:      "[profile p]\nregion = us-east-1\nrole_arn = arn:aws:iam::111111111111:role/a\n",
			credentials: "[p]\nrole_arn = arn:aws:iam::111111111111:role/b\n",
			want:        map[string]Profile{"p": {Name: "p", RoleARN: "arn:aws:iam::111111111111:role/b", Region: "us-east-1"}},
		},
		{
			name:   "profile default in the config file is default",
			config: "[profile default]\nregion = eu-west-1\n",
			want:   map[string]Profile{"default": {Name: "default", Region: "eu-west-1"}},
		},
		{
			name:        "a key id without a secret is no key (as for the SDK)",
			credentials: "[p]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n",
			want:        map[string]Profile{"p": {Name: "p"}},
		},
		{
			name:   "inline comments and nested values",
			config: "[profile p]\nregion = us-west-2 # Oregon\ns3 =\n  max_concurrent_requests = 20\nmfa_serial=arn:aws:iam::111111111111:mfa/x\n",
			want:   map[string]Profile{"p": {Name: "p", Region: "us-west-2", MFASerial: "arn:aws:iam::111111111111:mfa/x"}},
		},
		{
			name:        "profile prefix in the credentials file is ignored",
			credentials: "[profile p]\nregion = us-west-2\n",
			want:        map[string]Profile{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse("config", []byte(tt.config), "credentials", []byte(tt.credentials))
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Profiles) != len(tt.want) {
				t.Fatalf("profiles = %+v", f.Profiles)
			}
			for _, p := range f.Profiles {
				w := tt.want[p.Name]
				p.Files, p.lines = nil, nil
				if !reflect.DeepEqual(p, w) {
					t.Errorf("profile %s = %+v, want %+v", p.Name, p, w)
				}
			}
		})
	}
}

func TestParseErrorsHideTheLine(t *testing.T) {
	data := "[p]\naws_secret_access_key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
	_, err := Parse("config", nil, "creds", []byte(data))
	if err == nil {
		t.Fatal("want an error")
	}
	if strings.Contains(err.Error(), "wJalr") || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("error = %v", err)
	}
}

func TestMaskKeyID(t *testing.T) {
	for in, want := range map[string]string{"AKIAIOSFODNN7EXAMPLE": "AKIA…MPLE", "short": "…", "": "…"} {
		if got := MaskKeyID(in); got != want {
			t.Errorf("MaskKeyID(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLocationsFollowTheSDK(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	c, k, err := Locations("", "")
	if err != nil || c != filepath.Join(dir, "config") || k != filepath.Join(dir, "credentials") {
		t.Errorf("Locations = %s, %s, %v", c, k, err)
	}
	c, k, _ = Locations("a", "b")
	if c != "a" || k != "b" {
		t.Errorf("explicit paths lost: %s, %s", c, k)
	}
	t.Setenv("AWS_CONFIG_FILE", "")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "")
	// A home of its own: nothing is read, the paths are only computed.
	home := t.TempDir()
	t.Setenv("HOME", home)
	c, k, _ = Locations("", "")
	if c != filepath.Join(home, ".aws", "config") || k != filepath.Join(home, ".aws", "credentials") {
		t.Errorf("defaults = %s, %s", c, k)
	}
}

func TestMissingFiles(t *testing.T) {
	dir := t.TempDir()
	f, err := Load(context.Background(), filepath.Join(dir, "config"), filepath.Join(dir, "credentials"), false, false, 0)
	if err != nil || len(f.Profiles) != 0 {
		t.Errorf("missing default files: %v, %+v", err, f)
	}
	if _, err := Load(context.Background(), filepath.Join(dir, "config"), filepath.Join(dir, "credentials"), true, false, 0); err == nil {
		t.Error("a named config file that does not exist must be an error")
	}
}

// TestLocate: a finding points at its profile's section header, in the
// file that holds the keys for the rules about keys, or at the file itself.
func TestLocate(t *testing.T) {
	cfg, cred := copyFixture(t, "bad", 0o644)
	f, err := Load(context.Background(), cfg, cred, true, true, 0)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		rule, resource, file string
		line                 int
	}{
		{RuleDefaultKeys, "profile:default", cred, 4},
		{RuleKeysOutsideSrc, "profile:old-laptop", cred, 13},
		{RuleSourceMissing, "profile:broken-source", cfg, 33},
		{RuleSourceCycle, "profile:loop-b", cfg, 50},
		{RuleMFASerialMissing, "profile:demo-production-cobus", cfg, 6},
		{RuleFileReadable, cred, cred, 1},
		{RuleSourceMissing, "profile:nope", "", 0},
		{RuleFileReadable, "/elsewhere", "", 0},
	}
	for _, tt := range tests {
		file, line := f.Locate(engine.Finding{RuleID: tt.rule, Resource: tt.resource})
		if file != tt.file || line != tt.line {
			t.Errorf("%s %s: %s:%d, want %s:%d", tt.rule, tt.resource, file, line, tt.file, tt.line)
		}
	}
}

// TestCheckDisabled: disabled rules report nothing and are not listed.
func TestCheckDisabled(t *testing.T) {
	cfg, cred := copyFixture(t, "bad", 0o644)
	f, err := Load(context.Background(), cfg, cred, true, true, 0)
	if err != nil {
		t.Fatal(err)
	}
	all := Check(f, CheckOptions{Graph: loadGraph(t, "startup-dev-prod.json")})
	some := Check(f, CheckOptions{Graph: loadGraph(t, "startup-dev-prod.json"), Disabled: []string{RuleFileReadable, RuleSourceCycle}})
	if len(some.Rules) != len(all.Rules)-2 {
		t.Errorf("%d rules listed, want %d", len(some.Rules), len(all.Rules)-2)
	}
	want := 0
	for _, fd := range all.Findings {
		if fd.RuleID != RuleFileReadable && fd.RuleID != RuleSourceCycle {
			want++
		}
	}
	if len(some.Findings) != want || want == len(all.Findings) {
		t.Errorf("%d findings with two rules disabled, want %d (of %d)", len(some.Findings), want, len(all.Findings))
	}
	for _, fd := range some.Findings {
		if fd.RuleID == RuleFileReadable || fd.RuleID == RuleSourceCycle {
			t.Errorf("disabled rule reported: %+v", fd)
		}
	}
}
