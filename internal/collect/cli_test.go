package collect_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/orgaudit/orgaudit/internal/cli"
	"github.com/orgaudit/orgaudit/internal/collect"
	"github.com/orgaudit/orgaudit/internal/collect/mototest"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// execute runs the orgaudit command line as main does.
func execute(ctx context.Context, args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = cli.Execute(ctx, args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

// TestCommandCollect runs the real cobra command against moto and loads
// the written file with the validating loader.
func TestCommandCollect(t *testing.T) {
	srv, org := standardOrg(t)
	// moto answers HTTP 500 for three operations (and 404 for
	// account:ListRegions): one retry is enough to
	// show the gap without waiting for the SDK's full backoff.
	t.Setenv("AWS_MAX_ATTEMPTS", "2")
	path := filepath.Join(t.TempDir(), "snapshot.json")
	code, stdout, stderr := execute(context.Background(), "collect", "--endpoint-url", srv.URL, "--concurrency", "2", "--output", path)
	if code != cli.ExitIncomplete {
		t.Fatalf("exit code %d, want %d (moto leaves gaps)\nstderr:\n%s", code, cli.ExitIncomplete, stderr)
	}
	if stdout != "" {
		t.Errorf("collect printed on stdout: %q", stdout)
	}
	for _, want := range []string{"snapshot written", "account collected", "with 7 gaps", "ListHandshakesForOrganization"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("snapshot mode %v, want 0600", st.Mode().Perm())
	}
	l, err := snapshot.LoadFile(path)
	if err != nil {
		t.Fatalf("load written snapshot: %v", err)
	}
	s := l.Snapshot
	if s.Organization == nil || s.Organization.ID != org.ID || len(s.Accounts) != 4 || len(s.Metadata.Gaps) != 7 {
		t.Errorf("loaded snapshot: org %+v, %d accounts, %d gaps", s.Organization, len(s.Accounts), len(s.Metadata.Gaps))
	}
	for _, a := range s.Accounts {
		if a.IAM == nil {
			t.Errorf("account %s not read", a.ID)
		}
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temporary files left beside the snapshot: %v", entries)
	}
}

// TestCommandCollectInterrupted: a canceled context (Ctrl-C) stops the
// run, writes nothing, says so, and exits non-zero.
func TestCommandCollectInterrupted(t *testing.T) {
	srv, _ := standardOrg(t)
	proxy, err := mototest.NewFaultProxy(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	proxy.Delay = 150 * time.Millisecond
	dir := t.TempDir()
	path := filepath.Join(dir, "snapshot.json")
	ctx, cancel := context.WithCancel(context.Background())
	timer := time.AfterFunc(time.Second, cancel)
	defer timer.Stop()
	start := time.Now()
	code, _, stderr := execute(ctx, "collect", "--endpoint-url", proxy.URL, "-o", path)
	if code != cli.ExitInterrupted {
		t.Fatalf("exit %d, want %d\n%s", code, cli.ExitInterrupted, stderr)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("took %s to stop after cancel", took)
	}
	if !strings.Contains(stderr, "collection interrupted: no snapshot written") {
		t.Errorf("stderr: %s", stderr)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files written: %v", entries)
	}
}

// TestCollectHygiene runs collect with known credentials and greps the
// snapshot and everything logged (at debug level) for them.
func TestCollectHygiene(t *testing.T) {
	srv, _ := standardOrg(t)
	const keyID, secret = "AKIAHYGIENETEST00042", "hYgIeNe/SeCrEt+KeY0123456789abcdefghijkl"
	mototest.UseCredentials(t, keyID, secret)
	t.Setenv("AWS_MAX_ATTEMPTS", "2")
	proxy, err := mototest.NewFaultProxy(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	// A denied AssumeRole and a failing call put error messages in the
	// gaps and the logs too.
	proxy.Rules = []mototest.Rule{
		{Operation: "AssumeRole", AccountID: std.org.Accounts["dev"], Status: 403, Code: "AccessDenied"},
		{Operation: "GetAccountSummary", Status: 500},
	}
	path := filepath.Join(t.TempDir(), "snapshot.json")
	for _, format := range []string{"text", "json"} {
		code, stdout, stderr := execute(context.Background(), "collect", "-v", "--log-format", format, "--endpoint-url", proxy.URL, "-o", path)
		if code != cli.ExitIncomplete {
			t.Fatalf("exit %d\n%s", code, stderr)
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		all := string(raw) + stdout + stderr
		for _, leak := range []string{keyID, secret, "hYgIeNe", "FQoGZXIvYXdz", "Signature=", "X-Amz-Security-Token"} {
			if strings.Contains(all, leak) {
				t.Errorf("%s logs or snapshot contain %q", format, leak)
			}
		}
		if m := accessKeyID.FindString(all); m != "" {
			t.Errorf("%s logs or snapshot contain an access key id: %s", format, m)
		}
		if !strings.Contains(stderr, "AccessDenied") {
			t.Errorf("the denied AssumeRole is not in the logs:\n%s", stderr)
		}
	}
}

// TestCollectFaults puts a proxy in front of moto that throttles, answers
// 500 and drops connections on first attempts: retries still give the
// same snapshot as a direct run. Persistent failures become gaps, and
// collection goes on.
func TestCollectFaults(t *testing.T) {
	srv, org := standardOrg(t)
	opts := testOptions(srv.URL)
	opts.MaxAttempts = 4
	base := runCollect(t, opts)

	proxy, err := mototest.NewFaultProxy(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	// Every fourth distinct request fails on its first attempt. Each
	// throttle makes the SDK's adaptive mode slow its client down for a
	// while (to 0.5 requests/s at first), which sets the pace of this test.
	proxy.Every = 4
	opts.EndpointURL = proxy.URL
	start := time.Now()
	got := runCollect(t, opts)
	t.Logf("collected through faults in %s", time.Since(start))
	counts := proxy.Counts()
	for _, kind := range []string{mototest.FaultThrottle, mototest.Fault500, mototest.FaultDrop} {
		if counts[kind] == 0 {
			t.Errorf("no %s fault injected: %v", kind, counts)
		}
	}
	t.Logf("faults: %v", counts)
	if a, b := normalized(t, base), normalized(t, got); !bytes.Equal(a, b) {
		t.Errorf("snapshot through transient faults differs from the direct one: %s", firstDifference(a, b))
	}

	// Persistent faults: dev cannot be assumed, identity's aliases always
	// fail, the SCP targets of the organization and the AWS managed
	// policy documents are denied.
	proxy.Every = 0
	proxy.Rules = []mototest.Rule{
		{Operation: "AssumeRole", AccountID: org.Accounts["dev"], Status: 403, Code: "AccessDenied"},
		{Operation: "ListAccountAliases", AccountID: org.Accounts["identity"], Status: 500},
		{Operation: "ListTargetsForPolicy", Status: 400, Code: "AccessDeniedException"},
		{Operation: "GetPolicyVersion", Status: 403, Code: "AccessDenied"},
	}
	got = runCollect(t, opts)
	dev := account(t, got, org.Accounts["dev"])
	if dev.IAM != nil || !hasGap(got, dev.ID, snapshot.SectionAccount, "sts:AssumeRole", "AccessDenied") {
		t.Errorf("dev: iam %v, gaps %+v", dev.IAM != nil, gapsOf(got, dev.ID))
	}
	idn := account(t, got, org.Accounts["identity"])
	if idn.IAM == nil || len(idn.IAM.Aliases) != 0 || !hasGap(got, idn.ID, snapshot.SectionAliases, "iam:ListAccountAliases", "HTTP500") {
		t.Errorf("identity: aliases %v, gaps %+v", idn.IAM, gapsOf(got, idn.ID))
	}
	if len(idn.IAM.Users) != 2 || idn.IAM.CredentialReport == nil {
		t.Error("identity: the rest of the account was not collected after the aliases failed")
	}
	if !hasGap(got, "", snapshot.SectionOrgPolicies, "organizations:ListTargetsForPolicy", "AccessDeniedException") {
		t.Errorf("policy target gap missing: %+v", got.Metadata.Gaps)
	}
	for _, name := range []string{"prod", "management"} {
		a := account(t, got, org.Accounts[name])
		if a.IAM == nil || len(gapsBesidesMoto(got, a.ID)) != 0 {
			t.Errorf("%s should be complete: %+v", name, gapsOf(got, a.ID))
		}
	}
	if got.Identity == nil || len(got.Identity.Assignments) != 1 {
		t.Errorf("identity center: %+v", got.Identity)
	}
	if len(got.AWSPolicies) != 0 || !hasGap(got, "", snapshot.SectionAWSManagedPolicies, "iam:GetPolicyVersion", "AccessDenied") {
		t.Errorf("aws managed policies: %d, gaps %+v", len(got.AWSPolicies), got.Metadata.Gaps)
	}
}

// TestCollectRunCanceled: collect.Run returns an error (and no snapshot)
// when its context is canceled.
func TestCollectRunCanceled(t *testing.T) {
	srv, _ := standardOrg(t)
	proxy, err := mototest.NewFaultProxy(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	proxy.Delay = 100 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	opts := testOptions(proxy.URL)
	opts.Progress = func(p collect.Progress) {
		if p.Done == 1 {
			cancel()
		}
	}
	s, err := collect.Run(ctx, opts)
	if err == nil || s != nil || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("Run after cancel: %v, snapshot %v", err, s != nil)
	}
}

// TestIdentityCenterFromDelegatedAdmin: when the management account cannot
// read Identity Center, the delegated administrator for sso.amazonaws.com
// is used. moto cannot register that delegation (it rejects the service
// principal), so the proxy answers it.
func TestIdentityCenterFromDelegatedAdmin(t *testing.T) {
	srv, org := standardOrg(t)
	proxy, err := mototest.NewFaultProxy(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	proxy.Rules = []mototest.Rule{
		{Operation: "ListInstances", AccountID: mototest.ManagementAccountID, Status: 400, Code: "AccessDeniedException"},
		{Operation: "ListDelegatedServicesForAccount", Body: `{"DelegatedServices":[{"ServicePrincipal":"sso.amazonaws.com"}]}`},
	}
	s := runCollect(t, testOptions(proxy.URL))
	if s.Identity == nil || len(s.Identity.Instances) != 1 || s.Identity.Instances[0].OwnerAccountID != org.Accounts["identity"] {
		t.Fatalf("identity center not read from the delegated administrator %s: %+v", org.Accounts["identity"], s.Identity)
	}
	for _, g := range s.Metadata.Gaps {
		if g.Operation == "sso:ListInstances" {
			t.Errorf("the management account's denial is not a gap when the delegated administrator answers: %+v", g)
		}
	}

	// Both denied: a gap, and identity_center is null.
	proxy.Rules[0].AccountID = ""
	s = runCollect(t, testOptions(proxy.URL))
	if s.Identity != nil || !hasGap(s, "", snapshot.SectionIdentityCenter, "sso:ListInstances", "AccessDeniedException") {
		t.Errorf("identity center %+v, gaps %+v", s.Identity, s.Metadata.Gaps)
	}
}

// TestCollectRoleNameAndExternalID: member accounts are assumed through
// the named role with the external id; the management account is not
// assumed at all.
func TestCollectRoleNameAndExternalID(t *testing.T) {
	srv, org := standardOrg(t)
	proxy, err := mototest.NewFaultProxy(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	opts := testOptions(proxy.URL)
	opts.RoleName = "OrgAuditReadOnly"
	opts.ExternalID = "ext-4711"
	runCollect(t, opts)
	got := map[string]bool{}
	for _, p := range proxy.Params("AssumeRole") {
		got[p.Get("RoleArn")] = true
		if p.Get("ExternalId") != "ext-4711" || p.Get("RoleSessionName") == "" {
			t.Errorf("AssumeRole parameters: %v", p)
		}
	}
	for _, name := range []string{"identity", "prod", "dev"} {
		arn := "arn:aws:iam::" + org.Accounts[name] + ":role/OrgAuditReadOnly"
		if !got[arn] {
			t.Errorf("no AssumeRole of %s (saw %v)", arn, got)
		}
	}
	if len(got) != 3 {
		t.Errorf("assumed %d roles, want 3 (not the management account): %v", len(got), got)
	}
}

// TestCommandCollectThenCheck: a snapshot collected from moto is read by
// check without error, and the planted cross-account role without MFA is
// reported.
func TestCommandCollectThenCheck(t *testing.T) {
	srv, org := standardOrg(t)
	t.Setenv("AWS_MAX_ATTEMPTS", "2")
	path := filepath.Join(t.TempDir(), "snapshot.json")
	if code, _, stderr := execute(context.Background(), "collect", "--endpoint-url", srv.URL, "--output", path); code != cli.ExitIncomplete {
		t.Fatalf("collect: exit %d\n%s", code, stderr)
	}
	code, stdout, stderr := execute(context.Background(), "check", "--snapshot", path, "--format", "json")
	if code != cli.ExitFindings {
		t.Fatalf("check: exit %d, want %d\n%s", code, cli.ExitFindings, stderr)
	}
	want := "arn:aws:iam::" + org.Accounts["dev"] + ":role/Admin"
	if !strings.Contains(stdout, `"rule_id": "OA-TRUST-001"`) || !strings.Contains(stdout, want) {
		t.Errorf("check of the collected snapshot does not report %s without MFA", want)
	}
}

// TestCommandScan runs collect and check in one process.
func TestCommandScan(t *testing.T) {
	srv, org := standardOrg(t)
	t.Setenv("AWS_MAX_ATTEMPTS", "2")
	dir := t.TempDir()
	report := filepath.Join(dir, "report.sarif")
	snap := filepath.Join(dir, "snapshot.json")
	code, stdout, stderr := execute(context.Background(), "scan", "--endpoint-url", srv.URL, "--concurrency", "2",
		"--format", "sarif", "--output", report, "--snapshot-output", snap)
	if code != cli.ExitFindings {
		t.Fatalf("scan: exit %d, want %d\n%s", code, cli.ExitFindings, stderr)
	}
	if stdout != "" {
		t.Errorf("scan printed on stdout with --output: %q", stdout)
	}
	for _, p := range []string{report, snap} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v, want 0600", p, st.Mode().Perm())
		}
	}
	raw, _ := os.ReadFile(report)
	if !strings.Contains(string(raw), "arn:aws:iam::"+org.Accounts["dev"]+":role/Admin") || !strings.Contains(string(raw), `"uri": "file://`+filepath.ToSlash(snap)) {
		t.Errorf("SARIF report lacks the dev Admin finding or the snapshot location")
	}
	if _, err := snapshot.LoadFile(snap); err != nil {
		t.Errorf("kept snapshot does not load: %v", err)
	}

	// moto leaves gaps: checks not evaluated exit 3, or 0 with
	// --allow-gaps (the report still lists them).
	for _, tt := range []struct {
		args []string
		want int
	}{
		{nil, cli.ExitIncomplete},
		{[]string{"--allow-gaps"}, cli.ExitOK},
	} {
		args := append([]string{"scan", "--endpoint-url", srv.URL, "--concurrency", "2", "--fail-on", "none", "--format", "json", "--output", report}, tt.args...)
		if code, _, stderr := execute(context.Background(), args...); code != tt.want {
			t.Errorf("scan %v: exit %d, want %d\n%s", tt.args, code, tt.want, stderr)
		}
		if raw, _ := os.ReadFile(report); !strings.Contains(string(raw), `"not_evaluated": [`) || strings.Contains(string(raw), `"not_evaluated": []`) {
			t.Errorf("scan %v: the report does not list the checks not evaluated", tt.args)
		}
	}
}
