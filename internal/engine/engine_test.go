package engine

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// TestBuiltinMetadata guards the metadata of every built-in rule: unique
// ids of the OA-AREA-NNN form, and every field a report needs.
func TestBuiltinMetadata(t *testing.T) {
	eng, err := New(context.Background(), Options{Sources: []Source{BuiltinSource()}})
	if err != nil {
		t.Fatal(err)
	}
	rules := eng.Rules()
	if len(rules) < 6 {
		t.Fatalf("only %d built-in rules", len(rules))
	}
	idForm := regexp.MustCompile(`^OA-[A-Z]+-[0-9]{3}$`)
	seen := map[string]bool{}
	for _, r := range rules {
		t.Run(r.ID, func(t *testing.T) {
			if seen[r.ID] {
				t.Errorf("duplicate id")
			}
			seen[r.ID] = true
			if !idForm.MatchString(r.ID) {
				t.Errorf("id %q is not of the form OA-AREA-NNN", r.ID)
			}
			for name, v := range map[string]string{"title": r.Title, "description": r.Description, "remediation": r.Remediation} {
				if strings.TrimSpace(v) == "" {
					t.Errorf("%s is empty", name)
				}
			}
			if len(r.RelatedResources) == 0 {
				t.Error("no related_resources")
			}
			for _, ref := range r.RelatedResources {
				u, err := url.Parse(ref)
				if err != nil || u.Scheme != "https" || u.Host == "" {
					t.Errorf("related resource %q is not an https URL", ref)
				}
			}
			if len(r.Frameworks) == 0 {
				t.Error("no frameworks")
			}
			if len(r.Requires) == 0 {
				t.Error("built-in rules must declare the snapshot sections they read (custom.requires)")
			}
			if !strings.HasPrefix(r.File, "rules/") || !strings.HasSuffix(r.File, ".rego") {
				t.Errorf("file %q", r.File)
			}
		})
	}
}

// TestEveryRuleHasATestFile checks the one-rule-one-test convention.
func TestEveryRuleHasATestFile(t *testing.T) {
	mods, err := parseSources([]Source{BuiltinSource()}, true)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]bool{}
	for _, m := range mods {
		files[m.file] = true
	}
	for f := range files {
		if strings.HasSuffix(f, "_test.rego") {
			continue
		}
		if !files[strings.TrimSuffix(f, ".rego")+"_test.rego"] {
			t.Errorf("%s has no sibling _test.rego", f)
		}
	}
}

const header = `# METADATA
# title: T
# description: D
# custom:
#   id: T-1
#   severity: high
#   remediation: R
`

func memSource(files map[string]string) Source {
	fsys := fstest.MapFS{}
	for name, body := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(body)}
	}
	return Source{Name: "mem", FS: fsys}
}

func snap(gaps []snapshot.Gap, org bool) *snapshot.Loaded {
	s := &snapshot.Snapshot{SchemaVersion: "1", Metadata: snapshot.Metadata{Gaps: gaps, Scope: snapshot.ScopeAccount}}
	if org {
		s.Organization = &snapshot.Organization{ID: "o-1"}
		s.Metadata.Scope = snapshot.ScopeOrganization
	}
	doc := map[string]any{"metadata": map[string]any{"collected_at": "2026-01-01T00:00:00Z"}, "accounts": []any{}}
	return &snapshot.Loaded{Snapshot: s, Doc: doc}
}

func TestResultValidation(t *testing.T) {
	tests := []struct {
		name   string
		result string
		want   string
	}{
		{"missing resource", `{"account_id": "1", "message": "m"}`, "missing resource"},
		{"empty message", `{"resource": "r", "account_id": "1", "message": ""}`, "message is empty"},
		{"non-string account", `{"resource": "r", "account_id": 1, "message": "m"}`, "account_id is not a string"},
		{"unknown field", `{"resource": "r", "account_id": "1", "message": "m", "severity": "low"}`, "unknown field severity"},
		{"evidence not object", `{"resource": "r", "account_id": "1", "message": "m", "evidence": [1]}`, "evidence is not an object"},
		{"not an object", `"oops"`, "must be an object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := memSource(map[string]string{"r.rego": header + "package orgaudit.rules.r\n\ndeny contains " + tt.result + "\n"})
			eng, err := New(context.Background(), Options{Sources: []Source{src}})
			if err != nil {
				t.Fatal(err)
			}
			_, err = eng.Eval(context.Background(), Input{Snapshot: snap(nil, false)})
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "T-1") {
				t.Errorf("error %v, want one naming the rule and %q", err, tt.want)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"no deny", map[string]string{"r.rego": header + "package orgaudit.rules.r\n\nallow := true\n"}, "defines no deny rule"},
		{"bad severity", map[string]string{"r.rego": strings.Replace(header, "high", "urgent", 1) + "package orgaudit.rules.r\n\ndeny contains 1 if false\n"}, `unknown severity "urgent"`},
		{"bad requires", map[string]string{"r.rego": header + "#   requires: [iam.everything]\npackage orgaudit.rules.r\n\ndeny contains 1 if false\n"}, `unknown snapshot section "iam.everything"`},
		{"missing id", map[string]string{"r.rego": strings.Replace(header, "#   id: T-1\n", "", 1) + "package orgaudit.rules.r\n\ndeny contains 1 if false\n"}, "custom.id"},
		{"two files one package", map[string]string{
			"a.rego": header + "package orgaudit.rules.r\n\ndeny contains 1 if false\n",
			"b.rego": "package orgaudit.rules.r\n\nx := 1\n",
		}, "one rule per package"},
		{"time.now_ns", map[string]string{"r.rego": header + "package orgaudit.rules.r\n\ndeny contains {\"resource\": \"r\", \"account_id\": \"\", \"message\": sprintf(\"%d\", [time.now_ns()])} if true\n"}, "time.now_ns is not allowed"},
		{"compile error", map[string]string{"r.rego": header + "package orgaudit.rules.r\n\ndeny contains x if { y := 1 }\n"}, "mem/r.rego:10"},
		{"no description", map[string]string{"r.rego": strings.Replace(header, "# description: D\n", "", 1) + "package orgaudit.rules.r\n\ndeny contains 1 if false\n"}, "METADATA lacks description"},
		{"no remediation", map[string]string{"r.rego": strings.Replace(header, "#   remediation: R\n", "", 1) + "package orgaudit.rules.r\n\ndeny contains 1 if false\n"}, "METADATA lacks custom.remediation"},
		{"blank remediation", map[string]string{"r.rego": strings.Replace(header, "#   remediation: R\n", "#   remediation: \"  \"\n", 1) + "package orgaudit.rules.r\n\ndeny contains 1 if false\n"}, "custom.remediation"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(context.Background(), Options{Sources: []Source{memSource(tt.files)}})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestNotEvaluated(t *testing.T) {
	rules := []Rule{
		{ID: "CRED", Requires: []string{snapshot.SectionCredentialReport}},
		{ID: "ORG", Requires: []string{snapshot.SectionOrganization}},
		{ID: "HS", Requires: []string{snapshot.SectionHandshakes}},
		{ID: "ALL"},
	}
	gaps := []snapshot.Gap{
		{AccountID: "111111111111", Section: snapshot.SectionCredentialReport, Operation: "iam:GetCredentialReport", ErrorCode: "ReportInProgress"},
		{AccountID: "222222222222", Section: snapshot.SectionAccount, Operation: "sts:AssumeRole", ErrorCode: "AccessDenied", Message: "denied"},
		{Section: snapshot.SectionHandshakes, Operation: "organizations:ListHandshakesForOrganization", ErrorCode: "InternalFailure"},
	}
	key := func(n NotEvaluated) string { return n.RuleID + "/" + n.AccountID + "/" + n.Section }
	tests := []struct {
		name string
		org  bool
		want []string
	}{
		{"organization snapshot", true, []string{
			"ALL//organization.handshakes", "ALL/111111111111/iam.credential_report", "ALL/222222222222/account",
			"CRED/111111111111/iam.credential_report", "CRED/222222222222/account",
			"HS//organization.handshakes",
		}},
		{"single-account snapshot", false, []string{
			"ALL//organization.handshakes", "ALL/111111111111/iam.credential_report", "ALL/222222222222/account",
			"CRED/111111111111/iam.credential_report", "CRED/222222222222/account",
			"HS//organization", "HS//organization.handshakes",
			"ORG//organization",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, n := range notEvaluated(rules, snap(gaps, tt.org).Snapshot, nil) {
				got = append(got, key(n))
				if n.Reason == "" {
					t.Errorf("%s has no reason", key(n))
				}
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestFingerprintsAreStableAndDistinct(t *testing.T) {
	a := Fingerprint("OA-ROOT-001", "111111111111", "arn:aws:iam::111111111111:root", "")
	if a != Fingerprint("OA-ROOT-001", "111111111111", "arn:aws:iam::111111111111:root", "") {
		t.Fatal("fingerprint not deterministic")
	}
	// Pinned: a change here breaks every user's baseline.
	if want := "f0b1118414d5ad3c79ba99114e88b012"; a != want {
		t.Errorf("fingerprint changed: %s, want %s (baselines of every user would break)", a, want)
	}
	fs := []Finding{
		{RuleID: "R", AccountID: "1", Resource: "r", Message: "one"},
		{RuleID: "R", AccountID: "1", Resource: "r", Message: "two"},
		{RuleID: "R", AccountID: "1", Resource: "r", Key: "k", Message: "three"},
	}
	fingerprint(fs)
	seen := map[string]bool{}
	for _, f := range fs {
		if seen[f.Fingerprint] {
			t.Errorf("duplicate fingerprint %s", f.Fingerprint)
		}
		seen[f.Fingerprint] = true
	}
}

func TestRuleReportedNotEvaluated(t *testing.T) {
	src := memSource(map[string]string{"r.rego": header + `package orgaudit.rules.r

deny contains {"resource": "r", "account_id": "1", "message": "m"} if data.orgaudit.config.ready

not_evaluated contains {"reason": "needs x", "section": "config.x"} if not data.orgaudit.config.ready

not_evaluated contains {"reason": "account 2 unknown", "account_id": "2"} if not data.orgaudit.config.ready
`})
	for _, ready := range []bool{false, true} {
		eng, err := New(context.Background(), Options{Sources: []Source{src}, Data: map[string]any{"config": map[string]any{"ready": ready}}})
		if err != nil {
			t.Fatal(err)
		}
		res, err := eng.Eval(context.Background(), Input{Snapshot: snap(nil, false)})
		if err != nil {
			t.Fatal(err)
		}
		if ready {
			if len(res.Findings) != 1 || len(res.NotEvaluated) != 0 {
				t.Errorf("ready: %d findings, %v not evaluated", len(res.Findings), res.NotEvaluated)
			}
			continue
		}
		want := []NotEvaluated{
			{RuleID: "T-1", Section: "config.x", Reason: "needs x"},
			{RuleID: "T-1", AccountID: "2", Section: "config", Reason: "account 2 unknown"},
		}
		if len(res.Findings) != 0 || len(res.NotEvaluated) != 2 || res.NotEvaluated[0] != want[0] || res.NotEvaluated[1] != want[1] {
			t.Errorf("not ready: findings %v, not evaluated %+v, want %+v", res.Findings, res.NotEvaluated, want)
		}
	}
}

func TestNotEvaluatedValidation(t *testing.T) {
	tests := []struct{ entry, want string }{
		{`{"account_id": "1"}`, "missing reason"},
		{`{"reason": 1}`, "reason is not a string"},
		{`{"reason": "r", "why": "w"}`, "unknown field why"},
		{`"oops"`, "must be an object"},
	}
	for _, tt := range tests {
		src := memSource(map[string]string{"r.rego": header + "package orgaudit.rules.r\n\ndeny contains 1 if false\n\nnot_evaluated contains " + tt.entry + "\n"})
		eng, err := New(context.Background(), Options{Sources: []Source{src}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = eng.Eval(context.Background(), Input{Snapshot: snap(nil, false)})
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "T-1") {
			t.Errorf("%s: error %v, want one naming the rule and %q", tt.entry, err, tt.want)
		}
	}
}

func TestDisabledAndSeverityOverrides(t *testing.T) {
	two := memSource(map[string]string{
		"a.rego": header + "package orgaudit.rules.a\n\ndeny contains {\"resource\": \"a\", \"account_id\": \"\", \"message\": \"m\"}\n",
		"b.rego": strings.Replace(header, "T-1", "T-2", 1) + "package orgaudit.rules.b\n\ndeny contains {\"resource\": \"b\", \"account_id\": \"\", \"message\": \"m\"}\n",
	})
	eng, err := New(context.Background(), Options{Sources: []Source{two}, Disabled: []string{"T-2"}, Severity: map[string]Severity{"T-1": SeverityLow}})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(eng.Rules()); got != 1 {
		t.Errorf("%d active rules, want 1", got)
	}
	if got := len(eng.AllRules()); got != 2 {
		t.Errorf("%d loaded rules, want 2", got)
	}
	res, err := eng.Eval(context.Background(), Input{Snapshot: snap(nil, false)})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 1 || res.Findings[0].RuleID != "T-1" || res.Findings[0].Severity != SeverityLow {
		t.Errorf("findings %+v, want one low T-1", res.Findings)
	}
	for _, opts := range []Options{{Disabled: []string{"T-9"}}, {Severity: map[string]Severity{"T-8": SeverityLow}}} {
		opts.Sources = []Source{two}
		if _, err := New(context.Background(), opts); err == nil || !strings.Contains(err.Error(), "unknown rule id T-") {
			t.Errorf("error %v, want unknown rule id", err)
		}
	}
}

// TestForbiddenBuiltins: network, clock and randomness are refused when the
// rule loads, naming file and line; pure functions are allowed.
func TestForbiddenBuiltins(t *testing.T) {
	rule := func(expr string) map[string]string {
		return map[string]string{"r.rego": header + "package orgaudit.rules.r\n\ndeny contains {\"resource\": \"r\", \"account_id\": \"\", \"message\": sprintf(\"%v\", [x])} if {\n\tx := " + expr + "\n}\n"}
	}
	forbidden := map[string]string{
		"http.send":            `http.send({"method": "get", "url": "http://127.0.0.1"})`,
		"net.lookup_ip_addr":   `net.lookup_ip_addr("example.com")`,
		"io.jwt.decode_verify": `io.jwt.decode_verify("a.b.c", {"secret": "s"})`,
		"time.now_ns":          `time.now_ns()`,
		"rand.intn":            `rand.intn("x", 10)`,
		"uuid.rfc4122":         `uuid.rfc4122("x")`,
		"opa.runtime":          `opa.runtime()`,
		"io.jwt.encode_sign":   `io.jwt.encode_sign({"alg": "HS256"}, {}, {"kty": "oct", "k": "c2VjcmV0"})`,
		"json.match_schema":    `json.match_schema({}, {})`,
		"crypto.x509.parse_and_verify_certificates":              `crypto.x509.parse_and_verify_certificates("x")`,
		"crypto.x509.parse_and_verify_certificates_with_options": `crypto.x509.parse_and_verify_certificates_with_options("x", {})`,
	}
	for name, expr := range forbidden {
		t.Run(name, func(t *testing.T) {
			_, err := Compile([]Source{memSource(rule(expr))})
			if err == nil || !strings.Contains(err.Error(), name+" is not allowed") || !strings.Contains(err.Error(), "mem/r.rego:11") {
				t.Errorf("error %v, want %s refused at mem/r.rego:11", err, name)
			}
		})
	}
	for _, expr := range []string{`net.cidr_contains("10.0.0.0/8", "10.1.2.3")`, `net.cidr_is_valid("10.0.0.0/8")`, `time.parse_rfc3339_ns("2026-01-01T00:00:00Z")`, `io.jwt.decode("a.b.c")`} {
		if _, err := Compile([]Source{memSource(rule(expr))}); err != nil && strings.Contains(err.Error(), "not allowed") {
			t.Errorf("%s: %v", expr, err)
		}
	}
	caps := capabilities()
	for _, b := range caps.Builtins {
		if _, bad := forbiddenReason(b.Name); bad {
			t.Errorf("forbidden built-in %s left in the capabilities", b.Name)
		}
	}
}

// spinning is a rule that never finishes in any useful time: it walks a
// billion combinations without allocating.
const spinning = `package orgaudit.rules.spin

deny contains {"resource": "r", "account_id": "", "message": "m"} if {
	some a in numbers.range(1, 1000)
	some b in numbers.range(1, 1000)
	some c in numbers.range(1, 1000)
	a + b + c < 0
}
`

func TestRuleTimeout(t *testing.T) {
	user := Source{Name: "my-rules", FS: fstest.MapFS{"spin.rego": &fstest.MapFile{Data: []byte(strings.Replace(header, "T-1", "SPIN-1", 1) + spinning)}}}
	eng, err := New(context.Background(), Options{Sources: []Source{BuiltinSource(), user}, RuleTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = eng.Eval(context.Background(), Input{Snapshot: snap(nil, true)})
	var te *TimeoutError
	if !errors.As(err, &te) || len(te.Rules) != 1 || te.Rules[0].ID != "SPIN-1" ||
		!strings.Contains(err.Error(), "rule SPIN-1 (my-rules/spin.rego) did not finish within 200ms") {
		t.Fatalf("error %v, want a timeout naming SPIN-1 alone", err)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("stopped after %s", took)
	}

	// Interrupted (Ctrl-C): the caller's context error, not a timeout.
	eng, err = New(context.Background(), Options{Sources: []Source{user}, RuleTimeout: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	_, err = eng.Eval(ctx, Input{Snapshot: snap(nil, true)})
	if !errors.Is(err, context.Canceled) || errors.As(err, &te) {
		t.Fatalf("interrupted evaluation: %v, want context.Canceled", err)
	}
}

func TestPartition(t *testing.T) {
	var rules []Rule
	for i := range 10 {
		rules = append(rules, Rule{ID: fmt.Sprintf("B%d", i), Source: "builtin"})
	}
	rules = append(rules, Rule{ID: "U1", Source: "dir"}, Rule{ID: "U2", Source: "dir"})
	groups := partition(rules, 4)
	if len(groups) != 6 {
		t.Fatalf("%d groups, want 4 built-in groups and one per user rule", len(groups))
	}
	seen := map[string]int{}
	for _, g := range groups {
		for _, r := range g {
			seen[r.ID]++
		}
	}
	if len(seen) != 12 || len(groups[4]) != 1 || groups[5][0].ID != "U2" {
		t.Errorf("groups %v", groups)
	}
}
