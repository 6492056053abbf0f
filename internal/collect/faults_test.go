package collect_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/orgaudit/orgaudit/internal/cli"
	"github.com/orgaudit/orgaudit/internal/collect"
	"github.com/orgaudit/orgaudit/internal/collect/mototest"
	"github.com/orgaudit/orgaudit/internal/snapshot"
)

// shortTimeouts make a hung call cost a fraction of a second.
var shortTimeouts = collect.Timeouts{Connect: time.Second, TLSHandshake: time.Second, ResponseHeader: 300 * time.Millisecond, Attempt: 500 * time.Millisecond, Call: 3 * time.Second}

func faultProxy(t *testing.T, target string) *mototest.FaultProxy {
	t.Helper()
	p, err := mototest.NewFaultProxy(target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

func gapOf(s *snapshot.Snapshot, account, operation string) (snapshot.Gap, bool) {
	for _, g := range s.Metadata.Gaps {
		if g.AccountID == account && g.Operation == operation {
			return g, true
		}
	}
	return snapshot.Gap{}, false
}

// TestCollectHang: an endpoint that never answers one call costs its
// deadlines, becomes a Timeout gap, and the rest is collected.
func TestCollectHang(t *testing.T) {
	srv, org := standardOrg(t)
	proxy := faultProxy(t, srv.URL)
	idn := org.Accounts["identity"]
	proxy.Rules = []mototest.Rule{{Operation: "ListAccountAliases", AccountID: idn, Fault: mototest.FaultHang}}
	opts := testOptions(proxy.URL)
	opts.Timeouts = shortTimeouts
	opts.MaxAttempts = 2
	start := time.Now()
	s := runCollect(t, opts)
	took := time.Since(start)
	g, ok := gapOf(s, idn, "iam:ListAccountAliases")
	if !ok || g.ErrorCode != collect.CodeTimeout || g.Section != snapshot.SectionAliases {
		t.Fatalf("hung call: gap %+v (found %v), gaps %+v", g, ok, s.Metadata.Gaps)
	}
	if a := account(t, s, idn); a.IAM == nil || len(a.IAM.Users) != 2 {
		t.Error("the rest of the account was not collected")
	}
	if took > 20*time.Second {
		t.Errorf("a hung call held the run for %s", took)
	}
	if n := proxy.Counts()["rule"]; n != 2 {
		t.Errorf("%d attempts of the hung call, want 2 (retried inside the SDK's retryer)", n)
	}
}

// TestCollectRunTimeout: --timeout ends a slow run with what it has; what
// was not read is recorded as gaps, and the snapshot validates.
func TestCollectRunTimeout(t *testing.T) {
	srv, _ := standardOrg(t)
	proxy := faultProxy(t, srv.URL)
	proxy.Delay = 150 * time.Millisecond
	opts := testOptions(proxy.URL)
	opts.Concurrency = 1
	opts.Timeout = 2 * time.Second
	start := time.Now()
	s := runCollect(t, opts)
	if took := time.Since(start); took > 15*time.Second {
		t.Errorf("run took %s with --timeout 2s", took)
	}
	timeouts := 0
	for _, g := range s.Metadata.Gaps {
		if g.ErrorCode == collect.CodeTimeout {
			timeouts++
		}
	}
	if timeouts == 0 {
		t.Fatalf("no Timeout gap after the run ran out of time: %+v", s.Metadata.Gaps)
	}
	for _, a := range s.Accounts {
		if a.IAM == nil && len(gapsOf(s, a.ID)) == 0 {
			t.Errorf("account %s was not read and has no gap", a.ID)
		}
	}

	// The command writes what it has and exits 3.
	t.Setenv("AWS_MAX_ATTEMPTS", "2")
	path := filepath.Join(t.TempDir(), "snapshot.json")
	code, _, stderr := execute(context.Background(), "collect", "--endpoint-url", proxy.URL, "--concurrency", "1", "--timeout", "2s", "-o", path)
	if code != cli.ExitIncomplete || !strings.Contains(stderr, "--timeout") {
		t.Fatalf("collect --timeout 2s: exit %d\n%s", code, stderr)
	}
	if _, err := snapshot.LoadFile(path); err != nil {
		t.Fatalf("snapshot written at the time limit: %v", err)
	}
}

// TestCollectUnparseableAnswers: HTTP 200 answers that cannot be read are
// retried like a 5xx; when every attempt is bad the gap says so, and an
// empty body is never taken for an empty result.
func TestCollectUnparseableAnswers(t *testing.T) {
	srv, org := standardOrg(t)
	opts := testOptions(srv.URL)
	opts.MaxAttempts = 3
	base := runCollect(t, opts)

	proxy := faultProxy(t, srv.URL)
	opts.EndpointURL = proxy.URL

	// Transient: the first attempt of every third request is bad; the
	// retries give the same snapshot as a direct run.
	proxy.Every = 3
	proxy.Kinds = []string{mototest.FaultTruncated, mototest.FaultGarbage, mototest.FaultEmpty}
	got := runCollect(t, opts)
	for _, kind := range proxy.Kinds {
		if proxy.Counts()[kind] == 0 {
			t.Errorf("no %s answer injected: %v", kind, proxy.Counts())
		}
	}
	if a, b := normalized(t, base), normalized(t, got); !bytes.Equal(a, b) {
		t.Errorf("snapshot through bad answers differs from the direct one: %s", firstDifference(a, b))
	}

	// Persistent: every attempt is bad.
	proxy.Every = 0
	idn, dev, prod := org.Accounts["identity"], org.Accounts["dev"], org.Accounts["prod"]
	proxy.Rules = []mototest.Rule{
		{Operation: "ListVirtualMFADevices", AccountID: idn, Fault: mototest.FaultEmpty}, // XML, alice has a device
		{Operation: "GetAccountSummary", AccountID: dev, Fault: mototest.FaultTruncated}, // XML
		{Operation: "ListAccountAliases", AccountID: prod, Fault: mototest.FaultGarbage}, // XML
		{Operation: "ListDelegatedAdministrators", Fault: mototest.FaultTruncated},       // JSON
		{Operation: "ListTagsForResource", Fault: mototest.FaultEmpty},                   // JSON
	}
	got = runCollect(t, opts)
	for _, want := range []struct{ account, op, section string }{
		{idn, "iam:ListVirtualMFADevices", snapshot.SectionMFADevices},
		{dev, "iam:GetAccountSummary", snapshot.SectionAccountSummary},
		{prod, "iam:ListAccountAliases", snapshot.SectionAliases},
		{"", "organizations:ListDelegatedAdministrators", snapshot.SectionDelegatedAdmins},
	} {
		g, ok := gapOf(got, want.account, want.op)
		if !ok || g.ErrorCode != collect.CodeUnparseable || g.Section != want.section ||
			!strings.Contains(g.Message, "unparseable response") || !strings.Contains(g.Message, "after 3 attempts") {
			t.Errorf("%s in %q: gap %+v (found %v)", want.op, want.account, g, ok)
		}
	}
	if !hasGap(got, "", snapshot.SectionOrganization, "organizations:ListTagsForResource", collect.CodeUnparseable) {
		t.Errorf("empty JSON answer is not a gap: %+v", got.Metadata.Gaps)
	}
	if a := account(t, got, dev); a.IAM.Summary != nil {
		t.Errorf("a truncated summary was kept: %v", a.IAM.Summary)
	}
}

// TestCollectDescribeOrganizationFails: the organization cannot be
// described (a server error that outlasts the retries, or a denial):
// nothing is passed off as the organization. Run fails, collect exits 2
// and writes nothing; with --allow-gaps the single-account snapshot
// records the gap and collect exits 3.
func TestCollectDescribeOrganizationFails(t *testing.T) {
	srv, _ := standardOrg(t)
	t.Setenv("AWS_MAX_ATTEMPTS", "2")
	for name, rule := range map[string]mototest.Rule{
		"server error": {Operation: "DescribeOrganization", Status: 500},
		"denied":       {Operation: "DescribeOrganization", Status: 400, Code: "AccessDeniedException"},
		"garbage":      {Operation: "DescribeOrganization", Fault: mototest.FaultGarbage},
		"hang":         {Operation: "DescribeOrganization", Fault: mototest.FaultHang},
	} {
		t.Run(name, func(t *testing.T) {
			proxy := faultProxy(t, srv.URL)
			proxy.Rules = []mototest.Rule{rule}
			opts := testOptions(proxy.URL)
			opts.MaxAttempts = 2
			opts.Timeouts = shortTimeouts
			_, err := collect.Run(context.Background(), opts)
			var oe *collect.OrganizationError
			if !errors.As(err, &oe) || !strings.Contains(err.Error(), "--allow-gaps") {
				t.Fatalf("Run: %v, want an OrganizationError", err)
			}
			opts.AllowGaps = true
			s := runCollect(t, opts)
			if s.Organization != nil || s.Metadata.Scope != snapshot.ScopeAccount || !hasGap(s, "", snapshot.SectionOrganization, "organizations:DescribeOrganization", "") ||
				!strings.Contains(s.Metadata.ScopeNote, "could not be described") {
				t.Errorf("--allow-gaps: scope %q note %q gaps %+v", s.Metadata.Scope, s.Metadata.ScopeNote, s.Metadata.Gaps)
			}
		})
	}

	proxy := faultProxy(t, srv.URL)
	proxy.Rules = []mototest.Rule{{Operation: "DescribeOrganization", Status: 500}}
	dir := t.TempDir()
	path := filepath.Join(dir, "snapshot.json")
	code, _, stderr := execute(context.Background(), "collect", "--endpoint-url", proxy.URL, "-o", path)
	if code != cli.ExitUsage || !strings.Contains(stderr, "the organization could not be described") {
		t.Fatalf("collect: exit %d, want 2\n%s", code, stderr)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("files written: %v", entries)
	}
	code, _, stderr = execute(context.Background(), "collect", "--endpoint-url", proxy.URL, "-o", path, "--allow-gaps")
	if code != cli.ExitIncomplete {
		t.Fatalf("collect --allow-gaps: exit %d, want 3\n%s", code, stderr)
	}
	if _, err := snapshot.LoadFile(path); err != nil {
		t.Fatal(err)
	}

	// scan: the same without --allow-gaps; with it, the caller's account
	// is checked alone and the run exits 3, not 0, even with --fail-on
	// none: its reports do not cover the organization.
	report := filepath.Join(dir, "report.json")
	code, _, stderr = execute(context.Background(), "scan", "--endpoint-url", proxy.URL, "--report", "json="+report)
	if code != cli.ExitUsage || !strings.Contains(stderr, "the organization could not be described") {
		t.Fatalf("scan: exit %d, want 2\n%s", code, stderr)
	}
	if _, err := os.Stat(report); err == nil {
		t.Fatal("scan wrote a report without --allow-gaps")
	}
	code, _, stderr = execute(context.Background(), "scan", "--endpoint-url", proxy.URL, "--report", "json="+report, "--fail-on", "none", "--allow-gaps")
	if code != cli.ExitIncomplete || !strings.Contains(stderr, "the reports cover the caller's account alone") {
		t.Fatalf("scan --allow-gaps: exit %d, want 3\n%s", code, stderr)
	}
	if raw, err := os.ReadFile(report); err != nil || !strings.Contains(string(raw), `"not_evaluated": [`) || strings.Contains(string(raw), `"not_evaluated": []`) {
		t.Fatalf("scan --allow-gaps report: %v\n%s", err, raw)
	}
}

// TestCollectReplay: a replaying proxy answers a second collection from
// the first one's recording without asking moto, and the snapshot is the
// same. BenchmarkCollect's replayed run rests on this.
func TestCollectReplay(t *testing.T) {
	srv, _ := standardOrg(t)
	proxy := faultProxy(t, srv.URL)
	proxy.Replay = true
	first := runCollect(t, testOptions(proxy.URL))
	recorded := proxy.Counts()["recorded"]
	if recorded == 0 || proxy.Counts()["replayed"] != 0 {
		t.Fatalf("first collection: counts %v, want every call recorded", proxy.Counts())
	}
	proxy.Rewind()
	second := runCollect(t, testOptions(proxy.URL))
	if c := proxy.Counts(); c["recorded"] != recorded || c["replayed"] != recorded {
		t.Fatalf("second collection: counts %v, want every call replayed (%d recorded)", c, recorded)
	}
	first.Metadata.CollectedAt, second.Metadata.CollectedAt = time.Time{}, time.Time{}
	a, err := snapshot.Marshal(first)
	if err != nil {
		t.Fatal(err)
	}
	b, err := snapshot.Marshal(second)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Errorf("the replayed snapshot differs:\n%s\nwant\n%s", b, a)
	}
}

// TestMotoServerCPU checks that the processor time BenchmarkCollect reads
// from moto_server grows while moto answers.
func TestMotoServerCPU(t *testing.T) {
	srv := mototest.Shared(t)
	before, err := srv.CPU()
	if runtime.GOOS != "linux" {
		if err == nil {
			t.Fatalf("CPU() = %s off Linux, want an error", before)
		}
		t.Skip("moto_server's processor time is read on Linux only")
	}
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(srv.URL + "/moto-api/")
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		after, err := srv.CPU()
		if err != nil {
			t.Fatal(err)
		}
		if after < before {
			t.Fatalf("moto_server's processor time went back from %s to %s", before, after)
		}
		if after > before {
			return
		}
	}
	t.Fatalf("moto_server's processor time stayed at %s for 10 s of requests", before)
}
